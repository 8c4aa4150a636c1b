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

  it('finds the first video in the channel uploads when the final answer is lost and the session then 404s: no second upload', async () => {
    h = await engineHarness({ platforms: ['youtube'] });
    h.sandbox.youtube.knobs.loseFinalAnswer = 1;
    await h.schedule('youtube', '1m');
    const posts = await h.drive();
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect(await videosPerPost(h)).toEqual([1, 1, 1, 1]);
    const inits = h.sandbox.youtube.server.requests.filter((r) => r.method === 'POST' && r.path === '/upload/youtube/v3/videos');
    expect(inits).toHaveLength(4);
    const events = await h.app.store.listEvents({});
    const found = events.filter((e) => e.type === 'youtube.lost_upload_found');
    expect(found).toHaveLength(1);
    const post = posts.find((p) => p.id === found[0]!.postId)!;
    expect(post.remoteId).toBe(found[0]!.data.videoId);
    expect(events.some((e) => e.type === 'youtube.final_answer_lost' && e.postId === post.id)).toBe(true);
  });

  it('stops for a person to review when the lost upload cannot be found, never uploads blind, and uploads once after the retry', async () => {
    h = await engineHarness({ platforms: ['youtube'] });
    h.sandbox.youtube.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', times: 1, fault: { kind: 'reset' } });
    await h.schedule('youtube', '1h');
    await h.engine.runDue();
    const [first] = (await h.app.store.listPosts({ limit: 1 })).posts;
    expect(first).toMatchObject({ state: 'retry_wait', lastError: { kind: 'unknown_outcome' } });
    for (const id of h.sandbox.youtube.uploads.sessions.keys()) h.sandbox.youtube.uploads.expire(id);
    await h.drive(h.engine, 200, async () => (await h!.app.store.getPost(first!.id))!.state === 'failed');
    const stopped = await h.app.store.getPost(first!.id);
    expect(stopped).toMatchObject({ state: 'failed', lastError: { code: 'YOUTUBE_NEEDS_REVIEW' } });
    expect(stopped!.lastError!.message).toMatch(/Check the channel for .* retry the post/);
    const clip = await h.app.store.getClip(first!.clipRowId);
    expect(h.sandbox.youtube.published().filter((v) => v.sha256 === clip!.mediaSha256)).toHaveLength(0);
    const events = await h.app.store.listEvents({ postId: first!.id });
    expect(events.filter((e) => e.type === 'youtube.lost_upload_not_found')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'youtube.session_created')).toHaveLength(1);
    // A person looked at the channel and retried the post: one more look, then exactly one upload.
    await h.app.store.retryPost(first!.id, h.clock.now());
    const posts = await h.drive();
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect(await videosPerPost(h)).toEqual([1, 1, 1, 1]);
    const after = await h.app.store.listEvents({ postId: first!.id });
    expect(after.filter((e) => e.type === 'youtube.lost_upload_absent_after_review')).toHaveLength(1);
    expect(after.filter((e) => e.type === 'youtube.session_created')).toHaveLength(2);
  });
});
