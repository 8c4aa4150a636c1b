import type { Readable } from 'node:stream';
import { ChunkReader } from '../shared/chunk-reader.js';
import { extname } from 'node:path';
import { request } from 'undici';
import { PublishError } from '../../core/publish-error.js';
import type { PublishContext, UploadCheckpoint } from '../../core/ports/platform-adapter.js';
import { describeNetworkError, flattenHeaders, httpRequest, parseRetryAfter, type HttpOptions, type HttpResponse } from '../../http/http.js';
import type { YouTubeAuth, YouTubeVideo } from './youtube-client.js';
import type { YouTubeConfig } from './youtube-config.js';
import { classifyYouTubeError } from './youtube-errors.js';
import { settleLostUpload, uploadMarker, withMarker } from './youtube-lost-upload.js';
import type { YouTubeUploadPlan } from './youtube-metadata.js';

/** `UploadCheckpoint.protocol` of a YouTube resumable session. */
export const YOUTUBE_UPLOAD_PROTOCOL = 'youtube-resumable';

/** What a session status query found (reference §2.4). */
export type SessionStatus =
  | { kind: 'incomplete'; persisted: number; retryAfterMs?: number }
  | { kind: 'complete'; video: YouTubeVideo }
  | { kind: 'gone'; status: number };

/** Dependencies of {@link runResumableUpload}. */
export interface ResumableUploadDeps {
  config: Readonly<YouTubeConfig>;
  auth: YouTubeAuth;
  plan: YouTubeUploadPlan;
  http?: HttpOptions;
}

const MAX_RESTARTS = 2;

/** The MIME type sent as `X-Upload-Content-Type` and on every chunk. */
export function videoMimeType(path: string): string {
  const ext = extname(path).toLowerCase();
  return ext === '.mp4' || ext === '.m4v' ? 'video/mp4' : ext === '.mov' ? 'video/quicktime' : ext === '.webm' ? 'video/webm' : 'application/octet-stream';
}

/**
 * Uploads `ctx.media` through the resumable protocol, crash-safe:
 * 1. a new session's URI is checkpointed (`bytesAcked: 0`) before the first byte;
 * 2. chunks (multiples of 256 KiB) stream from disk, and every `308` is checkpointed with the offset
 *    Google acknowledged in `Range` (not the offset sent);
 * 3. a step that finds a checkpoint asks the session first (`Content-Range: bytes *\/N`) and continues
 *    from the last byte Google holds; only a 404/410 starts a new session, recording why;
 * 4. before the final chunk (the irreversible call) the intent is recorded; the status query then
 *    replays the final response, which gives the video even when the answer was lost. When the session
 *    is gone too (404 after the intent), the video is looked for in the channel's uploads by the marker
 *    tag put in at session start (see `settleLostUpload`); what cannot be settled stops for a review;
 * 5. a `308` that does not move `Range` ends the step (the engine backs off; the next step asks the
 *    session), and `maxNoProgressSends` of them in a row stop the upload (`YOUTUBE_UPLOAD_STALLED`).
 * 5xx and network errors throw `retryable` (`unknown_outcome` on the final chunk); the engine retries.
 *
 * @example
 * ```ts
 * const video = await runResumableUpload(ctx, { config, auth, plan, http });
 * ```
 */
export async function runResumableUpload(ctx: PublishContext, deps: ResumableUploadDeps): Promise<YouTubeVideo> {
  // One small ring of reused read buffers for the whole upload (see ChunkReader): no garbage per read.
  const reader = await ChunkReader.open(ctx.media.path, 4, deps.config.readBufferBytes);
  try {
    return await runUpload(ctx, deps, reader);
  } finally {
    await reader.close();
  }
}

