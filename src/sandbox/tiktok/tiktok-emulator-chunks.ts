import type { ResolvedTikTokOptions } from './tiktok-emulator-options.js';

/** 5 MiB: the minimum chunk, read as binary MB (the whole-upload example calls 4,194,304 bytes "4 MB"). */
export const MIN_CHUNK_BYTES = 5 * 1024 * 1024;
/** 4 GB maximum file size, as the reference gives it (4,294,967,296 bytes). */
export const MAX_VIDEO_BYTES = 4_294_967_296;

/**
 * Validates a FILE_UPLOAD chunk plan against §7.1/§7.4; returns TikTok's observed message on violation.
 * The minimum uses the binary reading (5 MiB) and the maxima the decimal one (64,000,000 /
 * 128,000,000) unless configured, so every plan valid under both readings passes (unconfirmed units).
 *
 * @example
 * ```ts
 * checkChunkPlan(50_000_123, 10_000_000, 5, options); // undefined (valid)
 * ```
 */
export function checkChunkPlan(videoSize: unknown, chunkSize: unknown, count: unknown, o: Pick<ResolvedTikTokOptions, 'maxChunkBytes' | 'maxFinalChunkBytes'>): string | undefined {
  const posInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (!posInt(videoSize) || videoSize > MAX_VIDEO_BYTES) return 'The video size is invalid';
  if (!posInt(chunkSize)) return 'The chunk size is invalid';
  if (!posInt(count) || count !== Math.floor(videoSize / chunkSize) || count > 1000) return 'The total chunk count is invalid';
  if (videoSize < MIN_CHUNK_BYTES && chunkSize !== videoSize) return 'The chunk size is invalid';
  if (count > 1 && (chunkSize < MIN_CHUNK_BYTES || chunkSize > o.maxChunkBytes)) return 'The chunk size is invalid';
  if (count === 1 && videoSize > o.maxChunkBytes) return 'The chunk size is invalid';
  const finalChunk = videoSize - (count - 1) * chunkSize;
  if (finalChunk > o.maxFinalChunkBytes) return 'The chunk size is invalid';
  return undefined;
}

/**
 * The inclusive byte range of chunk `index` (0-based); the final chunk absorbs the remainder.
 *
 * @example
 * ```ts
 * chunkRange(4, 10_000_000, 5, 50_000_123); // { first: 40_000_000, last: 50_000_122 }
 * ```
 */
export function chunkRange(index: number, chunkSize: number, count: number, videoSize: number): { first: number; last: number } {
  const first = index * chunkSize;
  const last = index === count - 1 ? videoSize - 1 : first + chunkSize - 1;
  return { first, last };
}

/**
 * The upload progress header `bytes 0-N/TOTAL`. The reference documents the shape but not whether N is
 * the last byte index or the byte count; `style` picks the reading (clients accept both).
 *
 * @example
 * ```ts
 * progressHeader(10_000_000, 50_000_123, 'last-index'); // 'bytes 0-9999999/50000123'
 * ```
 */
export function progressHeader(received: number, total: number, style: 'last-index' | 'count'): string {
  if (style === 'count') return `bytes 0-${received}/${total}`;
  return received === 0 ? `bytes */${total}` : `bytes 0-${received - 1}/${total}`;
}
