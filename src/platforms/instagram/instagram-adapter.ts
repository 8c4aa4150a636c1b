import type { Clock } from '../../core/clock.js';
import type { AdapterAccount, Credentials, PlatformAdapter, PublishContext, StepResult } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';
import type { HttpOptions } from '../../http/http.js';
import { InstagramClient } from './instagram-client.js';
import type { InstagramConfig } from './instagram-config.js';
import { parseInstagramCredentials, toCredentials } from './instagram-credentials.js';
import { InstagramOAuth } from './instagram-oauth.js';
import { buildContainerParams } from './instagram-options.js';
import { findPublished, publishContainer, reconcilePublish } from './instagram-publish.js';
import { holdOffIfBusy, paced, readRemote, resetContainer, type StepEnv } from './instagram-remote.js';
import { pollContainer } from './instagram-status.js';
import { uploadResumable } from './instagram-upload.js';

/** Options of {@link createInstagramAdapter}. */
export interface InstagramAdapterOptions {
  config: InstagramConfig;
  clock: Clock;
  http?: HttpOptions;
}

const DAY = 86_400_000;
/** Reels limits (§8.1). */
const MAX_BYTES = 300 * 1024 * 1024;
const MIN_SEC = 3;
const MAX_SEC = 15 * 60;

/**
 * Instagram Reels through the Graph API content-publishing flow: container (resumable upload from
 * disk on Facebook Login, `video_url` pull on Instagram Login), status polling, `media_publish`.
 *
 * @example
 * ```ts
 * const adapter = createInstagramAdapter({ config: sandboxInstagramConfig(emulator.url), clock });
 * const result = await adapter.step(ctx);
 * ```
 */
export class InstagramAdapter implements PlatformAdapter {
  readonly platform = 'instagram' as const;
  readonly oauth: InstagramOAuth;

  constructor(private readonly options: InstagramAdapterOptions) {
    this.oauth = new InstagramOAuth(this.#client(), () => options.clock.now());
  }

  #client(): InstagramClient {
    return new InstagramClient(this.options.config, () => this.options.clock.now(), this.options.http);
  }

  async step(ctx: PublishContext): Promise<StepResult> {
    const creds = parseInstagramCredentials(ctx.account.credentials);
    if (creds.tokenExpiresAt > 0 && ctx.clock.now() >= creds.tokenExpiresAt) {
      throw new PublishError('Instagram token expired; reconnect the account', { platform: 'instagram', code: 'INSTAGRAM_TOKEN_EXPIRED', kind: 'needs_reauth' });
    }
    const env: StepEnv = { ctx, creds, client: this.#client(), config: this.options.config, remote: readRemote(ctx.remote) };
    const { remote } = env;
    if (remote.mediaId) return { status: 'published', remoteId: remote.mediaId, permalink: remote.permalink ?? undefined };
    if (remote.containerId && remote.publishIntentAt) return reconcilePublish(env);
    if (!remote.containerId) return this.#createContainer(env);
    if (remote.containerMode === 'resumable' && !remote.uploaded) return this.#upload(env);
    if (ctx.state === 'publishing') return publishContainer(env);
    return pollContainer(env, () => findPublished(env));
  }

  async #createContainer(env: StepEnv): Promise<StepResult> {
    const { ctx, creds, client, config } = env;
    const { media } = ctx;
    if (media.size > MAX_BYTES) throw invalid('INSTAGRAM_VIDEO_TOO_LARGE', `the clip is ${media.size} bytes; Reels take at most 300 MB`);
    if (media.durationSec > 0 && (media.durationSec < MIN_SEC || media.durationSec > MAX_SEC)) {
      throw invalid('INSTAGRAM_VIDEO_DURATION', `the clip lasts ${media.durationSec} s; Reels take 3 s to 15 min`);
    }
    const params = buildContainerParams(ctx.content, media);
    const resumable = config.uploadMode === 'resumable-everywhere' || (config.uploadMode === 'auto' && creds.flavour === 'facebook');
    if (resumable) params.upload_type = 'resumable';
    else if (!media.publicUrl) {
      throw invalid('INSTAGRAM_NO_PUBLIC_URL', 'Instagram Login publishes by video_url, and this clip has no public (signed) URL; set the public base URL');
    } else params.video_url = media.publicUrl;
    const created = await client.createContainer(creds.flavour, creds.accessToken, creds.igUserId, params);
    const now = ctx.clock.now();
    const uri = created.uri ?? `${config.urls.rupload}/ig-api-upload/${config.graphVersion}/${created.id}`;
    await ctx.checkpoint({
      remote: {
        containerId: created.id, containerMode: resumable ? 'resumable' : 'url', containerCreatedAt: now,
        uploadUri: resumable ? uri : null, uploaded: !resumable, uploadAttempts: 0, pollStartedAt: resumable ? null : now, polls: 0,
      },
      upload: resumable ? { protocol: 'instagram-rupload', url: uri, totalBytes: media.size, bytesAcked: 0, chunkSize: media.size, expiresAt: now + DAY } : undefined,
      event: { type: 'instagram_container_created', data: { containerId: created.id, mode: resumable ? 'resumable' : 'url' } },
    });
    if (resumable) return { status: 'continue', next: 'uploading', delayMs: paced(env, 0) };
    return { status: 'continue', next: 'processing', delayMs: paced(env, config.poll.firstDelayMs) };
  }