async function runUpload(ctx: PublishContext, deps: ResumableUploadDeps, reader: ChunkReader): Promise<YouTubeVideo> {
  const total = ctx.media.size;
  let intent = typeof ctx.remote['finalChunkIntentAt'] === 'number';
  let upload: UploadCheckpoint | null = ctx.upload && ctx.upload.protocol === YOUTUBE_UPLOAD_PROTOCOL ? { ...ctx.upload } : null;
  if (upload && (upload.totalBytes !== total || ctx.remote['uploadSha256'] !== ctx.media.sha256)) {
    await ctx.checkpoint({ upload: null, remote: { finalChunkIntentAt: null }, event: { type: 'youtube.session_abandoned', data: { reason: 'the file changed since the session started' } } });
    upload = null;
    intent = false;
  }
  if (typeof ctx.remote['lostFinalAt'] === 'number') {
    // A final chunk whose answer was lost with its session: settle it before anything else.
    const video = await settleLostUpload(ctx, deps);
    if (video) return finish(ctx, video);
    upload = null;
    intent = false;
  }
  let noProgress = Number(ctx.remote['uploadNoProgress'] ?? 0);
  let restarts = 0;
  let restartReason: string | undefined;
  let authRetried = false;
  for (;;) {
    let offset = 0;
    if (!upload) {
      // The marker tag goes in at session start: it is how this video is found if the final answer is lost.
      const { resource, marked } = withMarker(deps.plan.resource, uploadMarker(ctx.postId));
      const startedAt = ctx.clock.now();
      const url = await initiate(ctx, deps, resource);
      // No expiresAt: Google states no session lifetime (about a week is unconfirmed); the 404 decides.
      upload = { protocol: YOUTUBE_UPLOAD_PROTOCOL, url, totalBytes: total, bytesAcked: 0, chunkSize: deps.config.chunkSize };
      await ctx.checkpoint({
        upload,
        remote: { uploadSha256: ctx.media.sha256, sessionCreatedAt: startedAt, finalChunkIntentAt: null, uploadNoProgress: 0, uploadMarked: marked },
        event: { type: 'youtube.session_created', data: { totalBytes: total, chunkSize: upload.chunkSize, ...(restartReason ? { reason: restartReason } : {}) } },
      });
      intent = false;
      noProgress = 0;
    } else {
      const createdAt = Number(ctx.remote['sessionCreatedAt'] ?? ctx.clock.now());
      const age = { ageMs: ctx.clock.now() - createdAt, probablyExpired: ctx.clock.now() - createdAt > deps.config.sessionMaxAgeMs };
      const status = await deps.auth.call((token) => querySession(ctx, upload!, token, deps));
      if (status.kind === 'complete') return finish(ctx, status.video);
      if (status.kind === 'gone' && intent) {
        // The final chunk went out, its answer never came, and the session no longer replays it: the
        // video may exist. Find it in the channel's uploads before any new session (never blind).
        await ctx.checkpoint({
          upload: null,
          remote: { lostFinalAt: ctx.clock.now(), lostSessionCreatedAt: Number(ctx.remote['sessionCreatedAt'] ?? ctx.remote['finalChunkIntentAt'] ?? 0), lostUploadLookups: 0 },
          event: { type: 'youtube.final_answer_lost', data: { status: status.status, ...age } },
        });
        const lost = { ...ctx, remote: { ...ctx.remote, lostSessionCreatedAt: Number(ctx.remote['sessionCreatedAt'] ?? ctx.remote['finalChunkIntentAt'] ?? 0), lostUploadLookups: 0 } };
        const video = await settleLostUpload(lost, deps);
        if (video) return finish(ctx, video);
        restartReason = `session answered ${status.status} after the final chunk was sent; a person checked that no video exists`;
        upload = null;
        intent = false;
        continue;
      }
      if (status.kind === 'gone') {
        restartReason = `session answered ${status.status}`;
        await ctx.checkpoint({ upload: null, remote: { finalChunkIntentAt: null }, event: { type: 'youtube.session_expired', data: { status: status.status, ...age } } });
        upload = null;
        if (++restarts > MAX_RESTARTS) throw new PublishError('youtube upload sessions keep expiring', { platform: 'youtube', code: 'YOUTUBE_SESSION_LOST', kind: 'retryable' });
        continue;
      }
      offset = status.persisted;
      if (offset !== upload.bytesAcked) {
        upload = { ...upload, bytesAcked: offset };
        await ctx.checkpoint({ upload, event: { type: 'youtube.session_resumed', data: { bytesAcked: offset, ...age } } });
      }
      if (status.retryAfterMs !== undefined) throw waitError(status.retryAfterMs);
    }
    // Send chunks from `offset`.
    for (;;) {
      const end = Math.min(offset + upload.chunkSize, total);
      const final = end === total;
      if (final && !intent) {
        await ctx.checkpoint({ remote: { finalChunkIntentAt: ctx.clock.now() }, event: { type: 'youtube.final_chunk_intent', data: { from: offset, to: end } } });
        intent = true;
      }
      const res = await putChunk(ctx, upload, offset, end, await deps.auth.token(), deps, final, reader);
      if (res.status === 308) {
        const acked = parseRange(res.headers['range']);
        const wait = parseRetryAfter(res.headers['retry-after'], ctx.clock.now());
        upload = { ...upload, bytesAcked: acked };
        if (acked <= offset) {
          // Google kept nothing of this send. Re-sending at once is how 13 GB went out for a 22 MB clip:
          // end the step instead (the engine backs off), ask the session first next time, and stop
          // after `maxNoProgressSends` sends in a row without progress.
          noProgress += 1;
          await ctx.checkpoint({ upload, remote: { uploadNoProgress: noProgress }, event: { type: 'youtube.chunk_no_progress', data: { from: offset, to: end, acked, sends: noProgress } } });
          throw noProgressError(offset, noProgress, deps.config.maxNoProgressSends, wait);
        }
        await ctx.checkpoint({ upload, ...(noProgress > 0 ? { remote: { uploadNoProgress: 0 } } : {}) });
        noProgress = 0;
        ctx.progress?.(acked, total);
        if (wait !== undefined) throw waitError(wait);
        offset = acked;
        continue;
      }
      if (res.status === 200 || res.status === 201) return finish(ctx, JSON.parse(res.text) as YouTubeVideo);
      if (res.status === 404 || res.status === 410) {
        restartReason = `session answered ${res.status} during the upload`;
        await ctx.checkpoint({ upload: null, remote: { finalChunkIntentAt: null }, event: { type: 'youtube.session_expired', data: { status: res.status, at: offset } } });
        upload = null;
        if (++restarts > MAX_RESTARTS) throw new PublishError('youtube upload sessions keep expiring', { platform: 'youtube', code: 'YOUTUBE_SESSION_LOST', kind: 'retryable' });
        break;
      }
      const error = classifyYouTubeError(res.status, res.text, { what: 'youtube upload chunk', now: ctx.clock.now(), retryAfter: res.headers['retry-after'] });
      if (error.code === 'YOUTUBE_AUTH_ERROR' && !authRetried) {
        authRetried = true;
        await deps.auth.refresh();
        break; // ask the session where it stands, then go on
      }
      throw error;
    }
  }
}

