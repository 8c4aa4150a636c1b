import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError, StateConflictError } from '../../src/core/ports/store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { storeTargets } from '../helpers/store-targets.js';

const targets = await storeTargets();
const T0 = Date.UTC(2025, 11, 1, 9, 0, 0);

describe.each(targets)('Store contract on $name', (target) => {
  let store: KyselyStore;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
  });
  afterEach(async () => cleanup());

  async function seed(clips = 3) {
    const tiktok = accountFixture('tiktok', '@one', T0);
    const youtube = accountFixture('youtube', '@chan', T0);
    await store.insertAccount(tiktok);
    await store.insertAccount(youtube);
    const input = campaignFixture([tiktok, youtube], clips, T0);
    const { campaign } = await store.createCampaign(input, T0);
    return { tiktok, youtube, input, campaign };
  }

  it('creates a campaign with its clips and posts, and finds it again by fingerprint', async () => {
    const { input, campaign } = await seed();
    const { posts } = await store.listPosts({ campaignId: campaign.id });
    expect(posts).toHaveLength(6);
    expect(posts.every((p) => p.state === 'scheduled')).toBe(true);
    const again = await store.createCampaign({ ...input, campaign: { ...input.campaign, id: 'other' } }, T0);
    expect(again.created).toBe(false);
    expect(again.campaign.id).toBe(campaign.id);
    expect((await store.listPosts({})).posts).toHaveLength(6);
  });

  it('writes nothing of a campaign that fails half-way', async () => {
    const a = accountFixture('tiktok', '@one', T0);
    await store.insertAccount(a);
    const input = campaignFixture([a], 3, T0);
    input.posts[2]!.id = input.posts[0]!.id; // duplicate primary key on the third post
    await expect(store.createCampaign(input, T0)).rejects.toThrow();
    expect(await store.listCampaigns()).toHaveLength(0);
    expect((await store.listPosts({})).posts).toHaveLength(0);
    expect(await store.listEvents({})).toHaveLength(1); // only account.added
  });

  it('claims only due posts, each by one worker, and moves them to preparing', async () => {
    await seed();
    const first = await store.claimDuePosts({ owner: 'w1', now: T0, leaseMs: 30_000, limit: 10 });
    expect(first.map((p) => p.clipId)).toEqual([1, 1]);
    expect(first.every((p) => p.state === 'preparing' && p.leaseOwner === 'w1')).toBe(true);
    expect(await store.claimDuePosts({ owner: 'w2', now: T0, leaseMs: 30_000, limit: 10 })).toHaveLength(0);
    expect(await store.nextWakeAt()).toBe(T0 + 30_000);
  });

  it('summarises the queue for a status line: due now, the next due time, counts by state', async () => {
    await seed();
    const later = Math.min(...(await store.listPosts({})).posts.map((p) => p.scheduledAt).filter((t) => t > T0));
    expect(await store.queueSummary(T0)).toEqual({ dueNow: 2, nextAt: later, counts: { scheduled: 6 } });
    await store.claimDuePosts({ owner: 'w1', now: T0, leaseMs: 30_000, limit: 10 });
    expect(await store.queueSummary(T0)).toEqual({ dueNow: 0, nextAt: later, counts: { scheduled: 4, preparing: 2 } });
  });

  it('gives disjoint posts to concurrent claimers', async () => {
    await seed(20);
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => store.claimDuePosts({ owner: `w${i}`, now: T0 + 3_600_000, leaseMs: 30_000, limit: 7 })),
    );
    const ids = results.flat().map((p) => p.id);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids).toHaveLength(28);
  });

  it('hands a post whose lease expired to another worker, which resumes its state', async () => {
    await seed(1);
    const [p] = await store.claimDuePosts({ owner: 'w1', now: T0, leaseMs: 10_000, limit: 1 });
    await store.finishStep(p!.id, 'w1', { state: 'uploading', keepLease: true, events: [{ type: 'step', data: {} }] }, T0);
    await store.checkpoint(p!.id, 'w1', { upload: { protocol: 'x', url: 'http://u', totalBytes: 100, bytesAcked: 40, chunkSize: 20 } }, T0);
    expect(await store.claimDuePosts({ owner: 'w2', now: T0 + 5_000, leaseMs: 10_000, limit: 5 })).toHaveLength(1); // the other account's post
    const [again] = await store.claimDuePosts({ owner: 'w2', now: T0 + 10_001, leaseMs: 10_000, limit: 5 });
    expect(again).toMatchObject({ id: p!.id, state: 'uploading', leaseOwner: 'w2' });
    expect((await store.getUploadSession(p!.id))?.bytesAcked).toBe(40);
    await expect(store.checkpoint(p!.id, 'w1', { remote: { x: 1 } }, T0)).rejects.toBeInstanceOf(LeaseLostError);
    const events = await store.listEvents({ postId: p!.id });
    expect(events.map((e) => e.type)).toContain('post.lease_recovered');
  });

  it('returns a post from retry_wait to the step it failed in', async () => {
    await seed(1);
    const [p] = await store.claimDuePosts({ owner: 'w1', now: T0, leaseMs: 10_000, limit: 1 });
    await store.finishStep(p!.id, 'w1', { state: 'processing', keepLease: true, events: [] }, T0);
    await store.finishStep(p!.id, 'w1', { state: 'retry_wait', nextAttemptAt: T0 + 5_000, attempt: 1, events: [] }, T0);
    expect(await store.claimDuePosts({ owner: 'w1', now: T0 + 4_000, leaseMs: 10_000, limit: 5 })).toHaveLength(1); // only the other account's
    const [again] = (await store.claimDuePosts({ owner: 'w1', now: T0 + 5_000, leaseMs: 10_000, limit: 5 })).filter((x) => x.id === p!.id);
    expect(again?.state).toBe('processing');
    expect(again?.attempt).toBe(1);
  });

  it('pages posts with a cursor', async () => {
    await seed(5);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listPosts({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.posts.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    await expect(store.listPosts({ cursor: 'garbage' })).rejects.toBeInstanceOf(StateConflictError);
  });

  it('reschedules, cancels and retries only in the allowed states', async () => {
    const { campaign } = await seed(1);
    const { posts } = await store.listPosts({ campaignId: campaign.id });
    const moved = await store.reschedulePost(posts[0]!.id, T0 + 999_000, T0);
    expect(moved.scheduledAt).toBe(T0 + 999_000);
    const cancelled = await store.cancelPost(posts[0]!.id, T0);
    expect(cancelled.state).toBe('cancelled');
    await expect(store.reschedulePost(posts[0]!.id, T0, T0)).rejects.toBeInstanceOf(StateConflictError);
    await expect(store.retryPost(posts[1]!.id, T0)).rejects.toBeInstanceOf(StateConflictError);
    expect(await store.cancelCampaign(campaign.id, T0)).toBe(1);
  });

  it('keeps a keyed ledger that verifies (tampering: test/store/ledger-tamper.test.ts)', async () => {
    await seed(2);
    const ok = await store.verifyLedger();
    expect(ok).toMatchObject({ ok: true });
    expect(ok.count).toBeGreaterThan(4);
  });

  it('reserves quota within the limit only', async () => {
    expect(await store.reserveQuota('youtube:proj', '2025-12-01', 1, 2)).toBe(true);
    expect(await store.reserveQuota('youtube:proj', '2025-12-01', 1, 2)).toBe(true);
    expect(await store.reserveQuota('youtube:proj', '2025-12-01', 1, 2)).toBe(false);
    expect(await store.quotaUsed('youtube:proj', '2025-12-01')).toBe(2);
    await store.releaseQuota('youtube:proj', '2025-12-01', 1);
    expect(await store.quotaUsed('youtube:proj', '2025-12-01')).toBe(1);
    await store.releaseQuota('youtube:proj', '2025-12-01', 5);
    expect(await store.quotaUsed('youtube:proj', '2025-12-01')).toBe(0);
    await store.releaseQuota('youtube:proj', '2025-12-02', 1); // nothing reserved that day: no row, no error
    expect(await store.quotaUsed('youtube:proj', '2025-12-02')).toBe(0);
    expect(await store.reserveQuota('youtube:proj', '2025-12-03', 3, 2)).toBe(false); // more than the window holds
    expect(await store.quotaUsed('youtube:proj', '2025-12-03')).toBe(0);
  });

  it('reserves quota from many workers at once without a collision or a lost update', async () => {
    // Two workers on PostgreSQL once both inserted the first row of a window (unique violation) and
    // could both update from the same read; 20 concurrent reservations of a 7-unit window must give 7.
    const results = await Promise.all(Array.from({ length: 20 }, () => store.reserveQuota('youtube:race', '2025-12-01', 1, 7)));
    expect(results.filter(Boolean)).toHaveLength(7);
    expect(await store.quotaUsed('youtube:race', '2025-12-01')).toBe(7);
    await Promise.all(Array.from({ length: 5 }, () => store.releaseQuota('youtube:race', '2025-12-01', 1)));
    expect(await store.quotaUsed('youtube:race', '2025-12-01')).toBe(2);
  });

  it('pauses and resumes the posts of an account', async () => {
    const { tiktok } = await seed(2);
    const claimed = await store.claimDuePosts({ owner: 'w', now: T0 + 3_600_000, leaseMs: 1000, limit: 10 });
    for (const p of claimed.filter((x) => x.accountId === tiktok.id)) {
      await store.finishStep(p.id, 'w', { state: 'needs_reauth', events: [] }, T0);
    }
    expect(await store.resumeAccountPosts(tiktok.id, T0 + 1)).toBe(2);
    expect((await store.listPosts({ accountId: tiktok.id, state: 'scheduled' })).posts).toHaveLength(2);
  });
});
