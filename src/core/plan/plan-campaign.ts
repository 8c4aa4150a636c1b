import { InputError } from '../input-error.js';
import type { PlatformId } from '../platform-id.js';
import { PLATFORM_IDS } from '../platform-id.js';
import type { DailyWindow } from './daily-window.js';
import { formatWindow, isInWindow, moveIntoWindow } from './daily-window.js';
import type { Interval } from './interval.js';
import { formatInterval } from './interval.js';
import type { ClipOrder, PlanClip } from './order-clips.js';
import { orderClips } from './order-clips.js';
import { addInterval, planSlots } from './plan-slots.js';
import type { QuotaRule, QuotaRules } from './quota.js';
import { initRateNotes } from './init-rate.js';
import { describeQuota, QuotaLedger, quotaKeyOf, validateQuotaRule } from './quota.js';
import { formatLocal, validateTimezone } from './time-zone.js';

/**
 * An account a campaign posts to.
 *
 * @example
 * ```ts
 * const targets: PlanTarget[] = [{ accountId: '@me', platform: 'tiktok' }, { accountId: '@chan', platform: 'youtube' }];
 * ```
 */
export interface PlanTarget {
  accountId: string;
  platform: PlatformId;
  /** YouTube: the project whose `videos.insert` bucket the channel uses (default: one shared project). */
  quotaKey?: string;
}

/**
 * A post that already counts against a quota: published or planned by another campaign. For a live
 * count without times (Instagram `quota_usage`), pass one entry at the current instant with `count`
 * (conservative: those posts are treated as leaving the window 24 h from now).
 *
 * @example
 * ```ts
 * const usage: QuotaUsage[] = [{ platform: 'instagram', accountId: 'ig1', at: clock.now(), count: 2 }];
 * ```
 */
export interface QuotaUsage {
  platform: PlatformId;
  accountId: string;
  quotaKey?: string;
  /** When it was (or will be) published, ms epoch. */
  at: number;
  /** Posts at that instant; default 1. */
  count?: number;
}

/**
 * Everything {@link planCampaign} needs.
 *
 * @example
 * ```ts
 * const input: PlanInput = { clips, targets, start, interval: parseInterval('4h'), timezone: 'Europe/Madrid',
 *   order: 'viral', window: parseWindow('09:00-22:00'), stagger: parseInterval('10m'), quotas: DEFAULT_QUOTAS };
 * ```
 */
export interface PlanInput {
  /** In clips-file order. */
  clips: readonly PlanClip[];
  targets: readonly PlanTarget[];
  /** First slot, ms epoch. */
  start: number;
  interval: Interval;
  /** IANA zone for wall-clock intervals, the window and `localDay` quotas. */
  timezone: string;
  order: ClipOrder;
  /** Local hours allowed for posts. */
  window?: DailyWindow;
  /** When set, the k-th target (0-based, in `targets` order) of a slot goes out k × stagger later. */
  stagger?: Interval;
  /** Per-platform limits; see `DEFAULT_QUOTAS`. */
  quotas: QuotaRules;
  existingUsage?: readonly QuotaUsage[];
}

/**
 * One planned post.
 *
 * @example
 * ```ts
 * const moved = plan.posts.filter((p: PlannedPost) => p.shifted !== undefined);
 * ```
 */
export interface PlannedPost {
  clipId: number;
  accountId: string;
  platform: PlatformId;
  /** ms epoch. */
  scheduledAt: number;
  /** 0-based slot number of the clip in campaign order. */
  slot: number;
  /** Present when the window or a quota moved the post: the time the interval (and stagger) gave. */
  shifted?: { from: number; reason: string };
}

/**
 * The result of {@link planCampaign}.
 *
 * @example
 * ```ts
 * const { posts, notes } = planCampaign(input);
 * ```
 */
export interface Plan {
  /** Sorted by `scheduledAt`, then `clipId`, then target order. */
  posts: PlannedPost[];
  /** Human sentences about every move, in the order they were decided. */
  notes: string[];
}

interface Draft {
  post: PlannedPost;
  target: number;
  /** The interval/stagger time before any move. */
  planned: number;
  reasons: string[];
}

