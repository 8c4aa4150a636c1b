import { describe, expect, it } from 'vitest';
import { parseWindow } from '../../../src/core/plan/daily-window.js';
import { parseInterval } from '../../../src/core/plan/interval.js';
import type { PlanInput } from '../../../src/core/plan/plan-campaign.js';
import { planCampaign } from '../../../src/core/plan/plan-campaign.js';
import {
  DEFAULT_QUOTAS,
  describeQuota,
  PACIFIC_ZONE,
  QuotaLedger,
  quotaKeyOf,
} from '../../../src/core/plan/quota.js';
import { listProviders } from '../../../src/core/rules/providers.js';
import { clips, isSorted, local, maxInRolling24h, maxPerDay } from './plan-helpers.js';

const H = 3_600_000;
const DAY = 24 * H;
const MADRID = 'Europe/Madrid';

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    clips: clips(6),
    targets: [{ accountId: '@yt', platform: 'youtube' }],
    start: Date.UTC(2026, 11, 1, 8), // 2026-12-01 00:00 PST
    interval: parseInterval('10m'),
    timezone: 'UTC',
    order: 'file',
    quotas: {},
    ...overrides,
  };
}

const times = (plan: ReturnType<typeof planCampaign>, platform?: string, account?: string): number[] =>
  plan.posts
    .filter((p) => (!platform || p.platform === platform) && (!account || p.accountId === account))
    .map((p) => p.scheduledAt);

describe('YouTube: videos.insert per project per Pacific day', () => {
  const quotas = { youtube: { perWindow: 3, window: 'pacificDay' as const } };

  it('pushes the overflow to the next Pacific midnight and keeps the interval after it', () => {
    const plan = planCampaign(input({ quotas, clips: clips(7) }));
    expect(plan.posts.map((p) => local(p.scheduledAt, PACIFIC_ZONE))).toEqual([
      '2026-12-01 00:00',
      '2026-12-01 00:10',
      '2026-12-01 00:20',
      '2026-12-02 00:00',
      '2026-12-02 00:10',
      '2026-12-02 00:20',
      '2026-12-03 00:00',
    ]);
    const pushed = plan.posts[3]!;
    expect(pushed.clipId).toBe(4);
    expect(pushed.shifted).toEqual({
      from: Date.UTC(2026, 11, 1, 8, 30),
      reason: 'YouTube allows 3 videos.insert per project per Pacific day',
    });
    expect(plan.posts[4]!.shifted?.reason).toBe(
      'queued behind earlier posts moved by the quota (YouTube allows 3 videos.insert per project per Pacific day)',
    );
    expect(plan.notes[0]).toBe(
      'clip 4 on youtube (@yt) moved from 2026-12-01 08:30 UTC to 2026-12-02 08:00 UTC: YouTube allows 3 videos.insert per project per Pacific day',
    );
    expect(plan.notes).toHaveLength(4);
    expect(maxPerDay(times(plan), PACIFIC_ZONE)).toBe(3);
  });

  it('uses the Pacific day, not the campaign zone’s day', () => {
    // 07:00Z and 09:00Z are the same Madrid day but different Pacific days (23:00 and 01:00 PT).
    const base = {
      timezone: MADRID,
      start: Date.UTC(2026, 11, 1, 7),
      interval: parseInterval('2h'),
      clips: clips(2),
    };
    const pacific = planCampaign(
      input({ ...base, quotas: { youtube: { perWindow: 1, window: 'pacificDay' } } }),
    );
    expect(times(pacific)).toEqual([Date.UTC(2026, 11, 1, 7), Date.UTC(2026, 11, 1, 9)]);
    const madrid = planCampaign(
      input({ ...base, quotas: { youtube: { perWindow: 1, window: 'localDay' } } }),
    );
    expect(times(madrid)).toEqual([Date.UTC(2026, 11, 1, 7), Date.UTC(2026, 11, 1, 23)]); // Madrid midnight
  });

  it('follows Pacific daylight time (midnight PDT is 07:00Z)', () => {
    const plan = planCampaign(
      input({
        start: Date.UTC(2026, 6, 1, 7),
        quotas: { youtube: { perWindow: 1, window: 'pacificDay' } },
        clips: clips(2),
      }),
    );
    expect(times(plan)).toEqual([Date.UTC(2026, 6, 1, 7), Date.UTC(2026, 6, 2, 7)]);
  });

  it('shares one bucket between channels of the same project, and separates projects by quotaKey', () => {
    const shared = planCampaign(
      input({
        quotas,
        clips: clips(2),
        targets: [
          { accountId: '@a', platform: 'youtube' },
          { accountId: '@b', platform: 'youtube' },
        ],
      }),
    );
    expect(maxPerDay(times(shared), PACIFIC_ZONE)).toBe(3);
    expect(shared.posts.filter((p) => p.shifted)).toHaveLength(1);
    const separate = planCampaign(
      input({
        quotas,
        clips: clips(3),
        targets: [
          { accountId: '@a', platform: 'youtube', quotaKey: 'project-a' },
          { accountId: '@b', platform: 'youtube', quotaKey: 'project-b' },
        ],
      }),
    );
    expect(separate.posts.every((p) => p.shifted === undefined)).toBe(true);
  });

  it('moves a push that lands outside the daily window to the window start', () => {
    // Madrid 10:00-20:00; Pacific midnight is 09:00 Madrid, so the pushed post waits for 10:00.
    const plan = planCampaign(
      input({
        timezone: MADRID,
        start: Date.UTC(2026, 11, 1, 9), // 10:00 Madrid
        interval: parseInterval('4h'),
        clips: clips(3),
        window: parseWindow('10:00-20:00'),
        quotas: { youtube: { perWindow: 1, window: 'pacificDay' } },
      }),
    );
    expect(plan.posts.map((p) => local(p.scheduledAt, MADRID))).toEqual([
      '2026-12-01 10:00',
      '2026-12-02 10:00',
      '2026-12-03 10:00',
    ]);
  });
});

