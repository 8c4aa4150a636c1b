import { InputError } from '../input-error.js';
import type { PlatformId } from '../platform-id.js';
import { PLATFORM_RULES } from '../rules/platform-rules.js';
import { DAY_MS, resolveWall, wallMidnight, wallOf } from './time-zone.js';

/**
 * How a platform counts posts:
 * - `rolling24h`: at most `perWindow` posts in any 24 hours (a post counts until 24 h after it);
 * - `pacificDay`: per calendar day in America/Los_Angeles (YouTube's reset at Pacific midnight);
 * - `localDay`: per calendar day in the campaign's time zone.
 *
 * @example
 * ```ts
 * const kind: QuotaWindowKind = 'pacificDay';
 * ```
 */
export type QuotaWindowKind = 'rolling24h' | 'pacificDay' | 'localDay';

/**
 * A posting limit: at most `perWindow` posts per `window`.
 *
 * @example
 * ```ts
 * const instagram: QuotaRule = { perWindow: liveQuotaTotal, window: 'rolling24h' };
 * ```
 */
export interface QuotaRule {
  /** Posts allowed per window, a whole number ≥ 1. */
  perWindow: number;
  window: QuotaWindowKind;
}

/**
 * Quota rules by platform; a platform without a rule is not limited by the planner.
 *
 * @example
 * ```ts
 * const quotas: QuotaRules = { youtube: DEFAULT_QUOTAS.youtube }; // TikTok and Instagram unlimited
 * ```
 */
export type QuotaRules = Partial<Record<PlatformId, QuotaRule>>;

/** The zone of YouTube's daily quota reset. */
export const PACIFIC_ZONE = 'America/Los_Angeles';

/** The quota key all YouTube channels share by default: one Google Cloud project. */
export const DEFAULT_YOUTUBE_QUOTA_KEY = 'default-project';

/**
 * Documented defaults (see docs/planning.md and docs/reference):
 * - `youtube`: 100 `videos.insert` calls per project per Pacific day (the 2026 bucket model);
 * - `tiktok`: 15 Direct Post posts per creator, counted over a rolling 24 h (TikTok states "per 24 h";
 *   a rolling window also satisfies any calendar-day reading);
 * - `instagram`: 100 API publishes per account per rolling 24 h — Meta's current documented figure
 *   (older pages say 50); pass the live `content_publishing_limit` `quota_total` when known.
 * The numbers are the platform rules' (`PLATFORM_RULES[p].quota`), which `clipcast providers` and
 * `GET /publishing/providers` show, so the planner and what users read agree.
 *
 * @example
 * ```ts
 * planCampaign({ ...input, quotas: { ...DEFAULT_QUOTAS, instagram: { perWindow: 50, window: 'rolling24h' } } });
 * ```
 */
export const DEFAULT_QUOTAS: Readonly<Record<PlatformId, QuotaRule>> = Object.freeze({
  tiktok: Object.freeze({ perWindow: PLATFORM_RULES.tiktok.quota.postsPerWindow, window: 'rolling24h' as const }),
  instagram: Object.freeze({ perWindow: PLATFORM_RULES.instagram.quota.postsPerWindow, window: 'rolling24h' as const }),
  youtube: Object.freeze({ perWindow: PLATFORM_RULES.youtube.quota.postsPerWindow, window: 'pacificDay' as const }),
});

/**
 * The bucket a post draws from: the account for TikTok and Instagram; for YouTube the project key
 * (`quotaKey`, default {@link DEFAULT_YOUTUBE_QUOTA_KEY}), shared by every channel of that project.
 *
 * @example
 * ```ts
 * quotaKeyOf('youtube', '@chan');         // 'youtube:default-project'
 * quotaKeyOf('tiktok', 'acct-1');         // 'tiktok:acct-1'
 * ```
 */
export function quotaKeyOf(platform: PlatformId, accountId: string, quotaKey?: string): string {
  if (quotaKey !== undefined) return `${platform}:${quotaKey}`;
  return platform === 'youtube' ? `${platform}:${DEFAULT_YOUTUBE_QUOTA_KEY}` : `${platform}:${accountId}`;
}

