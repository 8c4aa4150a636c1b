import type { Clock } from '../../core/clock.js';
import { isPublishError, PublishError } from '../../core/publish-error.js';
import type { AdapterAccount, Credentials, PlatformAdapter, PublishContext, StepResult } from '../../core/ports/platform-adapter.js';
import type { HttpOptions } from '../../http/http.js';
import { YouTubeAuth, YouTubeClient } from './youtube-client.js';
import type { YouTubeConfig } from './youtube-config.js';
import { planYouTubeUpload, type YouTubeUploadPlan } from './youtube-metadata.js';
import { refreshInputs, refreshYouTubeToken } from './youtube-oauth.js';
import { readProcessing } from './youtube-status.js';
import { runResumableUpload } from './youtube-upload.js';

/** Options of {@link createYouTubeAdapter}. */
export interface YouTubeAdapterOptions {
  config: Readonly<YouTubeConfig>;
  clock: Clock;
  http?: HttpOptions;
}

/**
 * YouTube Shorts through the Data API v3: `preparing` validates the metadata, `uploading` runs the
 * crash-safe resumable upload, `processing` polls `videos.list`, `publishing` sets the thumbnail and
 * adds the playlist item (each at most once), then the post is published.
 *
 * @example
 * ```ts
 * const adapter = new YouTubeAdapter({ config: sandboxYouTubeConfig(emulator.url), clock });
 * ```
 */
export class YouTubeAdapter implements PlatformAdapter {
  readonly platform = 'youtube' as const;
  readonly #config: Readonly<YouTubeConfig>;
  readonly #clock: Clock;
  readonly #http: HttpOptions;
  readonly #client: YouTubeClient;

  constructor(options: YouTubeAdapterOptions) {
    this.#config = options.config;
    this.#clock = options.clock;
    this.#http = options.http ?? {};
    this.#client = new YouTubeClient(this.#config, this.#clock, this.#http);
  }

  async step(ctx: PublishContext): Promise<StepResult> {
    try {
      return await this.#step(ctx);
    } catch (error) {
      // Google said the project's quota is spent: every post of the project waits for the reset together.
      if (isPublishError(error) && error.code === 'YOUTUBE_QUOTA_EXCEEDED' && error.deferUntil !== undefined) await ctx.quota?.spent(error.deferUntil, error.message);
      throw error;
    }
  }

