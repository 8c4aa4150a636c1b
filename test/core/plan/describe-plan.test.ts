import { describe, expect, it } from 'vitest';
import { parseWindow } from '../../../src/core/plan/daily-window.js';
import { describePlan } from '../../../src/core/plan/describe-plan.js';
import { parseInterval } from '../../../src/core/plan/interval.js';
import { planCampaign } from '../../../src/core/plan/plan-campaign.js';

describe('describePlan', () => {
  it('prints local time, UTC, clip, platform and account, with the reason for moved posts', () => {
    const plan = planCampaign({
      clips: [{ clipId: 7 }, { clipId: 8 }],
      targets: [
        { accountId: '@me', platform: 'tiktok' },
        { accountId: '@chan', platform: 'youtube' },
      ],
      start: Date.UTC(2026, 2, 8, 0), // 2026-03-07 19:00 EST
      interval: parseInterval('4h'),
      timezone: 'America/New_York',
      order: 'file',
      window: parseWindow('09:00-22:00'),
      quotas: {},
    });
    expect(describePlan(plan, 'America/New_York')).toEqual([
      '2026-03-07 19:00 EST  (2026-03-08T00:00:00Z)  clip 7  tiktok @me',
      '2026-03-07 19:00 EST  (2026-03-08T00:00:00Z)  clip 7  youtube @chan',
      '2026-03-08 09:00 EDT  (2026-03-08T13:00:00Z)  clip 8  tiktok @me  [moved from 2026-03-07 23:00 EST: outside the daily window 09:00-22:00]',
      '2026-03-08 09:00 EDT  (2026-03-08T13:00:00Z)  clip 8  youtube @chan  [moved from 2026-03-07 23:00 EST: outside the daily window 09:00-22:00]',
    ]);
  });

  it('prints in the zone it is given', () => {
    const plan = planCampaign({
      clips: [{ clipId: 1 }],
      targets: [{ accountId: 'ig1', platform: 'instagram' }],
      start: Date.UTC(2026, 11, 1, 8),
      interval: parseInterval('1d'),
      timezone: 'Europe/Madrid',
      order: 'file',
      quotas: {},
    });
    expect(describePlan(plan, 'UTC')).toEqual([
      '2026-12-01 08:00 UTC  (2026-12-01T08:00:00Z)  clip 1  instagram ig1',
    ]);
  });

  it('says when nothing is planned', () => {
    expect(describePlan({ posts: [], notes: ['no clips to plan'] }, 'UTC')).toEqual(['no posts planned']);
  });
});