const UNIT_TEXT: Record<PlatformId, string> = {
  youtube: 'YouTube allows {n} videos.insert per project',
  tiktok: 'TikTok allows {n} Direct Post posts per creator',
  instagram: 'Instagram allows {n} API-published posts per account',
};

/**
 * The human sentence for a rule, used in `shifted.reason` and plan notes.
 *
 * @example
 * ```ts
 * describeQuota('youtube', DEFAULT_QUOTAS.youtube, 'UTC'); // 'YouTube allows 100 videos.insert per project per Pacific day'
 * ```
 */
export function describeQuota(platform: PlatformId, rule: QuotaRule, zone: string): string {
  const window =
    rule.window === 'rolling24h'
      ? 'in any 24 hours'
      : rule.window === 'pacificDay'
        ? 'per Pacific day'
        : `per day in ${zone}`;
  return `${UNIT_TEXT[platform].replace('{n}', String(rule.perWindow))} ${window}`;
}

/**
 * Checks a rule's shape.
 *
 * @throws InputError `PLAN_QUOTA_INVALID`.
 * @example
 * ```ts
 * validateQuotaRule('tiktok', { perWindow: 0, window: 'rolling24h' }); // throws
 * ```
 */
export function validateQuotaRule(platform: string, rule: QuotaRule): void {
  const windows: readonly string[] = ['rolling24h', 'pacificDay', 'localDay'];
  if (!Number.isInteger(rule.perWindow) || rule.perWindow < 1 || !windows.includes(rule.window)) {
    throw new InputError(
      'PLAN_QUOTA_INVALID',
      `quota for ${platform} (${String(rule.perWindow)} per ${String(rule.window)}) is not usable`,
      'perWindow is a whole number ≥ 1 and window is rolling24h, pacificDay or localDay',
      `quotas.${platform}`,
    );
  }
}

/**
 * The posts counted against one quota bucket, and where the next one fits.
 *
 * @example
 * ```ts
 * const ledger = new QuotaLedger({ perWindow: 1, window: 'rolling24h' }, 'UTC');
 * ledger.add(0);
 * ledger.nextRoom(1000); // 86400000: the first post leaves the window 24 h after it
 * ```
 */
export class QuotaLedger {
  private readonly times: number[] = [];
  private readonly perDay = new Map<number, number>();
  private readonly dayZone: string;

  constructor(
    readonly rule: QuotaRule,
    zone: string,
  ) {
    this.dayZone = rule.window === 'pacificDay' ? PACIFIC_ZONE : zone;
  }

  /** Counts a post at `instant`. */
  add(instant: number): void {
    if (this.rule.window === 'rolling24h') {
      this.times.splice(this.insertionIndex(instant), 0, instant);
    } else {
      const day = this.dayOf(instant);
      this.perDay.set(day, (this.perDay.get(day) ?? 0) + 1);
    }
  }

  /**
   * `instant` itself when one more post fits there, else a strictly later instant from which to try
   * again (the next day start, or when a counted post leaves the rolling window).
   */
  nextRoom(instant: number): number {
    const n = this.rule.perWindow;
    if (this.rule.window !== 'rolling24h') {
      if ((this.perDay.get(this.dayOf(instant)) ?? 0) < n) return instant;
      return resolveWall(wallMidnight(wallOf(instant, this.dayZone), 1), this.dayZone);
    }
    // With `instant` inserted at idx, every run of n + 1 consecutive posts must span ≥ 24 h.
    const t = this.times;
    const idx = this.insertionIndex(instant);
    const at = (i: number): number => (i < idx ? t[i]! : i === idx ? instant : t[i - 1]!);
    const last = t.length; // highest index in the virtual array of length t.length + 1
    for (let j = Math.max(0, idx - n); j <= Math.min(idx, last - n); j++) {
      if (at(j + n) - at(j) < DAY_MS) return j < idx ? at(j) + DAY_MS : t[idx]!;
    }
    return instant;
  }

  private dayOf(instant: number): number {
    return wallMidnight(wallOf(instant, this.dayZone));
  }

  /** Index after every counted post at or before `instant`. */
  private insertionIndex(instant: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= instant) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
