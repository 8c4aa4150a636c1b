import { afterEach, describe, expect, it } from 'vitest';
import { engineHarness } from '../helpers/engine-harness.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

/** Per post, the videos the emulator's channel holds with that post's bytes: exactly one each is the contract. */
async function videosPerPost(h: Harness): Promise<number[]> {
  const { posts } = await h.app.store.listPosts({ limit: 100 });
  const held = h.sandbox.youtube.published();
  const counts: number[] = [];
  for (const p of posts) {
    const clip = await h.app.store.getClip(p.clipRowId);
    counts.push(held.filter((v) => v.sha256 === clip!.mediaSha256).length);
  }
  return counts;
}

const uploadPuts = (h: Harness) => h.sandbox.youtube.server.requests.filter((r) => r.method === 'PUT' && r.path === '/upload/youtube/v3/videos');
const bytesReceived = (h: Harness) => [...h.sandbox.youtube.uploads.sessions.values()].reduce((n, s) => n + s.received, 0);

describe('YouTube exactly once on fault paths (real worker engine, emulator, SQLite)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('backs off and asks the session after a 308 that did not move Range, then goes on: one video per post', async () => {
    h = await engineHarness({ platforms: ['youtube'] });
    h.sandbox.youtube.knobs.noProgressPuts = 2;
    await h.schedule('youtube', '1h');
    const t0 = h.clock.now();
    await h.engine.runDue();
    const [first] = (await h.app.store.listPosts({ limit: 1 })).posts;
    // The step ended after one send (no immediate re-send) and the engine holds the post back.
    expect(first).toMatchObject({ state: 'retry_wait', lastError: { code: 'YOUTUBE_UPLOAD_NO_PROGRESS' } });
    expect(first!.nextAttemptAt).toBeGreaterThan(t0);
    expect(uploadPuts(h)).toHaveLength(1);
    const posts = await h.drive();
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect(await videosPerPost(h)).toEqual([1, 1, 1, 1]);
    const events = await h.app.store.listEvents({ postId: first!.id });
    expect(events.filter((e) => e.type === 'youtube.chunk_no_progress').map((e) => e.data.sends)).toEqual([1, 2]);
  });

  it('stops a chunk that never makes progress after the cap, with a classified error and bounded bytes', async () => {
    h = await engineHarness({ platforms: ['youtube'] });
    h.sandbox.youtube.knobs.noProgressPuts = Infinity;
    await h.schedule('youtube', '1h');
    const posts = await h.drive(h.engine, 200, async () => (await h!.app.store.listPosts({ state: 'failed' })).posts.length > 0);
    const failed = posts.find((p) => p.state === 'failed')!;
    expect(failed.lastError).toMatchObject({ code: 'YOUTUBE_UPLOAD_STALLED', kind: 'invalid' });
    expect(failed.lastError!.message).toMatch(/after 4 sends/);
    const clip = await h.app.store.getClip(failed.clipRowId);
    const events = await h.app.store.listEvents({ postId: failed.id });
    expect(events.filter((e) => e.type === 'youtube.chunk_no_progress')).toHaveLength(4);
    // Each re-send came after a backoff and a fresh status query.
    const transitions = events.filter((e) => e.type === 'post.transition' && e.data.to === 'retry_wait');
    expect(transitions).toHaveLength(3);
    const session = [...h.sandbox.youtube.uploads.sessions.values()].find((s) => s.total === clip!.size)!;
    expect(session.chunkPuts).toBe(4);
    expect(session.statusQueries).toBe(3);
    expect(session.received).toBe(4 * clip!.size);
    expect(bytesReceived(h)).toBeLessThanOrEqual(4 * 4 * 41_116);
    expect(h.sandbox.youtube.published()).toHaveLength(0);
  });
});