describe('TikTok: posts per creator over a rolling 24 h', () => {
  const quotas = { tiktok: { perWindow: 2, window: 'rolling24h' as const } };
  const t0 = Date.UTC(2026, 11, 1, 8);

  it('waits until the oldest post leaves the 24 h window', () => {
    const plan = planCampaign(
      input({
        quotas,
        start: t0,
        interval: parseInterval('4h'),
        clips: clips(5),
        targets: [{ accountId: '@tt', platform: 'tiktok' }],
      }),
    );
    expect(times(plan).map((t) => (t - t0) / H)).toEqual([0, 4, 24, 28, 48]);
    expect(plan.posts[2]!.shifted?.reason).toBe(
      'TikTok allows 2 Direct Post posts per creator in any 24 hours',
    );
    expect(maxInRolling24h(times(plan))).toBe(2);
  });

  it('counts each creator separately', () => {
    const plan = planCampaign(
      input({
        quotas,
        start: t0,
        interval: parseInterval('4h'),
        clips: clips(3),
        targets: [
          { accountId: '@one', platform: 'tiktok' },
          { accountId: '@two', platform: 'tiktok' },
        ],
      }),
    );
    for (const account of ['@one', '@two']) {
      expect(times(plan, 'tiktok', account).map((t) => (t - t0) / H)).toEqual([0, 4, 24]);
    }
  });

  it('ships a rolling default of 15 per creator', () => {
    expect(DEFAULT_QUOTAS.tiktok).toEqual({ perWindow: 15, window: 'rolling24h' });
    const plan = planCampaign(
      input({
        quotas: DEFAULT_QUOTAS,
        start: t0,
        interval: parseInterval('30m'),
        clips: clips(40),
        targets: [{ accountId: '@tt', platform: 'tiktok' }],
      }),
    );
    expect(maxInRolling24h(times(plan))).toBe(15);
    expect(plan.posts.filter((p) => !p.shifted)).toHaveLength(15);
  });
});

