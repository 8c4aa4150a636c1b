import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { PublishError } from '../core/publish-error.js';
import type { AccountService } from '../core/accounts/account-service.js';
import { clipFileFor } from '../core/clips/clip-file-for.js';
import type { PlatformId } from '../core/platform-id.js';
import type { Clock } from '../core/clock.js';
import type { Credentials, MediaInfo, PlatformAdapter } from '../core/ports/platform-adapter.js';
import type { AccountRecord, ClipRecord, PostRecord } from '../core/ports/store.js';
import type { QuotaRequirement } from '../core/engine/engine.js';
import { youtubeQuotaRequirement } from '../platforms/youtube/youtube-quota-gate.js';
import type { MediaUrlSigner } from '../media/signed-url.js';
import { createInstagramAdapter } from '../platforms/instagram/instagram-adapter.js';
import { instagramConfig, instagramEndpoints } from '../platforms/instagram/instagram-config.js';
import type { HttpOptions } from '../http/http.js';
import { createTikTokAdapter } from '../platforms/tiktok/tiktok-adapter.js';
import { tiktokConfig, tiktokEndpoints } from '../platforms/tiktok/tiktok-config.js';
import { createYouTubeAdapter } from '../platforms/youtube/youtube-adapter.js';
import { youTubeConfig, youTubeEndpoints } from '../platforms/youtube/youtube-config.js';
import type { SandboxUrls } from '../sandbox/sandbox-urls.js';
import { APP_FIELDS, configuredApp, resolveApp, type PlatformApps } from './platform-apps.js';

/** Options of {@link createAdapterRegistry}. */
export interface AdapterRegistryOptions {
  accounts: AccountService;
  clock: Clock;
  http?: HttpOptions;
  /**
   * The configured platform apps, used for an account whose credentials carry no app of their own
   * (see {@link resolveApp}). Default none.
   */
  apps?: PlatformApps;
  /** Base URLs of the running sandbox, for sandbox accounts: the only thing that differs from a real account. */
  sandbox?: SandboxUrls;
  /** Per-platform tuning merged into every config (e.g. shorter polls in the demo). */
  tune?: { tiktok?: Record<string, unknown>; instagram?: Record<string, unknown>; youtube?: Record<string, unknown> };
  /** Signs public media URLs (Instagram `video_url`, TikTok pull) when clipcast serves media. */
  signer?: MediaUrlSigner;
  /** How long a signed media URL stays valid (default 24 h). */
  mediaUrlTtlMs?: number;
  /** Count YouTube quota in the store (default true; the dispatch bench turns it off with the emulators' limits). */
  sandboxQuota?: boolean;
}

/** Picks the adapter, the media view and the quota of a post. */
export interface AdapterRegistry {
  adapterFor(account: AccountRecord): PlatformAdapter;
  /** The file `platform` publishes for a clip (see `clipFileFor`), checked against the store, with its signed URL. */
  mediaFor(clip: ClipRecord, platform?: PlatformId): MediaInfo;
  /** The quota a post reserves in the store before it starts (YouTube's daily inserts per project). */
  quotaFor(post: PostRecord, account: AccountRecord): QuotaRequirement | null;
}

/** Where a redirect would land; adapters only need it for connect flows, which the OAuth providers run. */
const NO_REDIRECT = 'http://127.0.0.1/callback';

/**
 * One adapter per account, built the same way for every account: the app (client key/secret, client
 * id/secret, app id/secret) comes from the account's stored credentials, else from the configured apps
 * ({@link resolveApp}); a sandbox account differs only in the base URLs. Adapters are cached until the
 * account's credentials change.
 *
 * @example
 * ```ts
 * const registry = createAdapterRegistry({ accounts: app.accounts, clock: app.clock, apps, sandbox: urls });
 * const engine = new Engine({ ...registry, store: app.store, accounts: app.accounts, clock, workerId });
 * ```
 */