  async #upload(env: StepEnv): Promise<StepResult> {
    const { ctx, creds, client, remote } = env;
    const containerId = remote.containerId!;
    const uri = remote.uploadUri ?? ctx.upload?.url;
    if (!uri || (ctx.upload?.expiresAt !== undefined && ctx.clock.now() >= ctx.upload.expiresAt)) {
      await resetContainer(env, 'upload session expired');
      return { status: 'continue', next: 'preparing', delayMs: 0, note: 'upload session expired; new container' };
    }
    let offset = 0;
    if ((remote.uploadAttempts ?? 0) > 0 || (ctx.upload?.bytesAcked ?? 0) > 0) {
      // Resume from what Meta says it has (correction 1), not from memory.
      const status = await client.getContainer(creds.flavour, creds.accessToken, containerId);
      if (status.status_code !== 'IN_PROGRESS') {
        // Meta has the bytes (or the container is over): record it so the next step does not come back here.
        await ctx.checkpoint({ remote: { uploaded: true, pollStartedAt: ctx.clock.now() } });
        const next = { ...env, remote: { ...remote, uploaded: true } };
        return pollContainer(next, () => findPublished(next));
      }
      const phase = status.video_status?.uploading_phase;
      if (phase?.status === 'complete') return this.#uploaded(env, 'already complete');
      offset = Math.min(phase?.bytes_transferred ?? 0, ctx.media.size);
    }
    // The same rule as YouTube's 308 without progress: every send follows the engine's backoff and a
    // fresh read of what Meta holds; sends in a row that move nothing are capped, then the post stops.
    const noProgress = (remote.uploadAttempts ?? 0) > 0 && offset <= (remote.uploadOffset ?? 0) ? (remote.uploadNoProgress ?? 0) + 1 : 0;
    if (noProgress >= this.options.config.maxNoProgressUploads) {
      throw new PublishError(`Instagram resumable upload stalled: Meta holds ${offset} of ${ctx.media.size} bytes and the last ${noProgress} sends (each after a backoff) moved nothing; stopped (retry the post later)`, {
        platform: 'instagram', code: 'INSTAGRAM_UPLOAD_STALLED', kind: 'invalid',
      });
    }
    holdOffIfBusy(env, 'the upload');
    await ctx.checkpoint({
      remote: { uploadAttempts: (remote.uploadAttempts ?? 0) + 1, uploadOffset: offset, uploadNoProgress: noProgress },
      upload: { protocol: 'instagram-rupload', url: uri, totalBytes: ctx.media.size, bytesAcked: offset, chunkSize: ctx.media.size - offset, expiresAt: ctx.upload?.expiresAt ?? (remote.containerCreatedAt ?? ctx.clock.now()) + DAY },
      event: offset > 0 ? { type: 'instagram_upload_resumed', data: { containerId, offset } } : undefined,
    });
    try {
      await uploadResumable({
        uri, token: creds.accessToken, path: ctx.media.path, fileSize: ctx.media.size, offset,
        dispatcher: this.options.http?.dispatcher, signal: ctx.signal, onProgress: (sent) => ctx.progress?.(sent, ctx.media.size),
      });
    } catch (error) {
      if (error instanceof PublishError && error.code === 'INSTAGRAM_UPLOAD_INTERRUPTED') {
        // Checkpoint what Meta kept, so progress views and the next step see it.
        const kept = await client.getContainer(creds.flavour, creds.accessToken, containerId).catch(() => undefined);
        const bytes = kept?.video_status?.uploading_phase?.bytes_transferred;
        if (typeof bytes === 'number' && ctx.upload) await ctx.checkpoint({ upload: { ...ctx.upload, url: uri, totalBytes: ctx.media.size, bytesAcked: bytes, chunkSize: ctx.media.size - bytes } });
      }
      throw error;
    }
    return this.#uploaded(env, 'sent');
  }

  async #uploaded(env: StepEnv, how: string): Promise<StepResult> {
    const { ctx, config, remote } = env;
    const now = ctx.clock.now();
    await ctx.checkpoint({
      remote: { uploaded: true, pollStartedAt: now },
      upload: { protocol: 'instagram-rupload', url: remote.uploadUri ?? '', totalBytes: ctx.media.size, bytesAcked: ctx.media.size, chunkSize: ctx.media.size, expiresAt: (remote.containerCreatedAt ?? now) + DAY },
      event: { type: 'instagram_upload_complete', data: { containerId: remote.containerId ?? null, how } },
    });
    return { status: 'continue', next: 'processing', delayMs: paced(env, config.poll.firstDelayMs) };
  }

  /**
   * IG Login long-lived tokens are refreshed once fewer than `max(withinMs, config.refreshBeforeExpiryMs)`
   * remain (and they are at least 24 h old, as Meta requires). Facebook Login publishes with a Page
   * token that never expires; there is no refresh endpoint, so an expired token means reconnecting.
   */
  async refreshCredentials(account: AdapterAccount, withinMs: number): Promise<{ credentials: Credentials; expiresAt?: number } | null> {
    const creds = parseInstagramCredentials(account.credentials);
    const now = this.options.clock.now();
    if (creds.tokenExpiresAt === 0) return null;
    if (now >= creds.tokenExpiresAt) {
      throw new PublishError('Instagram token expired; reconnect the account', { platform: 'instagram', code: 'INSTAGRAM_TOKEN_EXPIRED', kind: 'needs_reauth' });
    }
    if (creds.tokenExpiresAt - now > Math.max(withinMs, this.options.config.refreshBeforeExpiryMs)) return null;
    if (creds.flavour === 'facebook') return null;
    if (now - creds.tokenIssuedAt < DAY) return null;
    const next = await this.oauth.refresh(creds);
    return { credentials: { ...account.credentials, ...toCredentials(next) }, expiresAt: next.tokenExpiresAt };
  }
}

function invalid(code: string, message: string): PublishError {
  return new PublishError(`Instagram: ${message}`, { platform: 'instagram', code, kind: 'invalid' });
}

/**
 * Builds the Instagram adapter.
 *
 * @example
 * ```ts
 * const adapter = createInstagramAdapter({ config: instagramConfig({ facebookApp }), clock: systemClock });
 * ```
 */
export function createInstagramAdapter(options: InstagramAdapterOptions): InstagramAdapter {
  return new InstagramAdapter(options);
}
