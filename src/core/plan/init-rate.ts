import type { PlannedPost } from './plan-campaign.js';
import { formatLocal } from './time-zone.js';

/**
 * TikTok's documented limit on `video/init` (and `inbox/video/init`): 6 calls per minute per user
 * token, i.e. per account (reference §11.1). Kept here because the core imports no platform module.
 */
export const TIKTOK_INITS_PER_MINUTE = 6;

const MINUTE = 60_000;

/**
 * Notes for every TikTok account whose planned posts put more than 6 inits in some minute: the worker
 * paces those inits (shared by every worker through the store), so the later ones go out late; the
 * note says how late at worst, so a user can pick a longer interval.
 *
 * @example
 * ```ts
 * notes.push(...initRateNotes(plan.posts, 'UTC')); // [] for a 1-minute interval on one account
 * ```
 */
export function initRateNotes(posts: readonly PlannedPost[], zone: string): string[] {
  const byAccount = new Map<string, number[]>();
  for (const p of posts) {
    if (p.platform !== 'tiktok') continue;
    const list = byAccount.get(p.accountId) ?? [];
    list.push(p.scheduledAt);
    byAccount.set(p.accountId, list);
  }
  const notes: string[] = [];
  for (const [account, times] of byAccount) {
    times.sort((a, b) => a - b);
    // Simulate the pacer: each init waits until fewer than 6 went in the minute before it.
    const sent: number[] = [];
    let firstLate: number | undefined;
    let late = 0;
    let lateCount = 0;
    for (const t of times) {
      let at = t;
      const sixBack = sent[sent.length - TIKTOK_INITS_PER_MINUTE];
      if (sixBack !== undefined && at < sixBack + MINUTE) at = sixBack + MINUTE;
      sent.push(at);
      if (at > t) {
        firstLate ??= t;
        late = Math.max(late, at - t);
        lateCount += 1;
      }
    }
    if (firstLate === undefined) continue;
    notes.push(
      `TikTok allows ${TIKTOK_INITS_PER_MINUTE} video/init per minute per account: ${lateCount} post(s) of tiktok (${account}) from ${formatLocal(firstLate, zone)} ` +
        `are paced and go up to ${Math.ceil(late / 1000)} s late; use an interval of at least 10s per TikTok account to avoid it`,
    );
  }
  return notes;
}
