import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/input-error.js';
import { parseWindow } from '../../../src/core/plan/daily-window.js';
import { parseInterval } from '../../../src/core/plan/interval.js';
import type { PlanInput } from '../../../src/core/plan/plan-campaign.js';
import { planCampaign } from '../../../src/core/plan/plan-campaign.js';
import { parseStartDate } from '../../../src/core/plan/start-date.js';
import { clips, isSorted, local } from './plan-helpers.js';

const H = 3_600_000;
const NY = 'America/New_York';
const MADRID = 'Europe/Madrid';
const NOW = Date.UTC(2026, 0, 1);

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    clips: clips(3),
    targets: [{ accountId: '@tt', platform: 'tiktok' }],
    start: parseStartDate('2026-12-01 09:00', MADRID, NOW),
    interval: parseInterval('4h'),
    timezone: MADRID,
    order: 'file',
    quotas: {},
    ...overrides,
  };
}

/** Local times of the posts of one platform, in post order. */
function localTimes(plan: ReturnType<typeof planCampaign>, zone: string, platform = 'tiktok'): string[] {
  return plan.posts.filter((p) => p.platform === platform).map((p) => local(p.scheduledAt, zone));
}

describe('planCampaign slots', () => {
  it('puts slot k at start + k × interval, every target sharing the slot', () => {
    const plan = planCampaign(
      input({
        targets: [
          { accountId: '@tt', platform: 'tiktok' },
          { accountId: '@yt', platform: 'youtube' },
          { accountId: 'ig1', platform: 'instagram' },
        ],
      }),
    );
    expect(plan.posts).toHaveLength(9);
    expect(plan.posts.map((p) => [p.clipId, p.platform, p.slot, p.scheduledAt])).toEqual([
      [1, 'tiktok', 0, Date.UTC(2026, 11, 1, 8)],
      [1, 'youtube', 0, Date.UTC(2026, 11, 1, 8)],
      [1, 'instagram', 0, Date.UTC(2026, 11, 1, 8)],
      [2, 'tiktok', 1, Date.UTC(2026, 11, 1, 12)],
      [2, 'youtube', 1, Date.UTC(2026, 11, 1, 12)],
      [2, 'instagram', 1, Date.UTC(2026, 11, 1, 12)],
      [3, 'tiktok', 2, Date.UTC(2026, 11, 1, 16)],
      [3, 'youtube', 2, Date.UTC(2026, 11, 1, 16)],
      [3, 'instagram', 2, Date.UTC(2026, 11, 1, 16)],
    ]);
    expect(plan.posts.every((p) => p.shifted === undefined)).toBe(true);
    expect(plan.notes).toEqual([]);
  });

  it('returns an empty plan with a note for no clips', () => {
    expect(planCampaign(input({ clips: [] }))).toEqual({ posts: [], notes: ['no clips to plan'] });
  });

  it('is deterministic and leaves its input untouched', () => {
    const i = input({
      clips: [
        { clipId: 5, viralPotential: 1 },
        { clipId: 2, viralPotential: 9 },
      ],
      order: 'viral',
      window: parseWindow('10:00-12:00'),
    });
    const copy = structuredClone(i);
    expect(planCampaign(i)).toEqual(planCampaign(i));
    expect(i).toEqual(copy);
  });
});

