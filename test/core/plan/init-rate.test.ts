import { describe, expect, it } from 'vitest';
import { parseInterval } from '../../../src/core/plan/interval.js';
import { planCampaign, type PlanInput } from '../../../src/core/plan/plan-campaign.js';
import { clips } from './plan-helpers.js';

const START = Date.UTC(2026, 11, 1, 9, 0, 0);

function plan(interval: string, n: number, targets: PlanInput['targets'] = [{ accountId: '@tt', platform: 'tiktok' }]) {
  return planCampaign({ clips: clips(n), targets, start: START, interval: parseInterval(interval), timezone: 'UTC', order: 'file', quotas: {} });
}

describe('planner: TikTok init limit (6 per minute per account)', () => {
  it('warns when the interval puts more than 6 TikTok posts of one account in a minute, with how late they go', () => {
    const notes = plan('5s', 10).notes.filter((n) => n.startsWith('TikTok allows 6 video/init'));
    expect(notes).toHaveLength(1);
    // Posts at 0…45 s: the 7th (30 s) waits for the 1st to leave the minute (60 s), and so on: 10 s × … late.
    expect(notes[0]).toContain('4 post(s) of tiktok (@tt) from 2026-12-01 09:00:30');
    expect(notes[0]).toContain('up to 30 s late');
  });

  it('stays silent at 10 s or more, and for other platforms', () => {
    expect(plan('10s', 20).notes.filter((n) => n.includes('video/init'))).toEqual([]);
    expect(plan('1s', 20, [{ accountId: '@yt', platform: 'youtube' }]).notes.filter((n) => n.includes('video/init'))).toEqual([]);
  });
});