export function createAdapterRegistry(options: AdapterRegistryOptions): AdapterRegistry {
  const cache = new Map<string, { key: string; adapter: PlatformAdapter }>();
  const { clock, http } = options;
  const apps = options.apps ?? {};
  const build = (account: AccountRecord, creds: Credentials): PlatformAdapter => {
    const base = account.sandbox ? options.sandbox?.[account.platform] : undefined;
    if (account.sandbox && !base) {
      throw new PublishError(`account ${account.platform}:${account.handle} is a sandbox account, but no sandbox is running: start \`clipcast sandbox\` first (or run \`clipcast demo\`)`, {
        platform: account.platform,
        code: 'SANDBOX_NOT_RUNNING',
        kind: 'needs_reauth',
      });
    }
    switch (account.platform) {
      case 'tiktok': {
        const app = resolveApp('tiktok', creds, apps, account.handle);
        const config = tiktokConfig({
          clientKey: app.id,
          clientSecret: app.secret,
          redirectUri: String(creds.redirectUri ?? NO_REDIRECT),
          // Whether the app passed TikTok's audit is the app's property, known from its configuration
          // (CLIPCAST_TIKTOK_AUDITED); unknown means unaudited: SELF_ONLY only, which every app may post.
          ...(apps.tiktok?.audited && apps.tiktok.clientKey === app.id ? { audited: true } : {}),
          ...(base ? tiktokEndpoints(base) : {}),
          ...(options.tune?.tiktok ?? {}),
        });
        return createTikTokAdapter({ config, clock, ...(http ? { http } : {}) });
      }
      case 'instagram': {
        // Publishing and the IG Login refresh need only the token; the app (kept since connect) is
        // passed along the same way as on the other platforms, and its absence is no error here.
        const flavour = creds.flavour === 'instagram' ? 'instagram' : 'facebook';
        const app = hasApp('instagram', creds, apps) ? resolveApp('instagram', creds, apps, account.handle) : undefined;
        const metaApp = app ? { clientId: app.id, clientSecret: app.secret, redirectUri: NO_REDIRECT } : undefined;
        const tune = (options.tune?.instagram ?? {}) as Parameters<typeof instagramConfig>[0];
        const config = instagramConfig({ ...tune, ...(metaApp ? (flavour === 'instagram' ? { instagramApp: metaApp } : { facebookApp: metaApp }) : {}), ...(base ? { urls: { ...instagramEndpoints(base), ...(tune?.urls ?? {}) } } : {}) });
        return createInstagramAdapter({ config, clock, ...(http ? { http } : {}) });
      }
      case 'youtube': {
        const app = resolveApp('youtube', creds, apps, account.handle);
        const config = youTubeConfig({ clientId: app.id, clientSecret: app.secret, ...(base ? youTubeEndpoints(base) : {}), ...(options.tune?.youtube ?? {}) });
        return createYouTubeAdapter({ config, clock, ...(http ? { http } : {}) });
      }
    }
  };
  return {
    adapterFor(account) {
      const creds = options.accounts.credentialsOf(account);
      const key = createHash('sha256').update(`${account.credentialsEnc}|${account.sandbox}|${options.sandbox?.[account.platform] ?? ''}`).digest('hex');
      const hit = cache.get(account.id);
      if (hit?.key === key) return hit.adapter;
      const adapter = build(account, creds);
      cache.set(account.id, { key, adapter });
      return adapter;
    },
    quotaFor(post, account) {
      if (account.platform !== 'youtube' || options.sandboxQuota === false) return null;
      const creds = options.accounts.credentialsOf(account);
      if (creds.backend === 'postiz') return null; // Postiz publishes these itself
      return youtubeQuotaRequirement(clock.now(), String(creds.clientId ?? 'default-project'), post.content);
    },
    mediaFor(clip, platform) {
      const file = clipFileFor(clip, platform);
      // The media store hard-links clips when it can, so a source file rewritten in place changes the
      // stored one too: refuse to publish different bytes than the campaign planned.
      const size = statSync(file.path, { throwIfNoEntry: false })?.size;
      if (size !== file.size) {
        throw new PublishError(
          size === undefined
            ? `clip ${clip.clipId} is missing from the media store (${file.path}); create the campaign again`
            : `clip ${clip.clipId} changed since the campaign was created (${size} bytes, planned ${file.size}): its source was rewritten in place; create the campaign again`,
          { platform: 'core', code: 'MEDIA_CHANGED', kind: 'invalid' },
        );
      }
      const probe = file.probe as { durationSec?: number; width?: number; height?: number };
      const publicUrl = options.signer?.sign(file.sha256, clock.now() + (options.mediaUrlTtlMs ?? 24 * 3_600_000));
      return {
        path: file.path,
        size: file.size,
        sha256: file.sha256,
        durationSec: probe.durationSec ?? 0,
        width: probe.width ?? 0,
        height: probe.height ?? 0,
        ...(publicUrl ? { publicUrl } : {}),
      };
    },
  };
}

function hasApp(platform: 'instagram', creds: Credentials, apps: PlatformApps): boolean {
  return typeof creds[APP_FIELDS[platform][0]] === 'string' || configuredApp(platform, apps) !== undefined;
}
