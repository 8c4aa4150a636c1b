import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError, StateConflictError } from '../../src/core/ports/store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { openTestStore, storeTargets } from '../helpers/store-targets.js';

const targets = await storeTargets();
const T0 = Date.UTC(2025, 11, 1, 9, 0, 0);

describe.each(targets)('Store contract on $name', (target) => {
  let store: KyselyStore;
  let url: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, url, cleanup } = await target.open());
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

  it('wakes at the earliest due time or lease expiry, whichever comes first for each post', async () => {
    await seed(3); // two posts due at T0, two at T0 + 60 s, two at T0 + 120 s
    expect(await store.nextWakeAt()).toBe(T0);
    await store.claimDuePosts({ owner: 'w1', now: T0, leaseMs: 90_000, limit: 10 });
    expect(await store.nextWakeAt()).toBe(T0 + 60_000); // the next due post comes before the leases expire
    const [second] = await store.claimDuePosts({ owner: 'w1', now: T0 + 60_000, leaseMs: 10_000, limit: 10 });
    expect(await store.nextWakeAt()).toBe(T0 + 70_000); // every preparing post is leased: the earliest expiry
    await store.finishStep(second!.id, 'w1', { state: 'processing', nextAttemptAt: T0 + 65_000, events: [] }, T0 + 60_000);
    expect(await store.nextWakeAt()).toBe(T0 + 65_000);
    const all = await store.claimDuePosts({ owner: 'w2', now: T0 + 200_000, leaseMs: 1_000, limit: 10 });
    expect(all).toHaveLength(6);
    expect(await store.nextWakeAt()).toBe(T0 + 201_000);
  });

  it('merges checkpoint patches into the remote state as an object spread does', async () => {
    await seed(1);
    const [p] = await store.claimDuePosts({ owner: 'w', now: T0, leaseMs: 10_000, limit: 1 });
    await store.checkpoint(p!.id, 'w', { remote: { a: 1, b: 'two', c: { deep: [1, 2] }, gone: true } }, T0);
    await store.checkpoint(p!.id, 'w', { remote: { b: null, gone: undefined, d: 'üñí "quoted"', big: 1_764_000_000_123 } }, T0);
    expect((await store.getPost(p!.id))?.remote).toEqual({ a: 1, b: null, c: { deep: [1, 2] }, d: 'üñí "quoted"', big: 1_764_000_000_123 });
    await expect(store.checkpoint(p!.id, 'other', { remote: { a: 2 }, upload: { protocol: 'x', url: 'http://u', totalBytes: 9, bytesAcked: 0, chunkSize: 9 } }, T0)).rejects.toBeInstanceOf(LeaseLostError);
    expect((await store.getPost(p!.id))?.remote).toMatchObject({ a: 1 });
    expect(await store.getUploadSession(p!.id)).toBeNull(); // a refused checkpoint writes nothing
    const upload = { protocol: 'x', url: 'http://u?token=1', totalBytes: 100, bytesAcked: 20, chunkSize: 20, expiresAt: T0 + 1 };
    await store.checkpoint(p!.id, 'w', { remote: { a: 3 }, upload, event: { type: 'both' } }, T0);
    await store.checkpoint(p!.id, 'w', { upload: { ...upload, bytesAcked: 40 } }, T0);
    expect(await store.getUploadSession(p!.id)).toEqual({ ...upload, bytesAcked: 40 });
    await store.checkpoint(p!.id, 'w', { upload: null }, T0);
    expect(await store.getUploadSession(p!.id)).toBeNull();
    const done = await store.finishStep(p!.id, 'w', { state: 'processing', remotePatch: { a: 4, gone: undefined }, events: [] }, T0);
    expect(done.remote).toEqual({ a: 4, b: null, c: { deep: [1, 2] }, d: 'üñí "quoted"', big: 1_764_000_000_123 });
  });

  // With events the writes share transactions and ledger appends; without, the first runs as its one statement.
  it.each([true, false])('fails only the write that fails when writes queued together share a transaction (with ledger events: %s)', async (withEvents) => {
    await seed(4);
    const posts = await store.claimDuePosts({ owner: 'w', now: T0 + 3_600_000, leaseMs: 60_000, limit: 8 });
    const before = (await store.verifyLedger()).count;
    const bad = { protocol: 'x', url: 'http://u', totalBytes: Number.NaN, bytesAcked: 0, chunkSize: 1 }; // refused by the database
    const results = await Promise.allSettled(
      posts.map((p, i) => store.checkpoint(p.id, 'w', { remote: { i }, ...(i === 5 ? { upload: bad } : {}), ...(withEvents ? { event: { type: 'cp', data: { i } } } : {}) }, T0)),
    );
    expect(results.map((r) => r.status)).toEqual(posts.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
    expect((await store.getPost(posts[5]!.id))?.remote).not.toHaveProperty('i');
    for (const i of [0, 6]) expect((await store.getPost(posts[i]!.id))?.remote).toMatchObject({ i });
    const verdict = await store.verifyLedger();
    expect(verdict).toMatchObject({ ok: true, count: before + (withEvents ? posts.length - 1 : 0) });
  });

  it('keeps one ledger chain while two processes claim, write steps and append at once', async () => {
    await seed(10);
    // SQLite: a second store in this process would block it (the driver waits synchronously on the
    // file lock), so both "processes" share one store there; PostgreSQL gets a second pool.
    const other = target.name === 'postgres' ? await openTestStore(url) : store;
    try {
      const before = (await store.verifyLedger()).count;
      const [mine, theirs] = await Promise.all([
        store.claimDuePosts({ owner: 'a', now: T0 + 3_600_000, leaseMs: 60_000, limit: 10 }),
        other.claimDuePosts({ owner: 'b', now: T0 + 3_600_000, leaseMs: 60_000, limit: 10 }),
      ]);
      expect(mine.length + theirs.length).toBe(20);
      await Promise.all([
        ...mine.map((p, i) => store.finishStep(p.id, 'a', { state: 'uploading', keepLease: true, events: [{ type: 'step', data: { i } }, { type: 'step.more', data: { i } }] }, T0 + i)),
        ...theirs.map((p, i) => other.finishStep(p.id, 'b', { state: 'uploading', keepLease: true, events: [{ type: 'step', data: { i } }] }, T0 + i)),
        ...mine.map((p) => store.checkpoint(p.id, 'a', { remote: { x: 1 }, event: { type: 'cp' } }, T0)),
        ...theirs.map((p) => other.checkpoint(p.id, 'b', { remote: { x: 2 }, event: { type: 'cp' } }, T0)),
        ...theirs.map((p) => store.checkpoint(p.id, 'a', { event: { type: 'not mine' } }, T0).then(() => 'written', (e: unknown) => e)),
        ...Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).appendEvents([{ type: 'race', data: { i } }], T0)),
      ]).then((results) => expect(results.filter((r) => r instanceof LeaseLostError)).toHaveLength(theirs.length));
      const verdict = await store.verifyLedger();
      expect(verdict).toMatchObject({ ok: true });
      // 20 claims, 2 per own step + 1 per theirs, 20 checkpoints, 10 appends; the refused writes wrote nothing.
      expect(verdict.count - before).toBe(20 + 2 * mine.length + theirs.length + 20 + 10);
      expect((await store.getPost(theirs[0]!.id))?.remote).toMatchObject({ x: 2 });
    } finally {
      if (other !== store) await other.close();
    }
  });

  it('summarises the queue for a status line: due now, the next due time, counts by state', async () => {
    await seed();
    const later = Math.min(...(await store.listPosts({})).posts.map((p) => p.scheduledAt).filter((t) => t > T0));
    expect(await store.queueSummary(T0)).toEqual({ dueNow: 2, nextAt: later, counts: { scheduled: 6 } });
    await store.claimDuePosts({ owner: 'w1', now: T0, leaseMs: 30_000, limit: 10 });
    expect(await store.queueSummary(T0)).toEqual({ dueNow: 0, nextAt: later, counts: { scheduled: 4, preparing: 2 } });
  });

  it('tells whether any post is unsettled: not final and not waiting for a reconnect', async () => {
    expect(await store.hasUnsettledPosts()).toBe(false);
    await seed(3);
    expect(await store.hasUnsettledPosts()).toBe(true);
    const posts = (await store.listPosts({})).posts;
    const [claimed] = await store.claimDuePosts({ owner: 'w1', now: T0 + 3_600_000, leaseMs: 30_000, limit: 1 });
    await store.finishStep(claimed!.id, 'w1', { state: 'needs_reauth', events: [] }, T0);
    for (const p of posts.filter((p) => p.id !== claimed!.id)) await store.cancelPost(p.id, T0);
    expect(await store.hasUnsettledPosts()).toBe(false);
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

  it('appends any number of events in one call, storing each field exactly as given', async () => {
    const { tiktok } = await seed(1);
    const before = (await store.verifyLedger()).count;
    // More rows than one SQLite insert takes, and text that array literals and SQL quoting must escape.
    const awkward = ['a "quoted" {brace}, comma', 'back\\slash', 'NULL', '', "it's", 'émoji 🎬 ✓', 'new\nline'];
    const events = Array.from({ length: 1_203 }, (_, i) => ({
      type: `bench.${i % 3}`,
      accountId: i % 2 ? tiktok.id : undefined,
      data: { i, note: awkward[i % awkward.length] },
    }));
    await store.appendEvents(events, T0 + 5);
    const stored = (await store.listEvents({ limit: 100_000 })).slice(before);
    expect(stored).toHaveLength(events.length);
    stored.forEach((e, i) => {
      expect(e).toMatchObject({ type: events[i]!.type, accountId: events[i]!.accountId ?? null, postId: null, at: T0 + 5, data: events[i]!.data });
    });
    expect(await store.verifyLedger()).toMatchObject({ ok: true, count: before + events.length });
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