describe('planCampaign across DST', () => {
  it('keeps the wall clock for 1d across New York spring-forward', () => {
    const start = parseStartDate('2026-03-06 09:00', NY, NOW);
    const plan = planCampaign(input({ start, timezone: NY, interval: parseInterval('1d'), clips: clips(4) }));
    expect(localTimes(plan, NY)).toEqual([
      '2026-03-06 09:00',
      '2026-03-07 09:00',
      '2026-03-08 09:00',
      '2026-03-09 09:00',
    ]);
    expect(plan.posts.map((p) => p.scheduledAt)).toEqual([
      Date.UTC(2026, 2, 6, 14),
      Date.UTC(2026, 2, 7, 14),
      Date.UTC(2026, 2, 8, 13),
      Date.UTC(2026, 2, 9, 13),
    ]);
  });

  it('keeps the wall clock for 1d across New York fall-back', () => {
    const start = parseStartDate('2026-10-30 09:00', NY, NOW);
    const plan = planCampaign(input({ start, timezone: NY, interval: parseInterval('1d'), clips: clips(4) }));
    expect(localTimes(plan, NY)).toEqual([
      '2026-10-30 09:00',
      '2026-10-31 09:00',
      '2026-11-01 09:00',
      '2026-11-02 09:00',
    ]);
    expect(plan.posts[2]!.scheduledAt - plan.posts[1]!.scheduledAt).toBe(25 * H);
  });

  it('keeps the wall clock for 1d across both Madrid transitions and for 2w', () => {
    const spring = planCampaign(
      input({ start: parseStartDate('2026-03-28 20:00', MADRID, NOW), interval: parseInterval('1d') }),
    );
    expect(localTimes(spring, MADRID)).toEqual(['2026-03-28 20:00', '2026-03-29 20:00', '2026-03-30 20:00']);
    const autumn = planCampaign(
      input({ start: parseStartDate('2026-10-24 20:00', MADRID, NOW), interval: parseInterval('1d') }),
    );
    expect(localTimes(autumn, MADRID)).toEqual(['2026-10-24 20:00', '2026-10-25 20:00', '2026-10-26 20:00']);
    const weeks = planCampaign(
      input({ start: parseStartDate('2026-03-20 20:00', MADRID, NOW), interval: parseInterval('2w') }),
    );
    expect(localTimes(weeks, MADRID)).toEqual(['2026-03-20 20:00', '2026-04-03 20:00', '2026-04-17 20:00']);
  });

  it('uses exact 4h steps across New York spring-forward (wall clock jumps)', () => {
    const start = parseStartDate('2026-03-07 22:00', NY, NOW);
    const plan = planCampaign(input({ start, timezone: NY, clips: clips(4) }));
    expect(localTimes(plan, NY)).toEqual([
      '2026-03-07 22:00',
      '2026-03-08 03:00',
      '2026-03-08 07:00',
      '2026-03-08 11:00',
    ]);
    expect(plan.posts.map((p) => p.scheduledAt - start)).toEqual([0, 4 * H, 8 * H, 12 * H]);
  });

  it('uses exact 4h steps across New York fall-back (wall clock repeats an hour)', () => {
    const start = parseStartDate('2026-10-31 22:00', NY, NOW);
    const plan = planCampaign(input({ start, timezone: NY, clips: clips(4) }));
    expect(localTimes(plan, NY)).toEqual([
      '2026-10-31 22:00',
      '2026-11-01 01:00',
      '2026-11-01 05:00',
      '2026-11-01 09:00',
    ]);
    expect(plan.posts.map((p) => p.scheduledAt - start)).toEqual([0, 4 * H, 8 * H, 12 * H]);
  });

  it('treats 24h and mixed 1d12h as exact durations across DST', () => {
    const start = parseStartDate('2026-03-28 20:00', MADRID, NOW);
    const h24 = planCampaign(input({ start, interval: parseInterval('24h') }));
    expect(localTimes(h24, MADRID)).toEqual(['2026-03-28 20:00', '2026-03-29 21:00', '2026-03-30 21:00']);
    const mixed = planCampaign(input({ start, interval: parseInterval('1d12h') }));
    expect(mixed.posts.map((p) => p.scheduledAt - start)).toEqual([0, 36 * H, 72 * H]);
    expect(localTimes(mixed, MADRID)).toEqual(['2026-03-28 20:00', '2026-03-30 09:00', '2026-03-31 21:00']);
  });

  it('moves a daily slot that falls in the gap forward and returns to the wall clock the next day', () => {
    const start = parseStartDate('2026-03-07 02:30', NY, NOW);
    const plan = planCampaign(input({ start, timezone: NY, interval: parseInterval('1d') }));
    expect(localTimes(plan, NY)).toEqual(['2026-03-07 02:30', '2026-03-08 03:30', '2026-03-09 02:30']);
  });

  it('takes the earlier instant for a daily slot in the overlap', () => {
    const start = parseStartDate('2026-10-31 01:30', NY, NOW);
    const plan = planCampaign(input({ start, timezone: NY, interval: parseInterval('1d') }));
    expect(plan.posts.map((p) => p.scheduledAt)).toEqual([
      Date.UTC(2026, 9, 31, 5, 30), // 01:30 EDT
      Date.UTC(2026, 10, 1, 5, 30), // 01:30 EDT, the first of the two 01:30s
      Date.UTC(2026, 10, 2, 6, 30), // 01:30 EST
    ]);
  });

  it('starts exactly at a start given as the later of two identical local times', () => {
    const start = parseStartDate('2026-11-01T01:30-05:00', NY, NOW); // 01:30 EST, the second 01:30
    const plan = planCampaign(input({ start, timezone: NY, interval: parseInterval('1d') }));
    expect(plan.posts.map((p) => p.scheduledAt)).toEqual([
      Date.UTC(2026, 10, 1, 6, 30),
      Date.UTC(2026, 10, 2, 6, 30),
      Date.UTC(2026, 10, 3, 6, 30),
    ]);
  });

  it('keeps the resolved wall clock of a start given inside the gap', () => {
    // 02:30 does not exist on 2026-03-08; the start becomes 03:30 EDT and the campaign keeps 03:30.
    const start = parseStartDate('2026-03-08 02:30', NY, NOW);
    const plan = planCampaign(input({ start, timezone: NY, interval: parseInterval('1d') }));
    expect(localTimes(plan, NY)).toEqual(['2026-03-08 03:30', '2026-03-09 03:30', '2026-03-10 03:30']);
  });
});

