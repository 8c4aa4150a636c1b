import { DateTime } from 'luxon';

/**
 * YouTube's quota models (reference §8):
 * - `legacy1600`: until 4 Dec 2025, `videos.insert` costs 1,600 of the shared 10,000 units;
 * - `units100`: 4 Dec 2025 – 31 May 2026, "approximately 100 units" (documented as approximate);
 * - `buckets2026`: since 1 Jun 2026, `videos.insert` has its own bucket of 100 calls/day.
 */
export type YouTubeQuotaModel = 'legacy1600' | 'units100' | 'buckets2026';

/** Methods the adapter calls. */
export type YouTubeMethod = 'videos.insert' | 'videos.list' | 'videos.update' | 'thumbnails.set' | 'playlistItems.insert' | 'playlistItems.list';

/** Unit costs in the shared budget (thumbnails.set is "about 50"). */
export const YOUTUBE_UNIT_COSTS: Readonly<Record<Exclude<YouTubeMethod, 'videos.insert'>, number>> = Object.freeze({
  'videos.list': 1,
  'videos.update': 50,
  'thumbnails.set': 50,
  'playlistItems.insert': 50,
  'playlistItems.list': 1,
});

/** Daily budgets per project. */
export const YOUTUBE_DAILY = Object.freeze({ units: 10_000, inserts: 100 });

const PACIFIC = 'America/Los_Angeles';

/**
 * The model in force at `now` (by the dates Google recorded).
 *
 * @example
 * ```ts
 * youtubeQuotaModelAt(Date.UTC(2026, 6, 1)); // 'buckets2026'
 * ```
 */
export function youtubeQuotaModelAt(now: number): YouTubeQuotaModel {
  if (now < DateTime.fromISO('2025-12-04T00:00', { zone: PACIFIC }).toMillis()) return 'legacy1600';
  if (now < DateTime.fromISO('2026-06-01T00:00', { zone: PACIFIC }).toMillis()) return 'units100';
  return 'buckets2026';
}

/**
 * What one call costs: `{ bucket, amount }` where `bucket` is `inserts` (the 2026 `videos.insert` bucket)
 * or `units` (the shared budget). The chunk PUTs of a resumable session are believed free (the charge
 * falls on the initiating POST; unconfirmed), so they cost nothing here.
 *
 * @example
 * ```ts
 * youtubeCallCost('videos.insert', 'legacy1600'); // { bucket: 'units', amount: 1600 }
 * ```
 */
export function youtubeCallCost(method: YouTubeMethod, model: YouTubeQuotaModel): { bucket: 'inserts' | 'units'; amount: number } {
  if (method !== 'videos.insert') return { bucket: 'units', amount: YOUTUBE_UNIT_COSTS[method] };
  if (model === 'buckets2026') return { bucket: 'inserts', amount: 1 };
  return { bucket: 'units', amount: model === 'legacy1600' ? 1600 : 100 };
}

/**
 * Quota one post needs: the insert, the processing polls, and the optional thumbnail and playlist item.
 *
 * @example
 * ```ts
 * youtubePostQuota({ thumbnail: true, playlist: false, polls: 4 }, 'buckets2026'); // { inserts: 1, units: 54 }
 * ```
 */
export function youtubePostQuota(post: { thumbnail?: boolean; playlist?: boolean; polls?: number }, model: YouTubeQuotaModel): { inserts: number; units: number } {
  const calls: [YouTubeMethod, number][] = [
    ['videos.insert', 1],
    ['videos.list', post.polls ?? 4],
    ['thumbnails.set', post.thumbnail ? 1 : 0],
    ['playlistItems.insert', post.playlist ? 1 : 0],
  ];
  const total = { inserts: 0, units: 0 };
  for (const [method, n] of calls) {
    const cost = youtubeCallCost(method, model);
    total[cost.bucket] += cost.amount * n;
  }
  return total;
}

/**
 * How many uploads fit in one day's quota under a model (other calls as in {@link youtubePostQuota}).
 *
 * @example
 * ```ts
 * youtubeUploadsPerDay('legacy1600'); // 6
 * ```
 */
export function youtubeUploadsPerDay(model: YouTubeQuotaModel, post: { thumbnail?: boolean; playlist?: boolean; polls?: number } = {}): number {
  const need = youtubePostQuota(post, model);
  const byUnits = need.units > 0 ? Math.floor(YOUTUBE_DAILY.units / need.units) : Infinity;
  const byInserts = need.inserts > 0 ? Math.floor(YOUTUBE_DAILY.inserts / need.inserts) : Infinity;
  return Math.min(byUnits, byInserts);
}

/**
 * The quota day (`YYYY-MM-DD` in Pacific time) that `now` falls in: the key to count usage per project.
 *
 * @example
 * ```ts
 * youtubeQuotaDay(Date.UTC(2026, 0, 2, 7, 59)); // '2026-01-01' (23:59 PST)
 * ```
 */
export function youtubeQuotaDay(now: number): string {
  return DateTime.fromMillis(now, { zone: PACIFIC }).toISODate()!;
}

/**
 * The next quota reset: midnight America/Los_Angeles after `now` (DST-aware).
 *
 * @example
 * ```ts
 * new Date(nextYouTubeQuotaReset(Date.UTC(2026, 6, 1, 12))).toISOString(); // '2026-07-02T07:00:00.000Z'
 * ```
 */
export function nextYouTubeQuotaReset(now: number): number {
  return DateTime.fromMillis(now, { zone: PACIFIC }).startOf('day').plus({ days: 1 }).toMillis();
}
