import type { QuotaRequirement } from '../../core/engine/engine.js';
import type { PostContent } from '../../core/ports/platform-adapter.js';
import { nextYouTubeQuotaReset, YOUTUBE_DAILY, youtubePostQuota, youtubeQuotaDay, youtubeQuotaModelAt } from './youtube-quota.js';

/**
 * The quota a YouTube post reserves before its upload: one `videos.insert` from the project's separate
 * daily bucket (the 2026 model), or the post's units from the shared 10,000-unit budget (older models),
 * counted per Google Cloud project (the OAuth client id) and Pacific day.
 *
 * @example
 * ```ts
 * const need = youtubeQuotaRequirement(Date.now(), String(creds.clientId), post.content);
 * ```
 */
export function youtubeQuotaRequirement(now: number, projectKey: string, content: PostContent): QuotaRequirement {
  const model = youtubeQuotaModelAt(now);
  const options = content.options ?? {};
  const need = youtubePostQuota({ thumbnail: typeof options.thumbnailPath === 'string', playlist: typeof options.playlistId === 'string' }, model);
  const day = youtubeQuotaDay(now);
  const resetAt = nextYouTubeQuotaReset(now);
  if (need.inserts > 0) {
    return { bucket: `youtube:${projectKey}:inserts`, windowKey: day, amount: need.inserts, limit: YOUTUBE_DAILY.inserts, resetAt, reason: `YouTube allows ${YOUTUBE_DAILY.inserts} videos.insert per project per Pacific day (${day}); used up` };
  }
  return { bucket: `youtube:${projectKey}:units`, windowKey: day, amount: need.units, limit: YOUTUBE_DAILY.units, resetAt, reason: `YouTube's ${YOUTUBE_DAILY.units}-unit daily budget of this project (${day}) cannot take another upload (${need.units} units)` };
}
