import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterRegistry } from '../../src/app/adapter-registry.js';
import { engineHarness } from '../helpers/engine-harness.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

/** Counts, per clip, the reels the emulator holds: exactly one each is the contract. */
async function reelsPerClip(h: Harness): Promise<number[]> {
  const { posts } = await h.app.store.listPosts({ limit: 100 });
  const held = h.sandbox.instagram.published();
  const counts: number[] = [];
  for (const p of posts) {
    const clip = await h.app.store.getClip(p.clipRowId);
    counts.push(held.filter((r) => r.sha256 === clip!.mediaSha256).length);
  }
  return counts;
}

describe('Instagram exactly once on fault paths (real worker engine, emulator, SQLite)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('reads the container after media_publish published the reel and then answered a transient error: published once, not failed', async () => {
    h = await engineHarness({ platforms: ['instagram'] });
    const transient = { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true, fbtrace_id: 'x' } };
    h.sandbox.instagram.server.faults.add({ method: 'POST', path: '/\\/media_publish$/', times: 2, fault: { kind: 'status-after', status: 500, body: transient } });
    await h.schedule('instagram', '1m');
    const posts = await h.drive();
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect(await reelsPerClip(h)).toEqual([1, 1, 1, 1]);
    expect(h.sandbox.instagram.server.faults.fired).toHaveLength(2);
    // One media_publish per post: the retry read the container (PUBLISHED) instead of publishing again.
    const publishes = h.sandbox.instagram.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/media_publish'));
    expect(publishes).toHaveLength(4);
    for (const p of posts) {
      const held = h.sandbox.instagram.published().find((r) => r.remoteId === p.remoteId);
      expect(held).toBeDefined();
    }
    const reconciled = (await h.app.store.listEvents({})).filter((e) => e.type === 'instagram_reconciled');
    expect(reconciled).toHaveLength(2);
  });

  it('caps resumable upload attempts that move nothing, each after a backoff and a read of the container, then stops with a classified error', async () => {
    h = await engineHarness({ platforms: ['instagram'] });
    h.sandbox.instagram.server.faults.add({ method: 'POST', path: '/rupload.facebook.com/', times: Infinity, fault: { kind: 'reset' } });
    await h.schedule('instagram', '1h');
    const posts = await h.drive(h.engine, 200, async () => (await h!.app.store.listPosts({ state: 'failed' })).posts.length > 0);
    const failed = posts.find((p) => p.state === 'failed')!;
    expect(failed.lastError).toMatchObject({ code: 'INSTAGRAM_UPLOAD_STALLED', kind: 'invalid' });
    const events = await h.app.store.listEvents({ postId: failed.id });
    const waits = events.filter((e) => e.type === 'post.transition' && e.data.to === 'retry_wait');
    expect(waits).toHaveLength(4);
    const sends = h.sandbox.instagram.server.faults.fired.length;
    expect(sends).toBeLessThanOrEqual(4 * 4); // at most 4 sends for each post that started
    expect(h.sandbox.instagram.published()).toHaveLength(0);
  });

  it('polls a slow container about once a minute for 5 minutes only, then reconciles later, and publishes it once', async () => {
    h = await engineHarness({ platforms: ['instagram'] });
    // Meta's defaults (no test tuning): 60 s polls in a 5 min window, then reconcile checks 15 min, 30 min, … apart.
    const registry = createAdapterRegistry({ accounts: h.app.accounts, clock: h.clock, sandbox: h.sandbox.urls });
    const engine = h.makeEngine({ adapterFor: (a) => registry.adapterFor(a) });
    h.sandbox.instagram.knobs.processingMs = 40 * 60_000;
    await h.schedule('instagram', '1h');
    const [post] = (await h.app.store.listPosts({ limit: 1 })).posts;
    await h.drive(engine, 100, async () => (await h!.app.store.getPost(post!.id))!.state === 'published');
    const done = (await h.app.store.getPost(post!.id))!;
    expect(done.state).toBe('published');
    const containerId = String(done.remote['containerId']);
    const uploaded = (await h.app.store.listEvents({ postId: post!.id })).find((e) => e.type === 'instagram_upload_complete')!;
    const t0 = uploaded.at;
    const gets = h.sandbox.instagram.server.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${containerId}`)).map((r) => r.at - t0);
    expect(gets.length).toBeGreaterThanOrEqual(5);
    const inWindow = gets.filter((t) => t <= 5 * 60_000);
    expect(inWindow.length).toBeLessThanOrEqual(5);
    expect(inWindow.every((t, i) => i === 0 || t - inWindow[i - 1]! >= 60_000)).toBe(true);
    // Past the window: no polling, only reconcile checks with growing gaps.
    const late = gets.filter((t) => t > 5 * 60_000);
    expect(late.filter((t) => t < 20 * 60_000)).toEqual([]);
    expect(late.length).toBeGreaterThanOrEqual(1);
    expect(late.length).toBeLessThanOrEqual(3);
    expect(late.every((t, i) => i === 0 || t - late[i - 1]! >= 15 * 60_000)).toBe(true);
    expect(h.sandbox.instagram.published().filter((r) => r.remoteId === done.remoteId)).toHaveLength(1);
    const windowOver = (await h.app.store.listEvents({ postId: post!.id })).filter((e) => e.type === 'instagram_poll_window_over');
    expect(windowOver).toHaveLength(1);
  });
});
