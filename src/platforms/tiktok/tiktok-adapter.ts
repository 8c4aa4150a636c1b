import type { Clock } from '../../core/clock.js';
import type { AdapterAccount, Credentials, PlatformAdapter, PublishContext, StepResult } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';
import type { HttpOptions } from '../../http/http.js';
import { TikTokClient, type TikTokPostInfo } from './tiktok-client.js';
import type { TikTokConfig } from './tiktok-config.js';
import { readTikTokCredentials, refreshTikTokToken, tiktokCredentials } from './tiktok-oauth.js';
import { buildPostInfo, parseTikTokOptions } from './tiktok-options.js';
import { runStatusStep } from './tiktok-status.js';
import { runUploadStep, type TikTokRemote } from './tiktok-upload.js';

/** Options of {@link createTikTokAdapter}. */
export interface TikTokAdapterOptions {
  config: Readonly<TikTokConfig>;
  clock: Clock;
  http?: HttpOptions;
}

/** Longest video the inbox (Upload) endpoint accepts; creators trim in the app (§12). */
const INBOX_MAX_DURATION_SEC = 600;

/**
 * TikTok through the Content Posting API v2: `preparing` (options, creator_info, checks) →
 * `uploading` (init + chunked PUTs, resumable) → `processing` (status/fetch until final). Direct Post
 * publishes on its own once processed, so `publishing` is just another poll.
 *
 * @example
 * ```ts
 * const adapter = createTikTokAdapter({ config: sandboxTikTokConfig(emulator.url), clock });
 * const result = await adapter.step(ctx);
 * ```
 */
export class TikTokAdapter implements PlatformAdapter {
  readonly platform = 'tiktok' as const;
  readonly client: TikTokClient;
  /** In-flight refreshes per account: with rotation, two concurrent refreshes would invalidate each other. */
  #refreshing = new Map<string, Promise<{ credentials: Credentials; expiresAt?: number } | null>>();

  constructor(private readonly options: TikTokAdapterOptions) {
    this.client = new TikTokClient(options.config, options.clock, options.http);
  }

  async step(ctx: PublishContext): Promise<StepResult> {
    const tokens = readTikTokCredentials(ctx.account.credentials);
    const config = this.options.config;
    switch (ctx.state) {
      case 'preparing':
        return this.#prepare(ctx, tokens.accessToken, tokens.scope);
      case 'uploading':
        return runUploadStep(ctx, this.client, tokens.accessToken, {
          ttlMs: config.uploadUrlTtlMs,
          marginMs: config.uploadUrlMarginMs,
          chunkSize: config.chunkSize,
          singleChunkMax: config.singleChunkMaxBytes,
          pollInitialMs: config.pollInitialMs,
          freshPostInfo: () => this.#postInfo(ctx, tokens.accessToken),
          initsPerMinute: config.initsPerMinute,
        });
      case 'processing':
      case 'publishing':
        return runStatusStep(ctx, this.client, tokens.accessToken, config);
      default:
        throw new PublishError(`TikTok adapter cannot run a step for state ${ctx.state}`, { platform: 'tiktok', code: 'TIKTOK_BAD_STATE', kind: 'invalid' });
    }
  }

  /**
   * Refreshes when the access token expires within `withinMs`; returns the rotated pair (the new
   * refresh token must be saved with the access token, in one transaction).
   */
  async refreshCredentials(account: AdapterAccount, withinMs: number): Promise<{ credentials: Credentials; expiresAt?: number } | null> {
    const running = this.#refreshing.get(account.id);
    if (running) return running;
    const next = this.#refresh(account, withinMs).finally(() => this.#refreshing.delete(account.id));
    this.#refreshing.set(account.id, next);
    return next;
  }

