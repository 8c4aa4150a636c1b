import { PublishError } from '../../core/publish-error.js';
import type { YouTubeVideo } from './youtube-client.js';

/** Where a video's processing stands. */
export type ProcessingState =
  | { state: 'processing'; progress?: number }
  | { state: 'processed'; video: YouTubeVideo };

/**
 * Reads `videos.list` `status` + `processingDetails`: `processed`/`succeeded` ends it; `failed`,
 * `rejected` or `terminated` throw an `invalid` PublishError whose message carries
 * `failureReason`/`rejectionReason`; anything else is still processing (progress in 0..1 when known).
 * A video missing from the list (deleted) throws `invalid` too.
 *
 * @example
 * ```ts
 * const s = readProcessing(await client.listVideo(token, id), id);
 * if (s.state === 'processing') return { status: 'continue', next: 'processing', delayMs: 15_000 };
 * ```
 */
export function readProcessing(video: YouTubeVideo | undefined, videoId: string): ProcessingState {
  const fail = (code: string, message: string, platformCode?: string) => new PublishError(message, { platform: 'youtube', code, kind: 'invalid', platformCode });
  if (!video) throw fail('YOUTUBE_VIDEO_GONE', `youtube video ${videoId} is no longer listed (deleted)`);
  const upload = video.status?.uploadStatus;
  const processing = video.processingDetails?.processingStatus;
  if (upload === 'rejected') {
    const reason = video.status?.rejectionReason ?? 'unknown';
    throw fail('YOUTUBE_REJECTED', `youtube rejected video ${videoId}: ${reason}`, reason);
  }
  if (upload === 'failed' || processing === 'failed' || processing === 'terminated') {
    const reason = video.status?.failureReason ?? video.processingDetails?.processingFailureReason ?? processing ?? 'unknown';
    throw fail('YOUTUBE_PROCESSING_FAILED', `youtube processing failed for video ${videoId}: ${reason}`, reason);
  }
  if (upload === 'deleted') throw fail('YOUTUBE_VIDEO_GONE', `youtube video ${videoId} was deleted`);
  if (upload === 'processed' || processing === 'succeeded') return { state: 'processed', video };
  const p = video.processingDetails?.processingProgress;
  const total = Number(p?.partsTotal ?? 0);
  return { state: 'processing', progress: total > 0 ? Math.min(1, Number(p?.partsProcessed ?? 0) / total) : undefined };
}
