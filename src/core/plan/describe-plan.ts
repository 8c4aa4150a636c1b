import type { Plan } from './plan-campaign.js';
import { formatLocal, formatUtc } from './time-zone.js';

/**
 * Human lines: one per post with local time, UTC, clip, platform and account (its handle when
 * `handleOf` knows it, else its id), plus the reason when the post was moved (the notes stay in
 * `plan.notes`).
 *
 * @example
 * ```ts
 * describePlan(plan, 'Europe/Madrid', (id) => handles.get(id));
 * // ['2026-12-01 09:00 GMT+1  (2026-12-01T08:00:00Z)  clip 1  tiktok @me', …]
 * ```
 */
export function describePlan(plan: Plan, zone: string, handleOf: (accountId: string) => string | undefined = () => undefined): string[] {
  const lines = plan.posts.map((post) => {
    const base = `${formatLocal(post.scheduledAt, zone)}  (${formatUtc(post.scheduledAt)})  clip ${post.clipId}  ${post.platform} ${handleOf(post.accountId) ?? post.accountId}`;
    return post.shifted
      ? `${base}  [moved from ${formatLocal(post.shifted.from, zone)}: ${post.shifted.reason}]`
      : base;
  });
  if (plan.posts.length === 0) lines.push('no posts planned');
  return lines;
}
