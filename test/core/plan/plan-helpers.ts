import { DateTime } from 'luxon';
import type { PlanInput, PlannedPost } from '../../../src/core/plan/plan-campaign.js';

/** Local `yyyy-LL-dd HH:mm` of an instant, computed by luxon (an independent check of our wall math). */
export function local(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toFormat('yyyy-LL-dd HH:mm');
}

/** The largest number of instants inside any 24 h window (a post counts for 24 h after it). */
export function maxInRolling24h(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= 86_400_000) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** The largest number of instants on one calendar day in `zone`. */
export function maxPerDay(times: readonly number[], zone: string): number {
  const days = new Map<string, number>();
  for (const t of times) {
    const key = DateTime.fromMillis(t, { zone }).toISODate() ?? '';
    days.set(key, (days.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...days.values());
}

/** Checks the documented ordering: scheduledAt, then clipId. */
export function isSorted(posts: readonly PlannedPost[]): boolean {
  return posts.every(
    (p, i) =>
      i === 0 ||
      posts[i - 1]!.scheduledAt < p.scheduledAt ||
      (posts[i - 1]!.scheduledAt === p.scheduledAt && posts[i - 1]!.clipId <= p.clipId),
  );
}

/** `n` clips with ids 1..n. */
export function clips(n: number): PlanInput['clips'] {
  return Array.from({ length: n }, (_, i) => ({ clipId: i + 1 }));
}
