import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { PostizClient } from '../../src/postiz/postiz-client.js';
import { sandboxPostizConfig } from '../../src/postiz/postiz-config.js';
import { PostizSubmitter } from '../../src/postiz/postiz-submit.js';
import { nextPostAt } from '../../src/postiz/postiz-pacer.js';
import { createPostizEmulator, type PostizEmulator } from '../../src/sandbox/postiz/postiz-emulator.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import { KyselySubmissionStore } from '../../src/store/postiz-submission-store.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres.js';
import { storeTargets } from '../helpers/store-targets.js';
import { settleSessions } from './pg-settle.js';
import { fixtureDir, mp4Bytes } from './postiz-fixtures.js';

// SQLite from the shared helper; PostgreSQL opened here so the cleanup can wait for closing sessions before the drop.
const targets = [
  ...(await storeTargets()).filter((t) => t.name === 'sqlite'),
  ...((await postgresAvailable())
    ? [{
        name: 'postgres' as const,
        async open() {
          const db = await createTestDatabase();
          const store = await openStore({ url: db.url });
          return { store, url: db.url, cleanup: async () => { await store.close(); await settleSessions(db.url); await db.drop(); } };
        },
      }]
    : []),
];
const T0 = Date.UTC(2025, 11, 1, 9, 0, 0);

