import { extname } from 'node:path';
import type { PublishContext, StepResult, UploadCheckpoint } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';
import { ChunkReader } from '../shared/chunk-reader.js';
import type { TikTokClient, TikTokPostInfo, TikTokSourceInfo } from './tiktok-client.js';
import { TIKTOK_LIMITS } from './tiktok-config.js';
import { classifyTikTokError } from './tiktok-errors.js';

/** The adapter's durable remote state for a TikTok post (`ctx.remote`). */
export interface TikTokRemote {
  mode?: 'direct' | 'inbox';
  postInfo?: TikTokPostInfo;
  creatorUsername?: string;
  source?: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  /** Set before init (the irreversible call of Direct Post); cleared when init definitely failed. */
  initIntentAt?: number | null;
  publishId?: string | null;
  uploadDoneAt?: number | null;
  inits?: number;
  /** When creator_info was last read, at which engine attempt and after how many inits (freshness). */
  creatorCheckedAt?: number;
  creatorCheckedAttempt?: number;
  creatorCheckedInits?: number;
  /** Chunk PUTs in a row that did not move the acknowledged range. */
  stalledPuts?: number;
  pollCount?: number;
  processingSince?: number | null;
  completeSeenAt?: number | null;
}

/**
 * The chunk plan of §7.1 (the recommended one, valid under every reading of "MB").
 *
 * @example
 * ```ts
 * planChunks(50_000_123, 10_000_000, 64_000_000); // { chunkSize: 50_000_123, count: 1 }
 * ```
 */
export function planChunks(size: number, chunkSize: number, singleChunkMax: number): { chunkSize: number; count: number } {
  if (size <= singleChunkMax) return { chunkSize: size, count: 1 };
  return { chunkSize, count: Math.floor(size / chunkSize) };
}

/**
 * Reads the upload progress header `bytes 0-N/TOTAL` into bytes received. TikTok documents the shape
 * but not whether N is the last index or the count, so both readings are tried and the one landing on
 * a chunk boundary wins (they can't both, chunks being ≥ 5 MiB). `bytes *\/TOTAL` means none.
 *
 * @example
 * ```ts
 * parseProgress('bytes 0-9999999/50000123', 10_000_000, 50_000_123); // 10_000_000
 * ```
 */
export function parseProgress(header: string | undefined, chunkSize: number, total: number): number | undefined {
  if (!header) return undefined;
  if (/^bytes \*\/\d+$/.test(header.trim())) return 0;
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim());
  if (!m || Number(m[3]) !== total) return undefined;
  const n = Number(m[2]);
  const count = Math.floor(total / chunkSize);
  const boundary = (v: number) => v === total || (v % chunkSize === 0 && v / chunkSize < count);
  if (boundary(n + 1)) return n + 1;
  if (boundary(n)) return n;
  return undefined;
}

/** Options of {@link runUploadStep}. */
export interface UploadStepOptions {
  ttlMs: number;
  marginMs: number;
  chunkSize: number;
  singleChunkMax: number;
  pollInitialMs: number;
  /**
   * Reads creator_info and builds `post_info` from it (Direct Post): called before every init unless
   * `preparing` read it moments ago in this same attempt, since privacy options and caps change.
   */
  freshPostInfo?: () => Promise<TikTokPostInfo>;
  /** Chunk PUTs in a row without progress before the upload fails (default 5). */
  maxStalledPuts?: number;
  /** Inits per sliding minute per account (default 6; 0: not paced). */
  initsPerMinute?: number;
}

/** The sliding window TikTok counts inits in (one minute), plus a margin for clock skew and transit. */
const INIT_WINDOW_MS = 61_000;

/** Paces inits per account through the store (6 per minute per user token, §11.1): a step to wait, or undefined to go. */
async function paceInit(ctx: PublishContext, perMinute: number): Promise<StepResult | undefined> {
  if (!ctx.takeRateSlot || perMinute <= 0) return undefined;
  const slot = await ctx.takeRateSlot(`tiktok.init:${ctx.account.id}`, perMinute, INIT_WINDOW_MS);
  if (slot.granted) return undefined;
  const delayMs = Math.max(1_000, slot.retryAt - ctx.clock.now());
  return { status: 'continue', next: 'uploading', delayMs, note: `paced: TikTok allows ${perMinute} video/init per minute per account; next init in ${Math.ceil(delayMs / 1000)} s` };
}