describe('Instagram: publishes per account over a rolling 24 h', () => {
  const quotas = { instagram: { perWindow: 3, window: 'rolling24h' as const } };
  const t0 = Date.UTC(2026, 11, 1, 12);
  const targets: PlanInput['targets'] = [{ accountId: 'ig1', platform: 'instagram' }];

  it('counts existing usage given as a live count', () => {
    const plan = planCampaign(
      input({
        quotas,
        targets,
        start: t0,
        interval: parseInterval('1h'),
        clips: clips(2),
        existingUsage: [{ platform: 'instagram', accountId: 'ig1', at: t0 - H, count: 3 }],
      }),
    );
    expect(times(plan)).toEqual([t0 - H + DAY, t0 + DAY]);
    expect(plan.posts[0]!.shifted?.reason).toBe(
      'Instagram allows 3 API-published posts per account in any 24 hours',
    );
  });

  it('respects posts another campaign already planned later', () => {
    const plan = planCampaign(
      input({
        quotas: { instagram: { perWindow: 1, window: 'rolling24h' } },
        targets,
        start: t0,
        clips: clips(1),
        existingUsage: [{ platform: 'instagram', accountId: 'ig1', at: t0 + 2 * H }],
      }),
    );
    expect(times(plan)).toEqual([t0 + 26 * H]);
  });

  it('ignores usage of other accounts and of platforms without a rule', () => {
    const plan = planCampaign(
      input({
        quotas,
        targets,
        start: t0,
        clips: clips(1),
        existingUsage: [
          { platform: 'instagram', accountId: 'ig2', at: t0, count: 5 },
          { platform: 'tiktok', accountId: 'ig1', at: t0, count: 5 },
        ],
      }),
    );
    expect(times(plan)).toEqual([t0]);
  });
});

describe('localDay quota', () => {
  it('counts calendar days in the campaign zone and pushes to local midnight', () => {
    const plan = planCampaign(
      input({
        timezone: MADRID,
        start: Date.UTC(2026, 11, 1, 8), // 09:00 Madrid
        interval: parseInterval('4h'),
        clips: clips(5),
        targets: [{ accountId: '@tt', platform: 'tiktok' }],
        quotas: { tiktok: { perWindow: 2, window: 'localDay' } },
      }),
    );
    expect(plan.posts.map((p) => local(p.scheduledAt, MADRID))).toEqual([
      '2026-12-01 09:00',
      '2026-12-01 13:00',
      '2026-12-02 00:00',
      '2026-12-02 04:00',
      '2026-12-03 00:00',
    ]);
    expect(plan.posts[2]!.shifted?.reason).toBe(
      'TikTok allows 2 Direct Post posts per creator per day in Europe/Madrid',
    );
    expect(maxPerDay(times(plan), MADRID)).toBe(2);
  });
});

describe('platforms without a rule', () => {
  it('are not limited', () => {
    const plan = planCampaign(
      input({ clips: clips(200), quotas: { tiktok: { perWindow: 1, window: 'rolling24h' } } }),
    );
    expect(plan.posts.every((p) => p.shifted === undefined)).toBe(true);
  });
});

