import type { Video, YouTubeWorld } from './youtube-world.js';

/** Part names `videos.*` accepts (reference §2.1). */
export const VALID_PARTS = [
  'contentDetails', 'fileDetails', 'id', 'liveStreamingDetails', 'localizations', 'paidProductPlacementDetails',
  'player', 'processingDetails', 'recordingDetails', 'snippet', 'statistics', 'status', 'suggestions', 'topicDetails',
];

const PARTS_TOTAL = 1000;

/** Where processing stands at `now`: `processing`, or the outcome once `processingMs` has passed. */
export function processingState(video: Video, now: number): 'processing' | Video['outcome']['kind'] {
  return now - video.createdAt < video.processingMs ? 'processing' : video.outcome.kind;
}

/**
 * The `youtube#video` resource with the requested parts, as the owner sees it, at the world's clock
 * (`atUpload`: as the completing PUT answers it, `uploadStatus: uploaded`).
 *
 * @example
 * ```ts
 * renderVideo(world, video, ['snippet', 'status', 'processingDetails'], true);
 * ```
 */
export function renderVideo(world: YouTubeWorld, video: Video, parts: string[], owner: boolean, atUpload = false): Record<string, unknown> {
  const now = world.clock.now();
  // The completing PUT's answer always shows the video as just uploaded, whatever the processing time.
  const state = atUpload ? 'processing' : processingState(video, now);
  const out: Record<string, unknown> = { kind: 'youtube#video', etag: etag(video, now), id: video.id };
  const thumbs = {
    default: { url: `${world.baseUrl()}/vi/${video.id}/default.jpg`, width: 120, height: 90 },
    medium: { url: `${world.baseUrl()}/vi/${video.id}/mqdefault.jpg`, width: 320, height: 180 },
    high: { url: `${world.baseUrl()}/vi/${video.id}/hqdefault.jpg`, width: 480, height: 360 },
  };
  if (parts.includes('snippet')) {
    const s = video.snippet;
    out['snippet'] = { ...s, thumbnails: thumbs, localized: { title: s['title'], description: s['description'] } };
  }
  if (parts.includes('status')) {
    const status: Record<string, unknown> = { ...video.status };
    const publishAt = typeof status['publishAt'] === 'string' ? Date.parse(status['publishAt']) : NaN;
    if (world.knobs.audited && status['privacyStatus'] === 'private' && publishAt <= now) {
      status['privacyStatus'] = 'public';
      delete status['publishAt'];
    }
    status['uploadStatus'] = state === 'processing' ? 'uploaded' : state === 'succeeded' ? 'processed' : state;
    if (video.outcome.kind === 'failed' && state === 'failed') status['failureReason'] = video.outcome.reason;
    if (video.outcome.kind === 'rejected' && state === 'rejected') status['rejectionReason'] = video.outcome.reason;
    if (!owner) delete status['selfDeclaredMadeForKids'];
    out['status'] = status;
  }
  if (parts.includes('processingDetails') && owner) {
    const details: Record<string, unknown> = {
      processingStatus: state === 'processing' ? 'processing' : state === 'succeeded' ? 'succeeded' : state === 'failed' ? 'failed' : 'terminated',
      fileDetailsAvailability: state === 'processing' ? 'inProgress' : 'available',
      processingIssuesAvailability: state === 'processing' ? 'inProgress' : 'available',
      tagSuggestionsAvailability: 'notAvailable',
      editorSuggestionsAvailability: 'notAvailable',
      thumbnailsAvailability: state === 'processing' ? 'inProgress' : 'available',
    };
    if (state === 'processing') {
      const done = Math.floor((PARTS_TOTAL * (now - video.createdAt)) / Math.max(1, video.processingMs));
      details['processingProgress'] = {
        partsTotal: String(PARTS_TOTAL),
        partsProcessed: String(done),
        timeLeftMs: String(video.processingMs - (now - video.createdAt)),
      };
    }
    if (state === 'failed') details['processingFailureReason'] = 'transcodeFailed';
    out['processingDetails'] = details;
  }
  if (parts.includes('contentDetails')) {
    out['contentDetails'] = { duration: 'P0D', dimension: '2d', definition: 'hd', caption: 'false', licensedContent: false, projection: 'rectangular', ...(owner ? { hasCustomThumbnail: video.hasCustomThumbnail } : {}) };
  }
  if (parts.includes('statistics')) out['statistics'] = { viewCount: '0', likeCount: '0', favoriteCount: '0', commentCount: '0' };
  return out;
}

function etag(video: Video, now: number): string {
  return Buffer.from(`${video.id}:${video.createdAt}:${processingState(video, now)}`).toString('base64url').slice(0, 27);
}