async function initiate(ctx: PublishContext, deps: ResumableUploadDeps, resource: YouTubeUploadPlan['resource']): Promise<string> {
  const parts = 'snippet,status';
  const url =
    `${deps.config.uploadBaseUrl}/upload/youtube/v3/videos?uploadType=resumable&part=${encodeURIComponent(parts)}` +
    `&notifySubscribers=${deps.plan.notifySubscribers ? 'true' : 'false'}`;
  const body = JSON.stringify(resource);
  const res = await deps.auth.call(async (token) => {
    // Every videos.insert call counts against the project's daily quota, retries and new sessions too.
    const quota = await ctx.quota?.beforeCall('videos.insert');
    if (quota && !quota.ok) {
      throw new PublishError(`youtube videos.insert not sent: ${quota.reason}`, { platform: 'youtube', code: 'YOUTUBE_QUOTA_RESERVED', kind: 'quota', deferUntil: quota.resetAt });
    }
    const r = await httpRequest(
      {
        method: 'POST',
        url,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json; charset=UTF-8',
          'x-upload-content-length': String(ctx.media.size),
          'x-upload-content-type': videoMimeType(ctx.media.path),
        },
        body,
        signal: ctx.signal,
      },
      // No video exists before the session does: a lost answer only costs an unused session.
      { platform: 'youtube', safe: true, what: 'youtube upload init' },
      deps.http,
    );
    if (r.status !== 200) throw classifyYouTubeError(r.status, r.text, { what: 'youtube upload init', now: ctx.clock.now(), retryAfter: r.headers['retry-after'] });
    return r;
  });
  const location = res.headers['location'];
  if (!location) throw new PublishError('youtube upload init: no session URI in Location', { platform: 'youtube', code: 'YOUTUBE_NO_SESSION', kind: 'retryable', status: res.status });
  return location;
}

/**
 * Asks a session how many bytes it holds (`PUT`, `Content-Range: bytes *\/N`, no body).
 *
 * @example
 * ```ts
 * const status = await querySession(ctx, ctx.upload!, token, deps);
 * ```
 */