describe('planCampaign daily window', () => {
  it('moves a slot outside the window to the next window start and continues the interval from there', () => {
    const plan = planCampaign(input({ clips: clips(7), window: parseWindow('09:00-22:00') }));
    expect(localTimes(plan, MADRID)).toEqual([
      '2026-12-01 09:00',
      '2026-12-01 13:00',
      '2026-12-01 17:00',
      '2026-12-01 21:00',
      '2026-12-02 09:00',
      '2026-12-02 13:00',
      '2026-12-02 17:00',
    ]);
    const moved = plan.posts[4]!;
    expect(moved.slot).toBe(4);
    expect(moved.shifted).toEqual({
      from: Date.UTC(2026, 11, 2, 0),
      reason: 'outside the daily window 09:00-22:00',
    });
    expect(plan.posts.filter((p) => p.shifted).map((p) => p.clipId)).toEqual([5]);
    expect(plan.notes).toEqual([
      'slot 4 (clip 5) moved from 2026-12-02 01:00 GMT+1 to 2026-12-02 09:00 GMT+1: outside the daily window 09:00-22:00',
    ]);
  });

  it('moves a start before the window to the same day’s window start', () => {
    const start = parseStartDate('2026-12-01 06:00', MADRID, NOW);
    const plan = planCampaign(input({ start, window: parseWindow('09:00-22:00') }));
    expect(localTimes(plan, MADRID)).toEqual(['2026-12-01 09:00', '2026-12-01 13:00', '2026-12-01 17:00']);
    expect(plan.posts[0]!.shifted?.from).toBe(start);
  });

  it('includes the window end', () => {
    const start = parseStartDate('2026-12-01 10:00', MADRID, NOW);
    const plan = planCampaign(
      input({ start, interval: parseInterval('3h'), clips: clips(6), window: parseWindow('10:00-22:00') }),
    );
    expect(localTimes(plan, MADRID)).toEqual([
      '2026-12-01 10:00',
      '2026-12-01 13:00',
      '2026-12-01 16:00',
      '2026-12-01 19:00',
      '2026-12-01 22:00',
      '2026-12-02 10:00',
    ]);
  });

  it('supports a window crossing midnight', () => {
    const start = parseStartDate('2026-12-01 22:00', MADRID, NOW);
    const plan = planCampaign(
      input({ start, interval: parseInterval('1h'), clips: clips(7), window: parseWindow('22:00-02:00') }),
    );
    expect(localTimes(plan, MADRID)).toEqual([
      '2026-12-01 22:00',
      '2026-12-01 23:00',
      '2026-12-02 00:00',
      '2026-12-02 01:00',
      '2026-12-02 02:00',
      '2026-12-02 22:00',
      '2026-12-02 23:00',
    ]);
  });

  it('keeps the moved wall clock for whole-day intervals, across DST', () => {
    const start = parseStartDate('2026-03-06 23:00', NY, NOW);
    const plan = planCampaign(
      input({
        start,
        timezone: NY,
        interval: parseInterval('1d'),
        clips: clips(4),
        window: parseWindow('09:00-22:00'),
      }),
    );
    expect(localTimes(plan, NY)).toEqual([
      '2026-03-07 09:00',
      '2026-03-08 09:00',
      '2026-03-09 09:00',
      '2026-03-10 09:00',
    ]);
    expect(plan.posts.filter((p) => p.shifted)).toHaveLength(1);
  });
});

