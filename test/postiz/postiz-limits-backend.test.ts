import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCampaign } from '../../src/core/campaigns/create-campaign.js';
import { prepareCampaign } from '../../src/core/campaigns/prepare-campaign.js';
import type { PostRecord } from '../../src/core/ports/store.js';
import { probeMp4 } from '../../src/media/probe.js';
import { EXAMPLE_CAMPAIGN, makeCliperFolder } from '../helpers/cliper-fixtures.js';
import { backendHarness, HOUR, START, type BackendHarness } from './postiz-backend-harness.js';

let h: BackendHarness;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const posts = async (campaignId: string): Promise<PostRecord[]> => (await h.app.store.listPosts({ campaignId, limit: 1000 })).posts;
const requests = (method: string, path: string) => h.emu.server.requests.filter((r) => r.method === method && r.path === path);

/** A CLIPER folder whose clips carry the given captions. */
async function captionedCampaign(copies: string[]): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'clipcast-postiz-captions-'));
  await makeCliperFolder(d, {
    json: {
      video_id: 'Captions', generated_at: '2026-01-01 00:00:00.000000', model: 'test', total_clips: copies.length, style: 'auto-classified',
      clips: copies.map((copy, i) => ({ clip_id: i + 1, copy, metadata: { sentiment: 'educational', engagement_score: 7, viral_potential: 5 } })),
    },
  });
  return d;
}

/** Publishes everything: the clock jumps past every planned time, then the worker follows. */
async function publishAll(campaignId: string): Promise<PostRecord[]> {
  h.clock.set(Math.max(...(await posts(campaignId)).map((p) => p.scheduledAt)) + 1_000);
  await h.engine().runDue();
  return posts(campaignId);
}

describe('Postiz limits and content through the worker (emulator over HTTP, real SQLite, fake clock)', () => {
  it('publishes a caption with &, < and > as written: sent as editor HTML, exactly one post per channel', async () => {
    h = await backendHarness();
    dir = await captionedCampaign(['Tom & Jerry <3 #cartoons', 'a > b && b < c\nsecond line #logic']);
    const campaignId = await h.campaign(dir, [h.accountIds.tiktok, h.accountIds.youtube]);
    await h.engine().runDue();
    const done = await publishAll(campaignId);
    expect(done.map((p) => p.state)).toEqual(Array(4).fill('published'));
    const pubs = h.emu.published();
    expect(pubs).toHaveLength(4);
    for (const p of done) {
      const pub = pubs.filter((x) => x.postId === p.remote.postizPostId);
      expect(pub).toHaveLength(1);
      expect(pub[0]!.text).toBe(p.content.caption);
    }
    const tiktok = pubs.filter((p) => p.provider === 'tiktok').map((p) => p.text);
    expect(tiktok.some((t) => t.startsWith('Tom & Jerry <3'))).toBe(true);
    expect(tiktok.some((t) => t.startsWith('a > b && b < c\nsecond line'))).toBe(true);
    expect(pubs.every((p) => !p.text.includes('&amp;') && !p.text.includes('&lt;') && !p.text.includes('<p>'))).toBe(true);
  });

  it('a server with a lower API_LIMIT: its X-RateLimit headers stop sending at Remaining 0, never a 429, then one post per clip', async () => {
    // The server's API_LIMIT is 3; clipcast is configured with the compose default (30).
    h = await backendHarness({ emulator: { postsPerHour: 3 } });
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok, h.accountIds.instagram]);
    await h.engine().runDue();
    expect(requests('POST', '/public/v1/posts')).toHaveLength(3);
    expect(h.emu.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    let all = await posts(campaignId);
    const deferred = all.filter((p) => p.state === 'deferred');
    expect(deferred).toHaveLength(2); // the fourth clip on both channels
    expect(deferred.every((p) => p.lastError?.code === 'POSTIZ_PACED' && p.attempt === 0)).toBe(true);
    // Deferred to the end of the server's window as its X-RateLimit-Reset told it, plus the margin.
    expect(new Set(deferred.map((p) => p.nextAttemptAt))).toEqual(new Set([START + HOUR + 5_000]));
    // Uploaded only when about to be sent: the deferred clip is not uploaded yet.
    expect(requests('POST', '/public/v1/upload')).toHaveLength(3);

    h.clock.set(START + HOUR + 5_000);
    await h.engine().runDue();
    expect(requests('POST', '/public/v1/posts')).toHaveLength(4);
    all = await publishAll(campaignId);
    expect(all.every((p) => p.state === 'published')).toBe(true);
    const pubs = h.emu.published();
    expect(pubs).toHaveLength(8);
    expect(new Set(pubs.map((p) => p.postId)).size).toBe(8);
    expect(h.emu.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(requests('POST', '/public/v1/upload')).toHaveLength(4);
  });

  it('respects Remaining when another client of the organization spent the budget (API_LIMIT 10 configured by env)', async () => {
    h = await backendHarness({ emulator: { postsPerHour: 10 }, apiLimitEnv: 10 });
    expect(h.app.config.postizApiLimit).toBe(10);
    for (let i = 0; i < 8; i++) expect(h.emu.limiter.hit(h.emu.orgId, START).allowed).toBe(true);
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.youtube]);
    await h.engine().runDue();
    // Our history shows 0 sends; the server's Remaining (1 after the first send, 0 after the second) rules.
    expect(requests('POST', '/public/v1/posts')).toHaveLength(2);
    expect(h.emu.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect((await posts(campaignId)).filter((p) => p.state === 'deferred')).toHaveLength(2);
  });

  it('uploads each clip once per campaign even when its channels post at different times', async () => {
    h = await backendHarness();
    const targets = [h.accountIds.tiktok, h.accountIds.instagram, h.accountIds.youtube];
    const preview = await prepareCampaign(
      { accounts: h.app.accounts, store: h.app.store, now: () => h.clock.now(), probe: (f) => probeMp4(f), defaultTimezone: 'UTC' },
      { source: EXAMPLE_CAMPAIGN, targets: [targets.join(',')], startDate: new Date(START + HOUR).toISOString(), interval: '1h', stagger: '10m', timezone: 'UTC', backend: 'postiz' },
    );
    const { campaign } = await createCampaign({ store: h.app.store, now: () => h.clock.now(), newId: h.app.newId, importMedia: (f) => h.app.media.importFile(f) }, preview);
    await h.engine().runDue();
    // 4 clips × 3 staggered channels: 12 submissions (one per slot), 4 uploads (one per clip).
    expect(requests('POST', '/public/v1/posts')).toHaveLength(12);
    expect(requests('POST', '/public/v1/upload')).toHaveLength(4);
    const media = new Set([...h.emu.store.posts.values()].map((p) => p.image[0]!.path));
    expect(media.size).toBe(4);
    const done = await publishAll(campaign.id);
    expect(done.every((p) => p.state === 'published')).toBe(true);
    expect(h.emu.published()).toHaveLength(12);
    expect(new Set(h.emu.published().map((p) => p.postId)).size).toBe(12);
  });

  it('follows a clip on three channels with one GET /posts per clip', async () => {
    h = await backendHarness();
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok, h.accountIds.instagram, h.accountIds.youtube]);
    await h.engine().runDue();
    const before = requests('GET', '/public/v1/posts').length;
    const done = await publishAll(campaignId);
    expect(done.map((p) => p.state)).toEqual(Array(12).fill('published'));
    expect(requests('GET', '/public/v1/posts').length - before).toBe(4);
    expect(h.emu.published()).toHaveLength(12);
  });
});