  async #step(ctx: PublishContext): Promise<StepResult> {
    const plan = planYouTubeUpload(ctx.content, ctx.media, ctx.account.credentials, this.#config.defaultCategoryId);
    const auth = new YouTubeAuth(ctx, this.#config, this.#http);
    const videoId = typeof ctx.remote['videoId'] === 'string' ? ctx.remote['videoId'] : undefined;
    switch (ctx.state) {
      case 'preparing':
        if (videoId) return { status: 'continue', next: 'processing' };
        return { status: 'continue', next: 'uploading', delayMs: 0, ...(plan.notShort ? { note: plan.notShort } : {}) };
      case 'uploading': {
        if (videoId) return { status: 'continue', next: 'processing' };
        const video = await runResumableUpload(ctx, { config: this.#config, auth, plan, http: this.#http });
        const locked = plan.resource.status['privacyStatus'] !== 'private' && video.status?.privacyStatus === 'private';
        // Remembered so "published" can say the video is private (not only this step's note).
        if (locked) await ctx.checkpoint({ remote: { lockedPrivate: true } });
        return {
          status: 'continue',
          next: 'processing',
          delayMs: 0,
          ...(locked ? { note: 'YouTube kept the video private: the API project has not passed the audit (uploads from unaudited projects are locked private)' } : {}),
        };
      }
      case 'processing': {
        if (!videoId) return { status: 'continue', next: 'uploading' };
        const state = readProcessing(await auth.call((t) => this.#client.listVideo(t, videoId, ctx.signal)), videoId);
        if (state.state === 'processing') {
          return { status: 'continue', next: 'processing', delayMs: this.#config.pollIntervalMs, ...(state.progress !== undefined ? { note: `processing ${Math.round(state.progress * 100)} %` } : {}) };
        }
        if (plan.thumbnailPath || plan.playlistId) return { status: 'continue', next: 'publishing', delayMs: 0 };
        return this.#published(videoId, plan, ctx.remote['lockedPrivate'] === true);
      }
      case 'publishing': {
        if (!videoId) return { status: 'continue', next: 'uploading' };
        await this.#finishing(ctx, auth, plan, videoId);
        return this.#published(videoId, plan, ctx.remote['lockedPrivate'] === true);
      }
      default:
        throw new PublishError(`youtube adapter cannot run a step for state ${ctx.state}`, { platform: 'youtube', code: 'YOUTUBE_BAD_STATE', kind: 'invalid' });
    }
  }

  async refreshCredentials(account: AdapterAccount, withinMs: number): Promise<{ credentials: Credentials; expiresAt?: number } | null> {
    const expiresAt = Number(account.credentials['expiresAt'] ?? 0);
    if (typeof account.credentials['accessToken'] === 'string' && expiresAt - this.#clock.now() > withinMs) return null;
    const tokens = await refreshYouTubeToken(this.#config, refreshInputs(account.credentials, this.#config), this.#clock, this.#http);
    return {
      credentials: { ...account.credentials, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scope: tokens.scope || account.credentials['scope'] },
      expiresAt: tokens.expiresAt,
    };
  }

  /** Thumbnail (non-fatal: the video is up) and playlist item (intent first; reconciled by listing). */
  async #finishing(ctx: PublishContext, auth: YouTubeAuth, plan: YouTubeUploadPlan, videoId: string): Promise<void> {
    if (plan.thumbnailPath && ctx.remote['thumbnailSetAt'] === undefined && ctx.remote['thumbnailError'] === undefined) {
      try {
        await auth.call((t) => this.#client.setThumbnail(t, videoId, plan.thumbnailPath!, ctx.signal));
        await ctx.checkpoint({ remote: { thumbnailSetAt: this.#clock.now() }, event: { type: 'youtube.thumbnail_set' } });
      } catch (error) {
        if (!isPublishError(error) || error.kind !== 'invalid') throw error;
        await ctx.checkpoint({ remote: { thumbnailError: error.code }, event: { type: 'youtube.thumbnail_failed', data: { code: error.code, message: error.message } } });
      }
    }
    if (plan.playlistId && typeof ctx.remote['playlistItemId'] !== 'string') {
      const playlistId = plan.playlistId;
      if (ctx.remote['playlistIntentAt'] !== undefined) {
        const found = await auth.call((t) => this.#client.findPlaylistItem(t, playlistId, videoId, ctx.signal));
        if (found) {
          await ctx.checkpoint({ remote: { playlistItemId: found }, event: { type: 'youtube.playlist_item_reconciled', data: { playlistItemId: found } } });
          return;
        }
      }
      await ctx.checkpoint({ remote: { playlistIntentAt: this.#clock.now() }, event: { type: 'youtube.playlist_item_intent', data: { playlistId } } });
      const itemId = await auth.call((t) => this.#client.insertPlaylistItem(t, playlistId, videoId, ctx.signal));
      await ctx.checkpoint({ remote: { playlistItemId: itemId }, event: { type: 'youtube.playlist_item_added', data: { playlistItemId: itemId } } });
    }
  }

  #published(videoId: string, plan: YouTubeUploadPlan, lockedPrivate: boolean): StepResult {
    const base = this.#config.watchBaseUrl;
    const privacy = String(plan.resource.status['privacyStatus'] ?? 'public');
    const visibility = lockedPrivate
      ? 'published PRIVATE: the API project has not passed YouTube\'s audit, so its uploads are locked private (only the channel sees it)'
      : privacy !== 'public'
        ? `published ${privacy.toUpperCase()} (privacyStatus ${privacy}): ${privacy === 'private' ? 'only the channel sees it' : 'only people with the link see it'}`
        : undefined;
    const note = [visibility, plan.notShort].filter(Boolean).join('; ');
    return {
      status: 'published',
      remoteId: videoId,
      permalink: plan.notShort ? `${base}/watch?v=${videoId}` : `${base}/shorts/${videoId}`,
      ...(note ? { note } : {}),
    };
  }
}

/**
 * Builds the YouTube adapter.
 *
 * @example
 * ```ts
 * const adapter = createYouTubeAdapter({ config: sandboxYouTubeConfig(url), clock: systemClock });
 * ```
 */
export function createYouTubeAdapter(options: YouTubeAdapterOptions): PlatformAdapter {
  return new YouTubeAdapter(options);
}
