/**
 * The campaign planner: parses `--interval`, `--start-date`, `--window` and `--timezone`, and plans
 * posts across time zones, daily windows and platform quotas. Pure: no I/O; the current time is
 * passed in. Rules and examples: docs/planning.md.
 *
 * @example
 * ```ts
 * import { parseInterval, parseStartDate, planCampaign, describePlan, DEFAULT_QUOTAS } from './plan/index.js';
 * const plan = planCampaign({ clips, targets, start: parseStartDate('2026-12-01 09:00', zone, clock.now()),
 *   interval: parseInterval('4h'), timezone: zone, order: 'file', quotas: DEFAULT_QUOTAS });
 * for (const line of describePlan(plan, zone)) console.log(line);
 * ```
 *
 * @packageDocumentation
 */
export type { Interval } from './interval.js';
export { formatInterval, INTERVAL_HINT, intervalMs, isWholeDays, parseInterval } from './interval.js';
export { parseStartDate, START_DATE_HINT, START_GRACE_MS } from './start-date.js';
export type { DailyWindow } from './daily-window.js';
export { formatWindow, isInWindow, parseWindow, WINDOW_HINT } from './daily-window.js';
export { formatLocal, formatUtc, resolveWall, validateTimezone } from './time-zone.js';
export type { ClipOrder, PlanClip } from './order-clips.js';
export { orderClips } from './order-clips.js';
export type { QuotaRule, QuotaRules, QuotaWindowKind } from './quota.js';
export {
  DEFAULT_QUOTAS,
  DEFAULT_YOUTUBE_QUOTA_KEY,
  describeQuota,
  PACIFIC_ZONE,
  quotaKeyOf,
} from './quota.js';
export type { Plan, PlanInput, PlannedPost, PlanTarget, QuotaUsage } from './plan-campaign.js';
export { planCampaign } from './plan-campaign.js';
export { initRateNotes, TIKTOK_INITS_PER_MINUTE } from './init-rate.js';
export { describePlan } from './describe-plan.js';