/**
 * Plans a campaign: one post per clip × target. Slot k = start + k × interval (whole-day intervals keep
 * the local wall clock; others are exact), moved into `window`, staggered per target, then pushed past
 * full quota windows. Pure and deterministic.
 *
 * @throws InputError `TIMEZONE_INVALID`, `INTERVAL_INVALID`, `PLAN_NO_TARGETS`, `PLAN_TARGET_DUPLICATE`,
 *   `PLAN_QUOTA_INVALID`, `PLAN_CLIP_DUPLICATE`.
 * @example
 * ```ts
 * const plan = planCampaign({
 *   clips: [{ clipId: 1 }, { clipId: 2 }],
 *   targets: [{ accountId: '@me', platform: 'tiktok' }],
 *   start: Date.UTC(2026, 11, 1, 8), interval: parseInterval('4h'), timezone: 'Europe/Madrid',
 *   order: 'file', quotas: DEFAULT_QUOTAS,
 * });
 * plan.posts.map((p) => p.scheduledAt); // 09:00 and 13:00 Madrid
 * ```
 */
export function planCampaign(input: PlanInput): Plan {
  const zone = validateTimezone(input.timezone);
  validateInput(input);
  const notes: string[] = [];
  const clips = orderClips(input.clips, input.order);
  if (clips.length === 0) return { posts: [], notes: ['no clips to plan'] };

  const slots = planSlots(input.start, input.interval, clips.length, zone, input.window);
  const drafts: Draft[] = [];
  for (const slot of slots) {
    const clip = clips[slot.index]!;
    if (slot.movedFrom !== undefined) {
      notes.push(
        `slot ${slot.index} (clip ${clip.clipId}) moved from ${formatLocal(slot.movedFrom, zone)} to ${formatLocal(slot.at, zone)}: ${slot.reason}`,
      );
    }
    input.targets.forEach((target, k) => {
      // A clip skipped on a platform gets no post there: it takes no quota room and gets no note.
      if (clip.platforms && !clip.platforms.includes(target.platform)) return;
      const offset = (t: number): number => (input.stagger ? addInterval(t, input.stagger, k, zone) : t);
      const post: PlannedPost = {
        clipId: clip.clipId,
        accountId: target.accountId,
        platform: target.platform,
        scheduledAt: offset(slot.at),
        slot: slot.index,
      };
      const draft: Draft = {
        post,
        target: k,
        planned: offset(slot.movedFrom ?? slot.at),
        reasons: slot.reason ? [slot.reason] : [],
      };
      if (input.window && !isInWindow(post.scheduledAt, input.window, zone)) {
        const from = post.scheduledAt;
        post.scheduledAt = moveIntoWindow(from, input.window, zone);
        const reason = `stagger put it outside the daily window ${formatWindow(input.window)}`;
        draft.reasons.push(reason);
        notes.push(
          `${label(post)} moved from ${formatLocal(from, zone)} to ${formatLocal(post.scheduledAt, zone)}: ${reason}`,
        );
      }
      drafts.push(draft);
    });
  }

  applyQuotas(drafts, input, zone, notes);
  notes.push(...initRateNotes(drafts.map((d) => d.post), zone));

  for (const d of drafts) {
    if (d.reasons.length > 0) d.post.shifted = { from: d.planned, reason: d.reasons.join('; ') };
  }
  drafts.sort(
    (a, b) => a.post.scheduledAt - b.post.scheduledAt || a.post.clipId - b.post.clipId || a.target - b.target,
  );
  return { posts: drafts.map((d) => d.post), notes };
}