function contentTypeOf(path: string): string {
  const ext = extname(path).toLowerCase();
  return ext === '.mov' ? 'video/quicktime' : ext === '.webm' ? 'video/webm' : 'video/mp4';
}

/**
 * The `uploading` step: init (Direct Post or Inbox) when needed, then the chunks in order from the last
 * acknowledged byte, checkpointing after each acknowledged chunk.
 *
 * Exactly-once notes:
 * - The init intent is recorded before Direct Post init. A step that finds an intent with no publish_id
 *   cannot ask TikTok (status/fetch needs the publish_id; there is no list call). For FILE_UPLOAD that
 *   is safe to re-init: an init whose upload URL we never learned receives no bytes and can never
 *   post (its URL dies within the hour). For PULL_FROM_URL TikTok may be downloading and posting
 *   already, so the step stops with an `invalid` error asking a human to check the profile.
 * - The saved upload URL is resumed while valid (with a safety margin); otherwise, or when TikTok
 *   answers 403/404 to a chunk, a fresh init is made and an event records why.
 *
 * @example
 * ```ts
 * const result = await runUploadStep(ctx, client, accessToken, { ttlMs: 3_600_000, marginMs: 120_000, chunkSize: 10_000_000, singleChunkMax: 64_000_000, pollInitialMs: 5_000 });
 * ```
 */
export async function runUploadStep(
  ctx: PublishContext,
  client: TikTokClient,
  accessToken: string,
  o: UploadStepOptions,
): Promise<StepResult> {
  const remote = ctx.remote as TikTokRemote;
  if (remote.publishId && remote.uploadDoneAt) return { status: 'continue', next: 'processing', delayMs: o.pollInitialMs };
  let upload: UploadCheckpoint | null = ctx.upload ? { ...ctx.upload } : null;
  let publishId = remote.publishId ?? null;
  const now = ctx.clock.now();
  let restartReason: string | undefined;
  if (publishId && upload && (upload.expiresAt ?? Infinity) - o.marginMs > now) {
    // resume below from upload.bytesAcked
  } else if (publishId) {
    restartReason = upload ? 'upload_url_expired' : 'no_upload_checkpoint';
    publishId = null;
  } else if (remote.initIntentAt) {
    if (remote.source === 'PULL_FROM_URL') {
      throw new PublishError(
        'TikTok PULL_FROM_URL init may have gone through before the process stopped (no publish_id was saved); TikTok offers no way to look it up, so check the profile and re-run the post by hand if it is missing',
        { platform: 'tiktok', code: 'TIKTOK_INIT_OUTCOME_UNKNOWN', kind: 'invalid' },
      );
    }
    restartReason = 'init_outcome_unknown';
  }
  let restarts = 0;
  let previousPublishId = remote.publishId ?? null;
  for (;;) {
    if (!publishId) {
      if (restarts++ > 1) throw new PublishError('TikTok rejected the upload URL right after init twice; retrying later', { platform: 'tiktok', code: 'TIKTOK_UPLOAD_RESTART_LOOP', kind: 'retryable' });
      const paced = await paceInit(ctx, o.initsPerMinute ?? TIKTOK_LIMITS.initPerMinute);
      if (paced) return paced;
      const fresh = await freshInit(ctx, client, accessToken, o, remote, previousPublishId, upload, restartReason);
      publishId = fresh.publishId;
      upload = fresh.upload;
      if (!upload) return { status: 'continue', next: 'processing', delayMs: o.pollInitialMs };
    }
    const outcome = await sendChunks(ctx, client, upload!, { accessToken, publishId: publishId!, maxStalls: o.maxStalledPuts ?? 5 });
    if (typeof outcome === 'object') return outcome;
    if (outcome === 'done') {
      await ctx.checkpoint({ remote: { uploadDoneAt: ctx.clock.now() }, upload: null, event: { type: 'tiktok_upload_complete', data: { publishId, bytes: upload!.totalBytes } } });
      return { status: 'continue', next: 'processing', delayMs: o.pollInitialMs };
    }
    previousPublishId = publishId;
    publishId = null;
    restartReason = outcome;
  }
}