describe('100 clips × 3 platforms', () => {
  it('plans 300 posts within every limit, quickly', () => {
    const started = performance.now();
    const plan = planCampaign({
      clips: Array.from({ length: 100 }, (_, i) => ({ clipId: i + 1, viralPotential: (i * 37) % 11 })),
      targets: [
        { accountId: '@tt', platform: 'tiktok' },
        { accountId: 'ig1', platform: 'instagram' },
        { accountId: '@yt', platform: 'youtube' },
      ],
      start: Date.UTC(2026, 11, 1, 8),
      interval: parseInterval('20m'),
      timezone: MADRID,
      order: 'viral',
      window: parseWindow('09:00-22:00'),
      stagger: parseInterval('5m'),
      quotas: { ...DEFAULT_QUOTAS, youtube: { perWindow: 30, window: 'pacificDay' } },
    });
    const elapsed = performance.now() - started;
    expect(plan.posts).toHaveLength(300);
    expect(isSorted(plan.posts)).toBe(true);
    expect(maxInRolling24h(times(plan, 'tiktok'))).toBeLessThanOrEqual(15);
    expect(maxInRolling24h(times(plan, 'instagram'))).toBeLessThanOrEqual(100);
    expect(maxPerDay(times(plan, 'youtube'), PACIFIC_ZONE)).toBeLessThanOrEqual(30);
    expect(plan.posts.filter((p) => p.platform === 'tiktok' && p.shifted).length).toBeGreaterThan(0);
    for (const p of plan.posts) {
      const [hh = '', mm = ''] = local(p.scheduledAt, MADRID).slice(11).split(':');
      const minute = Number(hh) * 60 + Number(mm);
      expect(minute >= 540 && minute <= 1320).toBe(true);
    }
    // Every clip is posted once per platform.
    for (const platform of ['tiktok', 'instagram', 'youtube']) {
      expect(new Set(plan.posts.filter((p) => p.platform === platform).map((p) => p.clipId)).size).toBe(100);
    }
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('clips skipped on a platform', () => {
  it('get no post there, take no quota room and get no quota note', () => {
    const quotas = { youtube: { perWindow: 2, window: 'pacificDay' as const } };
    const list = clips(4).map((c) => (c.clipId <= 2 ? { ...c, platforms: ['tiktok'] } : c));
    const plan = planCampaign(input({ quotas, clips: list, targets: [{ accountId: '@yt', platform: 'youtube' }, { accountId: '@tt', platform: 'tiktok' }] }));
    expect(plan.posts.filter((p) => p.platform === 'youtube').map((p) => p.clipId)).toEqual([3, 4]);
    // Clips 1 and 2 would have filled the day's 2 uploads: without them 3 and 4 go at their slots.
    expect(plan.posts.filter((p) => p.platform === 'youtube').every((p) => !p.shifted)).toBe(true);
    expect(plan.notes).toEqual([]);
    expect(plan.posts.filter((p) => p.platform === 'tiktok')).toHaveLength(4);
  });
});

describe('quota helpers', () => {
  it('keys buckets per account, and per project for YouTube', () => {
    expect(quotaKeyOf('tiktok', '@tt')).toBe('tiktok:@tt');
    expect(quotaKeyOf('instagram', 'ig1')).toBe('instagram:ig1');
    expect(quotaKeyOf('youtube', '@a')).toBe(quotaKeyOf('youtube', '@b'));
    expect(quotaKeyOf('youtube', '@a', 'p1')).toBe('youtube:p1');
  });

  it('documents the defaults', () => {
    expect(DEFAULT_QUOTAS.youtube).toEqual({ perWindow: 100, window: 'pacificDay' });
    expect(DEFAULT_QUOTAS.instagram).toEqual({ perWindow: 100, window: 'rolling24h' });
    // The planner and `clipcast providers` (GET /publishing/providers) give the same numbers.
    for (const p of listProviders()) expect(DEFAULT_QUOTAS[p.platform as keyof typeof DEFAULT_QUOTAS].perWindow, p.platform).toBe(p.limits.posts_per_window);
    expect(describeQuota('youtube', DEFAULT_QUOTAS.youtube, 'UTC')).toBe(
      'YouTube allows 100 videos.insert per project per Pacific day',
    );
  });

  it('finds room in a rolling ledger', () => {
    const ledger = new QuotaLedger({ perWindow: 2, window: 'rolling24h' }, 'UTC');
    expect(ledger.nextRoom(0)).toBe(0);
    ledger.add(0);
    ledger.add(H);
    expect(ledger.nextRoom(2 * H)).toBe(DAY);
    expect(ledger.nextRoom(DAY)).toBe(DAY);
    ledger.add(DAY);
    expect(ledger.nextRoom(DAY)).toBe(DAY + H);
    // A post that would crowd later posts waits until after them.
    const later = new QuotaLedger({ perWindow: 1, window: 'rolling24h' }, 'UTC');
    later.add(10 * H);
    expect(later.nextRoom(0)).toBe(10 * H);
    expect(later.nextRoom(10 * H)).toBe(34 * H);
    expect(later.nextRoom(34 * H)).toBe(34 * H);
  });

  it('finds room in a day ledger', () => {
    const ledger = new QuotaLedger({ perWindow: 1, window: 'pacificDay' }, 'UTC');
    const morning = Date.UTC(2026, 11, 1, 18); // 10:00 PST
    ledger.add(morning);
    expect(ledger.nextRoom(morning + H)).toBe(Date.UTC(2026, 11, 2, 8));
    expect(ledger.nextRoom(Date.UTC(2026, 11, 2, 8))).toBe(Date.UTC(2026, 11, 2, 8));
  });
});