describe('planCampaign order', () => {
  const viralClips = [
    { clipId: 1, viralPotential: 5 },
    { clipId: 2, viralPotential: null },
    { clipId: 3, viralPotential: 9 },
    { clipId: 4 },
    { clipId: 5, viralPotential: 5 },
    { clipId: 6, viralPotential: Number.NaN },
    { clipId: 7, viralPotential: 9 },
    { clipId: 8, viralPotential: 0 },
  ];

  it('orders by viral potential descending, ties in file order, missing values last in file order', () => {
    const plan = planCampaign(input({ clips: viralClips, order: 'viral' }));
    expect(plan.posts.map((p) => p.clipId)).toEqual([3, 7, 1, 5, 8, 2, 4, 6]);
    expect(plan.posts.map((p) => p.slot)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps file order under file', () => {
    const plan = planCampaign(input({ clips: viralClips, order: 'file' }));
    expect(plan.posts.map((p) => p.clipId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('planCampaign stagger', () => {
  const targets: PlanInput['targets'] = [
    { accountId: '@tt', platform: 'tiktok' },
    { accountId: 'ig1', platform: 'instagram' },
    { accountId: '@yt', platform: 'youtube' },
  ];

  it('offsets the k-th target by k × stagger', () => {
    const plan = planCampaign(input({ targets, stagger: parseInterval('15m'), clips: clips(2) }));
    expect(plan.posts.map((p) => [p.clipId, p.platform, local(p.scheduledAt, MADRID)])).toEqual([
      [1, 'tiktok', '2026-12-01 09:00'],
      [1, 'instagram', '2026-12-01 09:15'],
      [1, 'youtube', '2026-12-01 09:30'],
      [2, 'tiktok', '2026-12-01 13:00'],
      [2, 'instagram', '2026-12-01 13:15'],
      [2, 'youtube', '2026-12-01 13:30'],
    ]);
    expect(plan.posts.every((p) => p.shifted === undefined)).toBe(true);
  });

  it('moves a staggered post that leaves the window, without moving the slot chain', () => {
    const start = parseStartDate('2026-12-01 21:00', MADRID, NOW);
    const plan = planCampaign(
      input({
        start,
        targets,
        stagger: parseInterval('45m'),
        clips: clips(1),
        window: parseWindow('09:00-22:00'),
      }),
    );
    expect(plan.posts.map((p) => [p.platform, local(p.scheduledAt, MADRID)])).toEqual([
      ['tiktok', '2026-12-01 21:00'],
      ['instagram', '2026-12-01 21:45'],
      ['youtube', '2026-12-02 09:00'],
    ]);
    expect(plan.posts[2]!.shifted).toEqual({
      from: Date.UTC(2026, 11, 1, 21, 30),
      reason: 'stagger put it outside the daily window 09:00-22:00',
    });
    expect(plan.notes).toHaveLength(1);
    expect(plan.notes[0]).toContain(
      'clip 1 on youtube (@yt) moved from 2026-12-01 22:30 GMT+1 to 2026-12-02 09:00 GMT+1',
    );
  });

  it('keeps the wall clock for a whole-day stagger across DST', () => {
    const start = parseStartDate('2026-03-07 09:00', NY, NOW);
    const plan = planCampaign(
      input({ start, timezone: NY, targets, stagger: parseInterval('1d'), clips: clips(1) }),
    );
    expect(plan.posts.map((p) => local(p.scheduledAt, NY))).toEqual([
      '2026-03-07 09:00',
      '2026-03-08 09:00',
      '2026-03-09 09:00',
    ]);
  });
});

describe('planCampaign ordering of posts', () => {
  it('sorts by scheduledAt, then clipId, then target order', () => {
    // Slots at 16:00Z, 00:00Z, 08:00Z. YouTube allows 1 per Pacific day: clip 2's youtube post
    // (16:00 PT, same Pacific day as clip 1) is pushed to Pacific midnight, 08:00Z, which is clip 3's
    // slot, so clip 2 (youtube) and clip 3 (tiktok) share 08:00Z and clip 2 comes first.
    const plan = planCampaign(
      input({
        start: Date.UTC(2026, 11, 1, 16),
        interval: parseInterval('8h'),
        timezone: 'UTC',
        targets: [
          { accountId: '@tt', platform: 'tiktok' },
          { accountId: '@yt', platform: 'youtube' },
        ],
        quotas: { youtube: { perWindow: 1, window: 'pacificDay' } },
      }),
    );
    const at8 = plan.posts.filter((p) => p.scheduledAt === Date.UTC(2026, 11, 2, 8));
    expect(at8.map((p) => [p.clipId, p.platform])).toEqual([
      [2, 'youtube'],
      [3, 'tiktok'],
    ]);
    expect(isSorted(plan.posts)).toBe(true);
  });
});

describe('planCampaign validation', () => {
  const code = (i: PlanInput): string => {
    try {
      planCampaign(i);
    } catch (error) {
      if (error instanceof InputError) return error.code;
      throw error;
    }
    return 'none';
  };

  it('rejects bad input with InputError codes', () => {
    expect(code(input({ timezone: 'Mars/Base' }))).toBe('TIMEZONE_INVALID');
    expect(code(input({ targets: [] }))).toBe('PLAN_NO_TARGETS');
    expect(
      code(
        input({
          targets: [
            { accountId: 'a', platform: 'tiktok' },
            { accountId: 'a', platform: 'tiktok' },
          ],
        }),
      ),
    ).toBe('PLAN_TARGET_DUPLICATE');
    expect(code(input({ targets: [{ accountId: 'a', platform: 'myspace' as 'tiktok' }] }))).toBe(
      'PLAN_TARGET_INVALID',
    );
    expect(code(input({ interval: { days: 0, ms: 0 } }))).toBe('INTERVAL_INVALID');
    expect(code(input({ interval: { days: -1, ms: 0 } }))).toBe('INTERVAL_INVALID');
    expect(code(input({ interval: { days: 0, ms: 1.5 } }))).toBe('INTERVAL_INVALID');
    expect(code(input({ stagger: { days: 0, ms: -1 } }))).toBe('INTERVAL_INVALID');
    expect(code(input({ start: Number.NaN }))).toBe('START_DATE_INVALID');
    expect(code(input({ clips: [{ clipId: 1 }, { clipId: 2 }, { clipId: 1 }] }))).toBe('PLAN_CLIP_DUPLICATE');
    expect(code(input({ quotas: { tiktok: { perWindow: 0, window: 'rolling24h' } } }))).toBe(
      'PLAN_QUOTA_INVALID',
    );
    expect(code(input({ quotas: { tiktok: { perWindow: 2, window: 'weekly' as 'localDay' } } }))).toBe(
      'PLAN_QUOTA_INVALID',
    );
  });

  it('allows the same account id on two platforms', () => {
    expect(
      code(
        input({
          targets: [
            { accountId: 'a', platform: 'tiktok' },
            { accountId: 'a', platform: 'instagram' },
          ],
        }),
      ),
    ).toBe('none');
  });
});
