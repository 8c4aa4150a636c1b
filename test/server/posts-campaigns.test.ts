import { afterEach, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../src/core/ports/store.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

interface PostJson {
  id: string;
  state: string;
  platform: string;
  accountId: string;
  campaignId: string;
  scheduledAt: string;
}

async function seeded(clips: number): Promise<{ f: ServerFixture; tiktok: AccountRecord; youtube: AccountRecord; campaignId: string }> {
  const fx = await serverFixture({ expectWorker: false });
  const now = fx.clock.now();
  const tiktok = accountFixture('tiktok', '@tt', now);
  const youtube = accountFixture('youtube', '@yt', now);
  await fx.app.store.insertAccount(tiktok);
  await fx.app.store.insertAccount(youtube);
  const input = campaignFixture([tiktok, youtube], clips, now + 3_600_000);
  await fx.app.store.createCampaign(input, now);
  return { f: fx, tiktok, youtube, campaignId: input.campaign.id };
}

describe('GET /posts', () => {
  it('pages through every post once, in planned order, with the cursor', async () => {
    const s = await seeded(25);
    f = s.f;
    const seen: PostJson[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/posts?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await f.server.inject({ url, headers: f.auth });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { posts: PostJson[]; nextCursor: string | null };
      expect(page.posts.length).toBeLessThanOrEqual(7);
      seen.push(...page.posts);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(8);
    expect(seen).toHaveLength(50);
    expect(new Set(seen.map((p) => p.id)).size).toBe(50);
    const times = seen.map((p) => Date.parse(p.scheduledAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('filters by platform, account, campaign and state', async () => {
    const s = await seeded(4);
    f = s.f;
    const get = async (q: string) => ((await f!.server.inject({ url: `/posts?${q}`, headers: f!.auth })).json() as { posts: PostJson[] }).posts;
    expect((await get('platform=tiktok')).every((p) => p.platform === 'tiktok')).toBe(true);
    expect(await get('platform=tiktok')).toHaveLength(4);
    expect(await get(`account=${s.youtube.id}`)).toHaveLength(4);
    expect(await get(`campaign=${s.campaignId}`)).toHaveLength(8);
    expect(await get('campaign=camp_other')).toHaveLength(0);
    const [first] = await get('platform=youtube');
    await f.server.inject({ method: 'POST', url: `/posts/${first?.id}/cancel`, headers: f.auth });
    expect((await get('state=cancelled')).map((p) => p.id)).toEqual([first?.id]);
    expect(await get('state=scheduled,cancelled')).toHaveLength(8);
    expect((await f.server.inject({ url: '/posts?platform=myspace', headers: f.auth })).statusCode).toBe(400);
  });

  it('refuses a cursor it did not issue with a 400 problem', async () => {
    const s = await seeded(1);
    f = s.f;
    const res = await f.server.inject({ url: '/posts?cursor=garbage', headers: f.auth });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'https://clipcast.dev/problems/bad-cursor', status: 400 });
  });
});

describe('a post', () => {
  it('shows its ledger, reschedules, cancels, and refuses changes its state forbids', async () => {
    const s = await seeded(2);
    f = s.f;
    const [post] = (await s.f.app.store.listPosts({ limit: 1 })).posts;
    const id = post?.id ?? '';
    const at = '2025-12-03T10:30:00.000Z';
    const moved = await f.server.inject({ method: 'POST', url: `/posts/${id}/reschedule`, headers: f.auth, payload: { at } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ id, scheduledAt: at, state: 'scheduled' });
    expect((await f.server.inject({ method: 'POST', url: `/posts/${id}/reschedule`, headers: f.auth, payload: { at: 'tomorrow' } })).statusCode).toBe(400);
    expect((await f.server.inject({ method: 'POST', url: `/posts/${id}/cancel`, headers: f.auth })).json()).toMatchObject({ state: 'cancelled' });
    const again = await f.server.inject({ method: 'POST', url: `/posts/${id}/reschedule`, headers: f.auth, payload: { at } });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/problem\+json/);
    expect((await f.server.inject({ method: 'POST', url: `/posts/${id}/retry`, headers: f.auth })).statusCode).toBe(409);
    const detail = (await f.server.inject({ url: `/posts/${id}`, headers: f.auth })).json() as { post: PostJson; events: { type: string; postId: string }[] };
    expect(detail.post.state).toBe('cancelled');
    expect(detail.events.map((e) => e.type)).toEqual(expect.arrayContaining(['post.rescheduled', 'post.transition']));
    expect(detail.events.every((e) => e.postId === id)).toBe(true);
    const events = (await f.server.inject({ url: `/events?post=${id}`, headers: f.auth })).json() as unknown[];
    expect(events).toHaveLength(detail.events.length);
  });

  it('retries a failed post', async () => {
    const s = await seeded(1);
    f = s.f;
    const { store } = f.app;
    f.clock.advance(3_600_000);
    const [claimed] = await store.claimDuePosts({ owner: 'w1', now: f.clock.now(), leaseMs: 60_000, limit: 1 });
    expect(claimed).toBeDefined();
    await store.finishStep(claimed!.id, 'w1', { state: 'failed', lastError: { code: 'TIKTOK_INVALID', message: 'bad', kind: 'invalid', retryable: false }, events: [{ postId: claimed!.id, type: 'post.transition', data: { to: 'failed' } }] }, f.clock.now());
    const res = await f.server.inject({ method: 'POST', url: `/posts/${claimed!.id}/retry`, headers: f.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ state: 'scheduled', lastError: null, attempt: 0 });
  });
});

describe('campaigns', () => {
  it('lists, shows and cancels a campaign', async () => {
    const s = await seeded(3);
    f = s.f;
    const list = (await f.server.inject({ url: '/campaigns', headers: f.auth })).json() as { id: string; counts: Record<string, number> }[];
    expect(list.map((c) => c.id)).toEqual([s.campaignId]);
    expect(list[0]?.counts.scheduled).toBe(6);
    expect((await f.server.inject({ url: `/campaigns/${s.campaignId}`, headers: f.auth })).json()).toMatchObject({ id: s.campaignId, state: 'active', interval: '1m' });
    expect((await f.server.inject({ url: '/campaigns/camp_nope', headers: f.auth })).statusCode).toBe(404);
    const cancelled = await f.server.inject({ method: 'POST', url: `/campaigns/${s.campaignId}/cancel`, headers: f.auth });
    expect(cancelled.json()).toMatchObject({ cancelledPosts: 6, campaign: { state: 'cancelled' } });
    expect((await f.server.inject({ method: 'POST', url: '/campaigns/camp_nope/cancel', headers: f.auth })).statusCode).toBe(404);
  });
});
