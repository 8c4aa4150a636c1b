import { isPostizCredentials } from '../core/accounts/credential-fields.js';
import { InputError, isInputError } from '../core/input-error.js';
import { PublishError } from '../core/publish-error.js';
import type { Notifier } from '../core/ports/notifier.js';
import type { MediaInfo, PlatformAdapter } from '../core/ports/platform-adapter.js';
import type { AccountRecord, ClipRecord } from '../core/ports/store.js';
import { clipFileFor } from '../core/clips/clip-file-for.js';
import type { PlatformId } from '../core/platform-id.js';
import type { App } from './open-app.js';
import type { HttpOptions } from '../http/http.js';
import { KyselySubmissionStore } from '../store/postiz-submission-store.js';
import { createPostizAdapter, type PostizAdapter, type PostizAdapterOptions } from '../postiz/postiz-adapter.js';
import { postizOrgKey } from '../postiz/postiz-channels.js';
import { nextPostAt } from '../postiz/postiz-pacer.js';
import { PostizClient } from '../postiz/postiz-client.js';
import { postizConfig, type PostizConfig } from '../postiz/postiz-config.js';

/** The Postiz client of the app's config (`CLIPCAST_POSTIZ_URL`, `CLIPCAST_POSTIZ_API_KEY`); throws `InputError` when unset. */
export function postizClientFor(app: Pick<App, 'config' | 'clock'>, overrides: Partial<PostizConfig> = {}, http?: HttpOptions): PostizClient {
  const { postizUrl, postizApiKey, postizApiLimit } = app.config;
  if (!postizUrl || !postizApiKey) {
    throw new InputError('POSTIZ_NOT_CONFIGURED', 'the Postiz server is not configured', 'set CLIPCAST_POSTIZ_URL and CLIPCAST_POSTIZ_API_KEY (or postizUrl/postizApiKey in config.json)', 'CLIPCAST_POSTIZ_URL');
  }
  return new PostizClient({ config: postizConfig({ serverUrl: postizUrl, apiKey: postizApiKey, ...(postizApiLimit ? { postsPerHour: postizApiLimit } : {}), ...overrides }), clock: app.clock, ...(http ? { http } : {}) });
}

/** Options of {@link postizAdapterFor}. */
export interface PostizAppOptions {
  notifier?: Notifier;
  /** A ready client (tests aim it at the emulator); default {@link postizClientFor}. */
  client?: PostizClient;
  adapter?: Partial<Omit<PostizAdapterOptions, 'client' | 'store' | 'submissions' | 'accounts' | 'clock'>>;
}

/**
 * The engine's `adapterFor` piece for Postiz channels: returns the Postiz adapter for an account whose
 * credentials carry `backend: 'postiz'`, else undefined (use the direct adapter). Built lazily: an app
 * with no Postiz channel never needs the Postiz config. `post.stuck` goes to the notifier.
 *
 * @example
 * ```ts
 * const postiz = postizAdapterFor(app, { notifier });
 * const engine = new Engine({ ..., adapterFor: (a) => postiz(a) ?? directAdapterFor(a) });
 * ```
 */
export function postizAdapterFor(app: App, options: PostizAppOptions = {}): (account: AccountRecord) => PlatformAdapter | undefined {
  let adapter: PostizAdapter | undefined;
  const known = new Map<string, boolean>();
  const build = (): PostizAdapter => {
    const client = options.client ?? postizClientFor(app);
    const notifier = options.notifier;
    return createPostizAdapter({
      client,
      store: app.store,
      submissions: new KyselySubmissionStore(app.store, postizOrgKey(client.config), () => app.clock.now(), { postsPerHour: options.adapter?.postsPerHour ?? client.config.postsPerHour, nextPostAt }),
      accounts: app.accounts,
      clock: app.clock,
      ...(notifier ? { onStuck: (info) => notifier.notify('post.stuck', { ...info }) } : {}),
      ...(options.adapter ?? {}),
    });
  };
  return (account) => {
    const cacheKey = `${account.id}:${account.credentialsEnc}`;
    let isPostiz = known.get(cacheKey);
    if (isPostiz === undefined) {
      try {
        isPostiz = isPostizCredentials(app.accounts.credentialsOf(account));
      } catch {
        isPostiz = false;
      }
      known.set(cacheKey, isPostiz);
    }
    if (!isPostiz) return undefined;
    if (!adapter) {
      try {
        adapter = build();
      } catch (error) {
        if (!isInputError(error)) throw error;
        // Not configured: the channel's posts wait (needs_reauth) instead of erroring outside the engine's step.
        const reason = `${error.message}; ${error.hint ?? ''}`.trim();
        return { platform: account.platform, step: () => Promise.reject(new PublishError(`Postiz: ${reason}`, { platform: 'postiz', code: 'POSTIZ_NOT_CONFIGURED', kind: 'needs_reauth' })) };
      }
    }
    return adapter.forPlatform(account.platform);
  };
}

/**
 * The engine's `mediaFor` for a stored clip: its file in the media store and its probe (no public URL:
 * the Postiz backend uploads the file itself).
 *
 * @example
 * ```ts
 * new Engine({ ..., mediaFor: clipMediaInfo });
 * ```
 */
export function clipMediaInfo(clip: ClipRecord, platform?: PlatformId): MediaInfo {
  // Postiz hands the file on to the platform, so Instagram needs the remuxed copy here too.
  const file = clipFileFor(clip, platform);
  const p = file.probe as { durationSec?: number; width?: number; height?: number };
  return { path: file.path, size: file.size, sha256: file.sha256, durationSec: p.durationSec ?? 0, width: p.width ?? 0, height: p.height ?? 0 };
}
