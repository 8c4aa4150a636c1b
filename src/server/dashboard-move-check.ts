import { DateTime } from 'luxon';
import type { App } from '../app/open-app.js';
import { PLATFORM_NAMES } from '../core/platform-id.js';
import { formatWindow, isInWindow, parseWindow } from '../core/plan/daily-window.js';
import { DEFAULT_QUOTAS, describeQuota, PACIFIC_ZONE } from '../core/plan/quota.js';
import { formatLocal } from '../core/plan/time-zone.js';
import type { PostRecord } from '../core/ports/store.js';
import { POST_STATES } from '../core/post-state.js';

const DAY_MS = 86_400_000;
// Every post that holds (or will hold) a quota slot: all states but the two that never publish.
const COUNTED_STATES = POST_STATES.filter((s) => s !== 'failed' && s !== 'cancelled');

/**
 * Why a post may not move to `at`, in words the dashboard shows as is, or undefined when it may:
 * not in the past, inside its campaign's posting window, within the platform's quota (TikTok's and
 * Instagram's per-account rolling 24 h, YouTube's per-project Pacific day, {@link DEFAULT_QUOTAS}).
 * `moving` are the posts moved together (they do not count against each other's old slots).
 *
 * @example
 * ```ts
 * const refusal = await moveRefusal(app, post, Date.parse('2026-12-24T10:00:00Z'), [post.id]);
 * if (refusal) throw new HttpProblem(422, 'move-refused', refusal);
 * ```
 */
export async function moveRefusal(
  app: Pick<App, 'store' | 'clock'>,
  post: PostRecord,
  at: number,
  moving: readonly string[],
): Promise<string | undefined> {
  const now = app.clock.now();
  const label = `${PLATFORM_NAMES[post.platform]} post of clip ${post.clipId}`;
  if (at < now)
    return `The ${label} cannot move to ${formatLocal(at, post.timezone)}: that time has passed (it is now ${formatLocal(now, post.timezone)}).`;
  const campaign = await app.store.getCampaign(post.campaignId);
  if (campaign?.windowText) {
    const window = parseWindow(campaign.windowText);
    if (!isInWindow(at, window, campaign.timezone)) {
      return `The ${label} cannot move to ${formatLocal(at, campaign.timezone)}: campaign "${campaign.name}" posts only between ${formatWindow(window)} (${campaign.timezone}).`;
    }
  }
  const rule = DEFAULT_QUOTAS[post.platform];
  const db = app.store.db;
  let q = db
    .selectFrom('posts')
    .select('scheduled_at')
    .where('platform', '=', post.platform)
    .where('state', 'in', [...COUNTED_STATES])
    .where('scheduled_at', '>', at - DAY_MS)
    .where('scheduled_at', '<', at + DAY_MS);
  if (moving.length) q = q.where('id', 'not in', [...moving]);
  // YouTube's quota belongs to the Google Cloud project all channels share; the others count per account.
  if (post.platform !== 'youtube') q = q.where('account_id', '=', post.accountId);
  const others = (await q.execute()).map((r) => Number(r.scheduled_at));
  const over =
    rule.window === 'pacificDay'
      ? pacificDayCount(others, at) + 1 > rule.perWindow
      : busiestRollingDay(others, at) + 1 > rule.perWindow;
  if (over)
    return `The ${label} cannot move to ${formatLocal(at, post.timezone)}: ${describeQuota(post.platform, rule, post.timezone)}, and that slot would exceed it.`;
  return undefined;
}

/** Most posts of `others` inside any 24-hour window that also holds `at`. */
function busiestRollingDay(others: number[], at: number): number {
  const sorted = [...others].sort((a, b) => a - b);
  let best = 0;
  // Every window holding `at` starts in (at - 24 h, at]; the busiest starts at a post or at `at` itself.
  for (const start of [...sorted.filter((t) => t > at - DAY_MS && t <= at), at]) {
    best = Math.max(best, sorted.filter((t) => t >= start && t < start + DAY_MS).length);
  }
  return best;
}

function pacificDayCount(others: number[], at: number): number {
  const day = DateTime.fromMillis(at, { zone: PACIFIC_ZONE }).toISODate();
  return others.filter((t) => DateTime.fromMillis(t, { zone: PACIFIC_ZONE }).toISODate() === day).length;
}
