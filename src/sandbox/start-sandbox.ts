import type { Clock } from '../core/clock.js';
import type { PlatformId } from '../core/platform-id.js';
import type { Credentials } from '../core/ports/platform-adapter.js';
import { createInstagramEmulator, type InstagramEmulator } from './instagram/instagram-emulator.js';
import { createPostizEmulator, type PostizEmulator } from './postiz/postiz-emulator.js';
import { createTikTokEmulator, type TikTokEmulator } from './tiktok/tiktok-emulator.js';
import { createYouTubeEmulator, type YouTubeEmulator } from './youtube/youtube-emulator.js';
import { SANDBOX_CLIENT_ID, SANDBOX_SECRET } from './youtube/youtube-emulator.js';
import type { SandboxApps, SandboxUrls } from './sandbox-urls.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  clock?: Clock;
  host?: string;
  /** First port; the emulators take base+1 (TikTok), +2 (Instagram), +3 (YouTube), +4 (Postiz). Default: any free ports. */
  portBase?: number;
  /** Simulated processing time of uploads on each platform (default 2 s). */
  processingMs?: number;
  /** Enforce the platforms' limits (default true; the dispatch bench turns them off). */
  limits?: boolean;
}

/** A running sandbox: every emulator, its URL, and a way to make ready-to-use accounts. */
export interface Sandbox {
  urls: Required<SandboxUrls>;
  /** The apps the emulators registered: connect through them like through a real platform's app. */
  apps: SandboxApps;
  tiktok: TikTokEmulator;
  instagram: InstagramEmulator;
  youtube: YouTubeEmulator;
  postiz: PostizEmulator;
  /** Credentials valid on the emulator, as if the OAuth flow had completed. */
  createAccount(platform: PlatformId, handle?: string): { handle: string; externalId: string; credentials: Credentials };
  /** Every post each platform made public. */
  published(): { platform: PlatformId; remoteId: string; sha256: string; permalink: string }[];
  close(): Promise<void>;
}

/**
 * Starts every emulator on 127.0.0.1: TikTok, Instagram, YouTube (each with its OAuth) and Postiz.
 *
 * @example
 * ```ts
 * const sandbox = await startSandbox({ processingMs: 500 });
 * console.log(sandbox.urls.tiktok);
 * await sandbox.close();
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const common = { ...(options.clock ? { clock: options.clock } : {}), ...(options.host ? { host: options.host } : {}) };
  const port = (n: number) => (options.portBase ? { port: options.portBase + n } : {});
  const processingMs = options.processingMs ?? 2_000;
  const limits = options.limits ?? true;
  // Like a registered app: the CLI's loopback callback and `clipcast serve`'s OAuth callback.
  const tiktokRedirects = ['http://127.0.0.1:*/callback/', 'http://localhost:*/callback/', 'http://127.0.0.1:*/oauth/tiktok/callback'];
  const tiktok = await createTikTokEmulator({ ...common, ...port(1), processingMs, limits, redirectUris: tiktokRedirects });
  // Meta matches redirect URIs exactly: register the loopback one `clipcast accounts connect instagram`
  // uses (port 8787) and `clipcast serve`'s default callback, besides the emulator's own.
  const redirectUris = ['http://127.0.0.1/callback', 'http://127.0.0.1:8787/callback/', 'http://127.0.0.1:8080/oauth/instagram/callback'];
  const instagram = await createInstagramEmulator({
    ...common,
    ...port(2),
    processingMs,
    limits,
    apps: {
      instagram: { clientId: '990602627938098', clientSecret: 'ig-sandbox-secret', redirectUris },
      facebook: { clientId: '1234567890123456', clientSecret: 'fb-sandbox-secret', redirectUris },
    },
  });
  // The publishing quota (content_publishing_limit) is a knob of its own: lift it with the other limits.
  if (!limits) instagram.knobs.quotaTotal = 1_000_000;
  const youtube = await createYouTubeEmulator({ ...common, ...port(3), processingMs, noLimits: !limits });
  const postiz = await createPostizEmulator({ ...common, ...port(4), ...(limits ? {} : { postsPerHour: Infinity }) });
  // One connected channel per platform, so `clipcast channels sync` finds something to publish to.
  for (const [identifier, name] of [['tiktok', 'Sandbox TikTok'], ['instagram-standalone', 'Sandbox Instagram'], ['youtube', 'Sandbox YouTube']] as const) {
    postiz.addChannel({ identifier, name, profile: 'clipcast_sandbox' });
  }
  return {
    urls: { tiktok: tiktok.url, instagram: instagram.url, youtube: youtube.url, postiz: postiz.url },
    apps: {
      tiktok: { clientKey: tiktok.settings.clientKey, clientSecret: tiktok.settings.clientSecret },
      youtube: { clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_SECRET },
      instagram: { appId: instagram.apps.instagram.clientId, appSecret: instagram.apps.instagram.clientSecret, flavour: 'instagram' },
      facebook: { appId: instagram.apps.facebook.clientId, appSecret: instagram.apps.facebook.clientSecret, flavour: 'facebook' },
    },
    tiktok,
    instagram,
    youtube,
    postiz,
    createAccount(platform, handle) {
      switch (platform) {
        case 'tiktok':
          return tiktok.createSandboxAccount(handle?.replace(/^@/, ''));
        case 'instagram':
          return instagram.createSandboxAccount(handle?.replace(/^@/, ''));
        case 'youtube': {
          const a = youtube.createSandboxAccount(handle);
          return a;
        }
      }
    },
    published() {
      return [
        ...tiktok.published().map((p) => ({ platform: 'tiktok' as const, remoteId: p.remoteId, sha256: p.sha256, permalink: p.permalink })),
        ...instagram.published().map((p) => ({ platform: 'instagram' as const, remoteId: p.remoteId, sha256: p.sha256, permalink: p.permalink })),
        ...youtube.published().map((p) => ({ platform: 'youtube' as const, remoteId: p.remoteId, sha256: p.sha256, permalink: p.permalink })),
      ];
    },
    async close() {
      await Promise.all([tiktok.close(), instagram.close(), youtube.close(), postiz.close()]);
    },
  };
}