  async #refresh(account: AdapterAccount, withinMs: number): Promise<{ credentials: Credentials; expiresAt?: number } | null> {
    const tokens = readTikTokCredentials(account.credentials);
    const now = this.options.clock.now();
    if (tokens.expiresAt - now > withinMs) return null;
    if (!tokens.refreshToken || tokens.refreshExpiresAt <= now) {
      throw new PublishError(`TikTok account @${account.handle}: the refresh token has expired; connect the account again`, {
        platform: 'tiktok',
        code: 'TIKTOK_REFRESH_EXPIRED',
        kind: 'needs_reauth',
      });
    }
    const next = await refreshTikTokToken(this.options.config, tokens.refreshToken, this.options.clock, this.options.http);
    // The app's key and secret (and anything else stored) stay; only the token fields change.
    return { credentials: { ...account.credentials, ...tiktokCredentials(next) }, expiresAt: next.expiresAt };
  }

  /**
   * `post_info` from a fresh creator_info (privacy options, disabled interactions and the duration cap
   * can change between attempts); throws a clear `invalid` error when the post no longer fits.
   */
  async #postInfo(ctx: PublishContext, accessToken: string): Promise<TikTokPostInfo> {
    const config = this.options.config;
    const opts = parseTikTokOptions(ctx.content.options, { mode: config.mode, coverTimestampSec: ctx.content.coverTimestampSec });
    const creator = await this.client.creatorInfo(accessToken, ctx.signal);
    return buildPostInfo(opts, creator, ctx.content.caption, ctx.media.durationSec, config);
  }

  async #prepare(ctx: PublishContext, accessToken: string, scope: string): Promise<StepResult> {
    const remote = ctx.remote as TikTokRemote;
    // Already past preparing once (an intent or a publish exists): never redo it.
    if (remote.initIntentAt || remote.publishId) return { status: 'continue', next: 'uploading', delayMs: 0 };
    const config = this.options.config;
    const opts = parseTikTokOptions(ctx.content.options, { mode: config.mode, coverTimestampSec: ctx.content.coverTimestampSec });
    const needed = opts.mode === 'direct' ? 'video.publish' : 'video.upload';
    if (scope && !scope.split(',').includes(needed)) {
      throw new PublishError(`TikTok account @${ctx.account.handle} did not grant ${needed}; reconnect it and allow posting`, {
        platform: 'tiktok',
        code: 'TIKTOK_SCOPE_NOT_AUTHORIZED',
        kind: 'needs_reauth',
      });
    }
    const source = config.pullFromUrl && ctx.media.publicUrl ? 'PULL_FROM_URL' : 'FILE_UPLOAD';
    if (opts.mode === 'inbox') {
      if (ctx.media.durationSec > INBOX_MAX_DURATION_SEC) {
        throw new PublishError(`The clip lasts ${ctx.media.durationSec} s; TikTok inbox uploads take at most ${INBOX_MAX_DURATION_SEC} s`, { platform: 'tiktok', code: 'TIKTOK_DURATION_TOO_LONG', kind: 'invalid' });
      }
      await ctx.checkpoint({ remote: { mode: 'inbox', source, creatorUsername: ctx.account.handle.replace(/^@/, '') }, event: { type: 'tiktok_prepared', data: { mode: 'inbox' } } });
      return { status: 'continue', next: 'uploading', delayMs: 0 };
    }
    // Fresh creator_info before every Direct Post (TikTok's guidelines: never cache it).
    const creator = await this.client.creatorInfo(accessToken, ctx.signal);
    const postInfo = buildPostInfo(opts, creator, ctx.content.caption, ctx.media.durationSec, config);
    const remote_ = ctx.remote as TikTokRemote;
    await ctx.checkpoint({
      remote: {
        mode: 'direct', source, postInfo, creatorUsername: creator.creator_username,
        creatorCheckedAt: this.options.clock.now(), creatorCheckedAttempt: ctx.attempt, creatorCheckedInits: remote_.inits ?? 0,
      },
      event: { type: 'tiktok_prepared', data: { mode: 'direct', creator: creator.creator_nickname, username: creator.creator_username, privacy: postInfo.privacy_level } },
    });
    return { status: 'continue', next: 'uploading', delayMs: 0, note: `posting as ${creator.creator_nickname} (@${creator.creator_username})` };
  }
}

/**
 * Creates the TikTok adapter.
 *
 * @example
 * ```ts
 * const adapter = createTikTokAdapter({ config: tiktokConfig({ clientKey, clientSecret, redirectUri }), clock: systemClock });
 * ```
 */
export function createTikTokAdapter(options: TikTokAdapterOptions): TikTokAdapter {
  return new TikTokAdapter(options);
}
