import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { App } from './open-app.js';
import { MediaUrlSigner } from '../media/signed-url.js';
import { createMediaHandler } from '../media/media-handler.js';

const SETTING = 'media.url_key';

/**
 * The signer of public media URLs (`<publicUrl>/media/<sha256>?exp=…&sig=…`), with a key kept encrypted
 * in the store (made on first use), so the server that serves media and the worker that hands the URLs
 * to Instagram and TikTok agree. Undefined when no public URL is configured.
 *
 * @example
 * ```ts
 * const signer = await mediaSigner(app, 'https://clips.example.com');
 * ```
 */
export async function mediaSigner(app: App, publicUrl: string | undefined): Promise<MediaUrlSigner | undefined> {
  if (!publicUrl) return undefined;
  let enc = await app.store.getSetting(SETTING);
  if (!enc) {
    enc = app.secrets.encrypt(randomBytes(32).toString('base64'), `setting:${SETTING}`);
    await app.store.setSetting(SETTING, enc, app.clock.now());
  }
  const secret = Buffer.from(app.secrets.decrypt(enc, `setting:${SETTING}`), 'base64');
  return new MediaUrlSigner({ secret, publicBaseUrl: publicUrl });
}

/** The `/media/*` handler: verifies the signature and serves the content-addressed file with Range support. */
export function mediaHandlerFor(app: App, signer: MediaUrlSigner) {
  return createMediaHandler({
    signer,
    clock: app.clock,
    resolve: (key) => {
      if (!/^[0-9a-f]{64}$/.test(key)) return undefined;
      const path = app.media.pathOf(key);
      return existsSync(path) ? path : undefined;
    },
  });
}