/** Pushes posts past full quota windows, per bucket, in planned-time order. */
function applyQuotas(drafts: Draft[], input: PlanInput, zone: string, notes: string[]): void {
  const ledgers = new Map<string, QuotaLedger>();
  const ledgerFor = (key: string, rule: QuotaRule): QuotaLedger => {
    let ledger = ledgers.get(key);
    if (!ledger) ledgers.set(key, (ledger = new QuotaLedger(rule, zone)));
    return ledger;
  };
  for (const use of input.existingUsage ?? []) {
    const rule = input.quotas[use.platform];
    if (!rule) continue;
    const ledger = ledgerFor(quotaKeyOf(use.platform, use.accountId, use.quotaKey), rule);
    for (let i = 0; i < (use.count ?? 1); i++) ledger.add(use.at);
  }
  // Earliest time the next post of a bucket may take once earlier posts were pushed (keeps spacing).
  const cursor = new Map<string, number>();
  const order = [...drafts].sort(
    (a, b) => a.post.scheduledAt - b.post.scheduledAt || a.post.slot - b.post.slot || a.target - b.target,
  );
  for (const d of order) {
    const { platform } = d.post;
    const rule = input.quotas[platform];
    if (!rule) continue;
    const target = input.targets[d.target]!;
    const key = quotaKeyOf(platform, target.accountId, target.quotaKey);
    const ledger = ledgerFor(key, rule);
    const before = d.post.scheduledAt;
    let t = Math.max(before, cursor.get(key) ?? before);
    let full = false;
    for (let guard = 0; ; guard++) {
      if (guard > 100_000) throw new Error(`planner: no room found for ${label(d.post)} (bug)`);
      if (input.window) t = moveIntoWindow(t, input.window, zone);
      const room = ledger.nextRoom(t);
      if (room === t) break;
      full = true;
      t = room;
    }
    ledger.add(t);
    if (t === before) continue;
    const quota = describeQuota(platform, rule, zone);
    const reason = full ? quota : `queued behind earlier posts moved by the quota (${quota})`;
    d.post.scheduledAt = t;
    d.reasons.push(reason);
    cursor.set(key, addInterval(t, input.interval, 1, zone));
    notes.push(
      `${label(d.post)} moved from ${formatLocal(before, zone)} to ${formatLocal(t, zone)}: ${reason}`,
    );
  }
}

function label(post: PlannedPost): string {
  return `clip ${post.clipId} on ${post.platform} (${post.accountId})`;
}

function validateInput(input: PlanInput): void {
  checkInterval(input.interval, '--interval');
  if (input.stagger) checkInterval(input.stagger, '--stagger', true);
  if (!Number.isFinite(input.start)) {
    throw new InputError(
      'START_DATE_INVALID',
      `start ${String(input.start)} is not an instant`,
      'pass ms since the epoch',
      '--start-date',
    );
  }
  if (input.targets.length === 0) {
    throw new InputError(
      'PLAN_NO_TARGETS',
      'the campaign has no target accounts',
      'pass --platforms, e.g. tiktok,youtube:@channel',
      '--platforms',
    );
  }
  const clipIds = new Set<number>();
  for (const clip of input.clips) {
    if (clipIds.has(clip.clipId)) {
      throw new InputError(
        'PLAN_CLIP_DUPLICATE',
        `clip ${clip.clipId} is listed twice`,
        'each clip id appears once in the clips file',
        'clips',
      );
    }
    clipIds.add(clip.clipId);
  }
  const seen = new Set<string>();
  for (const t of input.targets) {
    if (!(PLATFORM_IDS as readonly string[]).includes(t.platform)) {
      throw new InputError(
        'PLAN_TARGET_INVALID',
        `target platform "${String(t.platform)}" is unknown`,
        `use one of ${PLATFORM_IDS.join(', ')}`,
        '--platforms',
      );
    }
    const id = `${t.platform}:${t.accountId}`;
    if (seen.has(id)) {
      throw new InputError(
        'PLAN_TARGET_DUPLICATE',
        `target ${t.platform} ${t.accountId} is listed twice`,
        'list each account once',
        '--platforms',
      );
    }
    seen.add(id);
  }
  for (const [platform, rule] of Object.entries(input.quotas)) if (rule) validateQuotaRule(platform, rule);
}

function checkInterval(interval: Interval, flag: string, zeroAllowed = false): void {
  const ok =
    Number.isInteger(interval.days) &&
    Number.isInteger(interval.ms) &&
    interval.days >= 0 &&
    interval.ms >= 0 &&
    (zeroAllowed || interval.days + interval.ms > 0);
  if (!ok) {
    throw new InputError(
      'INTERVAL_INVALID',
      `${flag} "${formatInterval(interval)}" is not a positive duration`,
      'use e.g. 30m, 4h or 1d',
      flag,
    );
  }
}