async function freshInit(
  ctx: PublishContext,
  client: TikTokClient,
  accessToken: string,
  o: UploadStepOptions,
  remote: TikTokRemote,
  previousPublishId: string | null,
  previous: UploadCheckpoint | null,
  reason: string | undefined,
): Promise<{ publishId: string; upload: UploadCheckpoint | null }> {
  const mode = remote.mode ?? 'direct';
  const usePull = remote.source === 'PULL_FROM_URL' && ctx.media.publicUrl;
  const plan = planChunks(ctx.media.size, o.chunkSize, o.singleChunkMax);
  const source: TikTokSourceInfo = usePull
    ? { source: 'PULL_FROM_URL', video_url: ctx.media.publicUrl! }
    : { source: 'FILE_UPLOAD', video_size: ctx.media.size, chunk_size: plan.chunkSize, total_chunk_count: plan.count };
  let postInfo = remote.postInfo;
  const now = ctx.clock.now();
  const justChecked =
    remote.creatorCheckedAt !== undefined && now - remote.creatorCheckedAt < 10_000 &&
    remote.creatorCheckedAttempt === ctx.attempt && remote.creatorCheckedInits === (remote.inits ?? 0);
  const refreshed = mode === 'direct' && o.freshPostInfo && !justChecked;
  if (refreshed) postInfo = await o.freshPostInfo!();
  await ctx.checkpoint({
    remote: {
      initIntentAt: ctx.clock.now(), source: source.source, publishId: null, uploadDoneAt: null, stalledPuts: 0,
      ...(refreshed ? { postInfo, creatorCheckedAt: now, creatorCheckedAttempt: ctx.attempt, creatorCheckedInits: remote.inits ?? 0 } : {}),
    },
    upload: null,
    event: reason
      ? { type: 'tiktok_upload_restarted', data: { reason, previousPublishId, bytesAcked: previous?.bytesAcked ?? 0 } }
      : { type: 'tiktok_init_intent', data: { mode, source: source.source } },
  });
  let result: { publishId: string; uploadUrl?: string };
  try {
    if (mode === 'inbox') result = await client.initInbox(accessToken, source, ctx.signal);
    else result = await client.initDirect(accessToken, postInfo!, source, ctx.signal);
  } catch (error) {
    // A definite refusal created nothing: clear the intent. An unknown outcome keeps it (see runUploadStep).
    if (!(error instanceof PublishError) || error.kind !== 'unknown_outcome') await ctx.checkpoint({ remote: { initIntentAt: null } });
    throw error;
  }
  const initAt = ctx.clock.now();
  const upload: UploadCheckpoint | null =
    source.source === 'FILE_UPLOAD'
      ? {
          protocol: 'tiktok-chunked',
          // The URL's query carries TikTok's upload token (valid 1 h): stored to resume, never logged.
          url: result.uploadUrl ?? '',
          totalBytes: source.video_size,
          bytesAcked: 0,
          chunkSize: source.chunk_size,
          expiresAt: initAt + o.ttlMs,
        }
      : null;
  if (upload && !upload.url) throw classifyTikTokError({ status: 200, code: 'missing_upload_url', message: 'init returned no upload_url' }, client.ctx('TikTok init'));
  await ctx.checkpoint({
    remote: { publishId: result.publishId, inits: (remote.inits ?? 0) + 1, ...(upload ? {} : { uploadDoneAt: initAt }) },
    upload,
    event: { type: 'tiktok_init', data: { publishId: result.publishId, mode, source: source.source, chunks: source.source === 'FILE_UPLOAD' ? source.total_chunk_count : 0 } },
  });
  return { publishId: result.publishId, upload };
}

/** What the no-progress rule needs. */
interface StallContext {
  accessToken: string;
  publishId: string;
  maxStalls: number;
}

/** Sends the remaining chunks; returns 'done', a restart reason (URL rejected, progress lost), or a step to wait (no progress). */
async function sendChunks(ctx: PublishContext, client: TikTokClient, upload: UploadCheckpoint, s: StallContext): Promise<'done' | string | StepResult> {
  const { totalBytes: total, chunkSize } = upload;
  const count = Math.floor(total / chunkSize);
  const type = contentTypeOf(ctx.media.path);
  const file = await ChunkReader.open(ctx.media.path);
  try {
    return await sendRemaining(ctx, client, upload, file, type, count, s);
  } finally {
    await file.close();
  }
}