describe.each(targets)('KyselySubmissionStore on $name', (target) => {
  let store: KyselyStore;
  let url: string;
  let cleanup: () => Promise<void>;
  let extra: KyselyStore[] = [];
  beforeEach(async () => {
    ({ store, url, cleanup } = await target.open());
    extra = [];
  });
  afterEach(async () => {
    for (const s of extra) await s.close();
    await cleanup();
  });
  /** A second process's store on the same database (PostgreSQL: its own pool of one connection). */
  const reopen = async () => {
    const s = await openStore({ url, ...(target.name === 'postgres' ? { poolSize: 1 } : {}) });
    extra.push(s);
    return s;
  };

  it('keeps media, intent, post ids, attempts and the send history durably', async () => {
    const subs = new KyselySubmissionStore(store, 'org-a', () => T0);
    expect(await subs.load('c1:clip1')).toBeUndefined();
    await subs.recordUpload('c1:clip1', { id: 'm1', path: 'https://uploads/x.mp4' });
    await subs.recordIntent('c1:clip1', { at: T0, date: T0 + 3_600_000, channelIds: ['ch1', 'ch2'] });
    expect(await subs.load('c1:clip1')).toEqual({
      clipKey: 'c1:clip1', media: { id: 'm1', path: 'https://uploads/x.mp4' }, postIds: {},
      intent: { at: T0, date: T0 + 3_600_000, channelIds: ['ch1', 'ch2'] },
    });
    // A new connection (a restarted process) sees the intent: it must reconcile before sending.
    const other = new KyselySubmissionStore(await reopen(), 'org-a', () => T0);
    expect((await other.load('c1:clip1'))?.intent?.channelIds).toEqual(['ch1', 'ch2']);

    await subs.recordResult('c1:clip1', { ch1: 'p1' }, { at: T0 + 1, reconciled: true });
    await subs.recordResult('c1:clip1', { ch2: 'p2' }, { at: T0 + 2, reconciled: false });
    const done = await other.load('c1:clip1');
    expect(done).toEqual({ clipKey: 'c1:clip1', media: { id: 'm1', path: 'https://uploads/x.mp4' }, postIds: { ch1: 'p1', ch2: 'p2' } });
    expect((await subs.list())[0]).toMatchObject({ state: 'submitted', attempts: 1, lastError: null });
  });

  it('a request without effect clears the intent but its send time still counts; history and blocks are per organization', async () => {
    const a = new KyselySubmissionStore(store, 'org-a', () => T0);
    const b = new KyselySubmissionStore(store, 'org-b', () => T0);
    await a.recordIntent('k1', { at: T0, date: T0 + 1, channelIds: ['x'] });
    await a.recordNoEffect('k1', { at: T0 + 5, code: 'POSTIZ_RATE_LIMITED' });
    await a.recordIntent('k1', { at: T0 + 10, date: T0 + 1, channelIds: ['x'] });
    await b.recordIntent('k2', { at: T0 + 20, date: T0 + 1, channelIds: ['y'] });
    expect((await a.load('k1'))?.intent?.at).toBe(T0 + 10);
    expect(await a.postAttempts(0)).toEqual([T0, T0 + 10]);
    expect(await a.postAttempts(T0 + 1)).toEqual([T0 + 10]);
    expect(await b.postAttempts(0)).toEqual([T0 + 20]);
    expect((await a.list())[0]).toMatchObject({ attempts: 2, state: 'intent', lastError: 'POSTIZ_RATE_LIMITED' });

    expect(await a.blockedUntil()).toBeUndefined();
    await a.recordBlock(T0 + 3_600_000);
    await a.recordBlock(T0 + 1_000); // never shortens a block
    expect(await a.blockedUntil()).toBe(T0 + 3_600_000);
    expect(await b.blockedUntil()).toBeUndefined();
    expect(await new KyselySubmissionStore(await reopen(), 'org-a').blockedUntil()).toBe(T0 + 3_600_000);
  });

  it('with postsPerHour, two processes racing for the last slot: exactly one records its send, the other is deferred', async () => {
    const a = new KyselySubmissionStore(store, 'org', () => T0, { postsPerHour: 1, nextPostAt });
    const b = new KyselySubmissionStore(await reopen(), 'org', () => T0, { postsPerHour: 1, nextPostAt });
    const intent = (at: number) => ({ at, date: T0 + 3_600_000, channelIds: ['c'] });
    for (const [round, at] of [T0, T0 + 2 * 3_600_000, T0 + 4 * 3_600_000].entries()) {
      const calls = [() => a.recordIntent(`a${round}`, intent(at)), () => b.recordIntent(`b${round}`, intent(at))];
      // PostgreSQL: truly concurrent, on two connections (the advisory lock serializes them). SQLite: one after the
      // other (better-sqlite3 is synchronous: a second connection in this process would block the loop on the lock).
      const results = target.name === 'postgres'
        ? await Promise.allSettled(calls.map((c) => c()))
        : [...(await Promise.allSettled([calls[0]!()])), ...(await Promise.allSettled([calls[1]!()]))];
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as { code: string; kind: string; deferUntil: number });
      expect(refused).toEqual([expect.objectContaining({ code: 'POSTIZ_PACED', kind: 'quota', deferUntil: at + 3_600_000 + 5_000 })]);
    }
    expect(await a.postAttempts(0)).toHaveLength(3);
    expect((await a.list()).filter((r) => r.intent)).toHaveLength(3);
  });

  describe('with the submitter and the emulator', () => {
    let emu: PostizEmulator;
    let clock: FakeClock;
    let fx: Awaited<ReturnType<typeof fixtureDir>>;
    beforeEach(async () => {
      clock = new FakeClock(T0);
      emu = await createPostizEmulator({ clock });
      fx = await fixtureDir();
    });
    afterEach(async () => {
      await emu.close();
      await fx.cleanup();
    });

    it('a dropped answer is reconciled by a restarted submitter over a new connection: one upload, one post per channel', async () => {
      const tt = emu.addChannel({ identifier: 'tiktok', name: 'TT', profile: 'me' });
      const yt = emu.addChannel({ identifier: 'youtube', name: 'YT' });
      const video = await fx.file('c.mp4', mp4Bytes(200_000));
      const client = new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey), clock });
      const clip = {
        clipKey: 'camp:clip1', videoPath: video, plannedAt: T0 + 3_600_000,
        targets: [
          { channelId: tt.id, provider: 'tiktok' as const, content: { caption: 'Hello & <b>bye</b> #fyp', options: {} } },
          { channelId: yt.id, provider: 'youtube' as const, content: { caption: 'desc', title: 'A title', options: {} } },
        ],
      };
      // The answer is lost and the reconcile read fails too: the outcome stays unknown, the intent stays.
      emu.server.faults.add({ method: 'POST', path: '/public/v1/posts', fault: { kind: 'drop-response' } });
      emu.server.faults.add({ method: 'GET', path: '/public/v1/posts', fault: { kind: 'status', status: 503 } });
      const first = new PostizSubmitter({ client, store: new KyselySubmissionStore(store, 'org', () => clock.now()), clock });
      await expect(first.submit(clip)).rejects.toMatchObject({ kind: 'unknown_outcome' });
      clock.advance(120_000);
      const second = new PostizSubmitter({ client, store: new KyselySubmissionStore(await reopen(), 'org', () => clock.now()), clock });
      const out = await second.submit(clip);
      expect(out).toMatchObject({ status: 'submitted', reconciled: true, duplicates: [] });
      expect(emu.server.requests.filter((r) => r.method === 'POST' && r.path === '/public/v1/posts')).toHaveLength(1);
      expect(emu.server.requests.filter((r) => r.path === '/public/v1/upload')).toHaveLength(1);
      expect([...emu.store.posts.values()].filter((p) => !p.deleted)).toHaveLength(2);
    });
  });
});
