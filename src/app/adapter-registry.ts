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
import { instagramConfig, sandboxInstagramConfig } from '../platforms/instagram/instagram-config.js';
import type { HttpOptions } from '../platforms/shared/http.js';
import { createTikTokAdapter } from '../platforms/tiktok/tiktok-adapter.js';
import { sandboxTikTokConfig, tiktokConfig } from '../platforms/tiktok/tiktok-config.js';
import { createYouTubeAdapter } from '../platforms/youtube/youtube-adapter.js';
import { sandboxYouTubeConfig, youTubeConfig } from '../platforms/youtube/youtube-config.js';
import type { SandboxUrls } from '../sandbox/sandbox-urls.js';

/** Options of {@link createAdapterRegistry}. */
export interface AdapterRegistryOptions {
  accounts: AccountService;
  clock: Clock;
  http?: HttpOptions;
  /** Base URLs of the running sandbox, for sandbox accounts. */
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

/**
 * One adapter per account (the app credentials of an account, e.g. TikTok's client key, are part of its
 * adapter's config), aimed at the real APIs or, for a sandbox account, at the running sandbox. Adapters
 * are cached until the account's credentials change.
 *
 * @example
 * ```ts
 * const registry = createAdapterRegistry({ accounts: app.accounts, clock: app.clock, sandbox: urls });
 * const engine = new Engine({ ...registry, store: app.store, accounts: app.accounts, clock, workerId });
 * ```
 */
export function createAdapterRegistry(options: AdapterRegistryOptions): AdapterRegistry {
  const cache = new Map<string, { key: string; adapter: PlatformAdapter }>();
  const { clock, http } = options;
  const build = (account: AccountRecord, creds: Credentials): PlatformAdapter => {
    const sandbox = account.sandbox ? options.sandbox?.[account.platform] : undefined;
    if (account.sandbox && !sandbox) {
      throw new Error(`account ${account.platform}:${account.handle} is a sandbox account, but no sandbox is running: start \`clipcast sandbox\` first (or run \`clipcast demo\`)`);
    }
    switch (account.platform) {
      case 'tiktok': {
        const tune = { ...(options.tune?.tiktok ?? {}) };
        const config = sandbox
          ? sandboxTikTokConfig(sandbox, tune)
          : tiktokConfig({ clientKey: String(creds.clientKey ?? ''), clientSecret: String(creds.clientSecret ?? ''), redirectUri: String(creds.redirectUri ?? 'http://127.0.0.1:8787/callback/'), ...tune });
        return createTikTokAdapter({ config, clock, ...(http ? { http } : {}) });
      }
      case 'instagram': {
        const tune = options.tune?.instagram ?? {};
        const config = sandbox ? sandboxInstagramConfig(sandbox, tune) : instagramConfig(tune);
        return createInstagramAdapter({ config, clock, ...(http ? { http } : {}) });
      }
      case 'youtube': {
        const tune = options.tune?.youtube ?? {};
        const config = sandbox ? sandboxYouTubeConfig(sandbox, tune) : youTubeConfig(tune);
        return createYouTubeAdapter({ config, clock, ...(http ? { http } : {}) });
      }
    }
  };
  return {
    adapterFor(account) {
      const creds = options.accounts.credentialsOf(account);
      const key = createHash('sha256').update(`${account.credentialsEnc}|${account.sandbox}`).digest('hex');
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