export async function querySession(ctx: Pick<PublishContext, 'signal' | 'clock'>, upload: UploadCheckpoint, token: string, deps: Pick<ResumableUploadDeps, 'http'>): Promise<SessionStatus> {
  const res = await httpRequest(
    { method: 'PUT', url: upload.url, headers: { authorization: `Bearer ${token}`, 'content-length': '0', 'content-range': `bytes */${upload.totalBytes}` }, body: '', signal: ctx.signal },
    { platform: 'youtube', safe: true, what: 'youtube upload status query' },
    deps.http,
  );
  if (res.status === 308) return { kind: 'incomplete', persisted: parseRange(res.headers['range']), retryAfterMs: parseRetryAfter(res.headers['retry-after'], ctx.clock.now()) };
  if (res.status === 200 || res.status === 201) return { kind: 'complete', video: JSON.parse(res.text) as YouTubeVideo };
  if (res.status === 404 || res.status === 410) return { kind: 'gone', status: res.status };
  throw classifyYouTubeError(res.status, res.text, { what: 'youtube upload status query', now: ctx.clock.now(), retryAfter: res.headers['retry-after'] });
}

async function putChunk(ctx: PublishContext, upload: UploadCheckpoint, start: number, end: number, token: string, deps: ResumableUploadDeps, final: boolean, reader: ChunkReader): Promise<HttpResponse> {
  const body = reader.range(start, end - 1);
  try {
    const res = await request(upload.url, {
      method: 'PUT',
      headers: {
        'user-agent': deps.http?.userAgent ?? 'clipcast',
        authorization: `Bearer ${token}`,
        'content-length': String(end - start),
        'content-range': `bytes ${start}-${end - 1}/${upload.totalBytes}`,
        'content-type': videoMimeType(ctx.media.path),
      },
      // undici takes async iterables as bodies (its typings list only Readable) and pulls one piece at a
      // time, which the reader's buffer reuse relies on.
      body: body as unknown as Readable,
      signal: ctx.signal,
      dispatcher: deps.http?.dispatcher,
      headersTimeout: deps.config.chunkTimeoutMs,
      bodyTimeout: deps.config.chunkTimeoutMs,
    });
    return { status: res.statusCode, headers: flattenHeaders(res.headers), text: await res.body.text() };
  } catch (cause) {
    await body.return(undefined);
    if (ctx.signal.aborted) throw cause;
    // Mid-upload network failures are safe to retry (the next step asks the session); on the final
    // chunk the video may exist already: reconcile through the status query.
    throw new PublishError(`youtube upload chunk ${start}-${end - 1}: network error (${describeNetworkError(cause)})`, {
      platform: 'youtube',
      code: 'YOUTUBE_NETWORK',
      kind: final ? 'unknown_outcome' : 'retryable',
      cause,
    });
  }
}

/** Next offset from `Range: bytes=0-N` (N+1), or 0 when the header is absent (nothing persisted). */
export function parseRange(range: string | undefined): number {
  const m = /^bytes=0-(\d+)$/.exec((range ?? '').trim());
  return m ? Number(m[1]) + 1 : 0;
}

/**
 * A send answered `308` without progress: `retryable` (the engine backs off, at least `Retry-After`,
 * and the next step queries the session) until `max` sends in a row, then `invalid` (the post stops
 * with the reason; a person can retry it).
 */
function noProgressError(offset: number, sends: number, max: number, retryAfterMs?: number): PublishError {
  if (sends >= max) {
    return new PublishError(`youtube upload stalled: Google kept none of the bytes from offset ${offset} after ${sends} sends with backoff; stopped so it cannot resend without end (retry the post later)`, {
      platform: 'youtube', code: 'YOUTUBE_UPLOAD_STALLED', kind: 'invalid', status: 308,
    });
  }
  return new PublishError(`youtube upload: chunk from offset ${offset} answered 308 without progress (${sends}/${max}); backing off, then asking the session`, {
    platform: 'youtube', code: 'YOUTUBE_UPLOAD_NO_PROGRESS', kind: 'retryable', status: 308, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function waitError(ms: number): PublishError {
  return new PublishError('youtube upload: the server asked to wait before resuming', { platform: 'youtube', code: 'YOUTUBE_RESUME_LATER', kind: 'rate_limited', status: 308, retryAfterMs: ms });
}

async function finish(ctx: PublishContext, video: YouTubeVideo): Promise<YouTubeVideo> {
  if (!video?.id) throw new PublishError('youtube upload completed without a video id', { platform: 'youtube', code: 'YOUTUBE_NO_VIDEO_ID', kind: 'unknown_outcome' });
  await ctx.checkpoint({
    upload: null,
    remote: { videoId: video.id, uploadedAt: ctx.clock.now(), privacyStatus: video.status?.privacyStatus },
    event: { type: 'youtube.uploaded', data: { videoId: video.id } },
  });
  ctx.progress?.(ctx.media.size, ctx.media.size);
  return video;
}