async function sendRemaining(
  ctx: PublishContext,
  client: TikTokClient,
  upload: UploadCheckpoint,
  file: ChunkReader,
  type: string,
  count: number,
  s: StallContext,
): Promise<'done' | string | StepResult> {
  const { totalBytes: total, chunkSize } = upload;
  let stalls = (ctx.remote as TikTokRemote).stalledPuts ?? 0;
  while (upload.bytesAcked < total) {
    const first = upload.bytesAcked;
    const index = first / chunkSize;
    const last = index >= count - 1 ? total - 1 : first + chunkSize - 1;
    const answer = await client.putChunk(upload.url, file, first, last, total, type, ctx.signal);
    if (answer.status === 206 || answer.status === 201) {
      const acked = answer.status === 201 ? total : (parseProgress(answer.progress, chunkSize, total) ?? last + 1);
      if (acked <= first) return stalled(ctx, client, upload, s, stalls + 1, first, last);
      upload.bytesAcked = acked;
      await ctx.checkpoint({ upload: { ...upload }, ...(stalls ? { remote: { stalledPuts: 0 } } : {}) });
      stalls = 0;
      ctx.progress?.(acked, total);
      if (answer.status === 201) return 'done';
      continue;
    }
    if (answer.status === 416) {
      // Our offset disagrees with TikTok's (e.g. a chunk landed but its answer was lost): realign.
      const server = parseProgress(answer.progress, chunkSize, total);
      if (server === undefined || server === first) return 'upload_progress_mismatch';
      upload.bytesAcked = server;
      await ctx.checkpoint({ upload: { ...upload }, event: { type: 'tiktok_upload_realigned', data: { from: first, to: server } } });
      if (server === total) return 'done';
      continue;
    }
    if (answer.status === 403) return 'upload_url_expired_403';
    if (answer.status === 404) return 'upload_task_not_found_404';
    throw classifyTikTokError({ status: answer.status, message: `chunk bytes ${first}-${last} refused` }, client.ctx('TikTok chunk upload'));
  }
  return 'done';
}

/**
 * A chunk PUT was accepted without moving the acknowledged range: never re-send at once. Ask TikTok
 * how far the upload got (status/fetch `uploaded_bytes`), realign if it moved, and come back after a
 * growing delay (2 s, 4 s, … up to 1 min); after `maxStalls` PUTs in a row without progress, fail.
 */
async function stalled(
  ctx: PublishContext,
  client: TikTokClient,
  upload: UploadCheckpoint,
  s: StallContext,
  stalls: number,
  first: number,
  last: number,
): Promise<StepResult> {
  const { publishId, accessToken } = s;
  if (stalls >= s.maxStalls) {
    await ctx.checkpoint({ remote: { stalledPuts: stalls }, event: { type: 'tiktok_upload_stalled', data: { publishId, bytesAcked: first, puts: stalls, gaveUp: true } } });
    throw new PublishError(
      `TikTok accepted bytes ${first}-${last} ${stalls} times in a row without acknowledging them (progress stuck at ${first} of ${upload.totalBytes}); the upload was stopped. Nothing was posted: run the post again later`,
      { platform: 'tiktok', code: 'TIKTOK_UPLOAD_NO_PROGRESS', kind: 'invalid' },
    );
  }
  let realigned: number | undefined;
  {
    const status = await client.fetchStatus(accessToken, publishId, ctx.signal).catch(() => undefined);
    const uploaded = status?.uploadedBytes;
    if (uploaded !== undefined && uploaded > first && uploaded <= upload.totalBytes && (uploaded === upload.totalBytes || uploaded % upload.chunkSize === 0)) realigned = uploaded;
  }
  if (realigned !== undefined) upload.bytesAcked = realigned;
  const delayMs = Math.min(60_000, 2_000 * 2 ** (stalls - 1));
  await ctx.checkpoint({
    remote: { stalledPuts: realigned !== undefined ? 0 : stalls },
    ...(realigned !== undefined ? { upload: { ...upload } } : {}),
    event: { type: 'tiktok_upload_stalled', data: { publishId, bytesAcked: first, puts: stalls, ...(realigned !== undefined ? { realignedTo: realigned } : {}), retryInMs: delayMs } },
  });
  return { status: 'continue', next: 'uploading', delayMs, note: `TikTok did not acknowledge bytes ${first}-${last}; checking again in ${Math.round(delayMs / 1000)} s` };
}
