import { afterEach, describe, expect, it } from 'vitest';
import { engineHarness } from '../helpers/engine-harness.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres.js';

const pg = await postgresAvailable();
type Harness = Awaited<ReturnType<typeof engineHarness>>;

/** Scale-out mode: the store on PostgreSQL, several workers claiming from it at once. */
describe.runIf(pg)('Engine on PostgreSQL with several workers', () => {
  let h: Harness | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await h?.cleanup();
    await drop?.();
    h = undefined;
  });

  it('publishes every post exactly once while three workers claim from the same database', async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    h = await engineHarness({ databaseUrl: db.url, engine: { concurrency: 3, perAccount: 2, perPlatform: 2 } });
    await h.schedule('tiktok,instagram,youtube', '1s');
    h.clock.advance(1);
    await h.schedule('tiktok,instagram,youtube', '1s');
    const workers = [h.engine, h.makeEngine(), h.makeEngine()];
    for (let i = 0; i < 300; i++) {
      await Promise.all(workers.map((w) => w.runDue()));
      const { posts } = await h.app.store.listPosts({ limit: 1000 });
      if (posts.every((p) => p.state === 'published' || p.state === 'failed')) break;
      const wake = await h.app.store.nextWakeAt();
      h.clock.set(Math.max(wake ?? h.clock.now(), h.clock.now() + 1));
    }
    const { posts } = await h.app.store.listPosts({ limit: 1000 });
    expect(posts).toHaveLength(24);
    expect(posts.every((p) => p.state === 'published')).toBe(true);
    const remote = h.sandbox.published();
    for (const p of posts) {
      const clip = await h.app.store.getClip(p.clipRowId);
      const copies = remote.filter((r) => r.platform === p.platform && r.sha256 === clip!.mediaSha256);
      // Two campaigns of the same clips: each clip is on each platform exactly twice, once per campaign.
      expect(copies).toHaveLength(2);
    }
    const owners = new Set((await h.app.store.listEvents({})).filter((e) => e.type === 'post.transition').map((e) => String(e.data.worker)));
    expect(owners.size).toBe(3);
    expect(await h.app.store.verifyLedger()).toMatchObject({ ok: true });
  });
});
