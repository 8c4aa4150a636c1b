import { appendFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { youtubeQuotaRequirement } from '../../src/platforms/youtube/youtube-quota-gate.js';
import { nextYouTubeQuotaReset } from '../../src/platforms/youtube/youtube-quota.js';
import { engineHarness } from '../helpers/engine-harness.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

const quotaExceeded = {
  error: { code: 403, message: 'The request cannot be completed because you have exceeded your quota.', errors: [{ message: 'quota', domain: 'youtube.quota', reason: 'quotaExceeded' }] },
};
const backendError = { error: { code: 503, message: 'Backend Error', errors: [{ message: 'Backend Error', domain: 'global', reason: 'backendError' }] } };
const inserts = (h: Harness) => h.sandbox.youtube.server.requests.filter((r) => r.method === 'POST' && r.path === '/upload/youtube/v3/videos');

describe('YouTube quota counted per videos.insert call (real engine, emulator, SQLite)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  const need = (x: Harness) => youtubeQuotaRequirement(x.clock.now(), String(x.credentials.youtube!.clientId), { caption: '', options: {} });

  it('counts every insert call, retries included, exactly as the platform charged them', async () => {
    h = await engineHarness({ platforms: ['youtube'] });
    // Google charged the call (the route ran), then answered 503: the retry is a second charged call.
    h.sandbox.youtube.server.faults.add({ method: 'POST', path: '/upload/youtube/v3/videos', times: 2, fault: { kind: 'status-after', status: 503, body: backendError } });
    const q = need(h);
    await h.schedule('youtube', '1m');
    const posts = await h.drive();
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect(inserts(h)).toHaveLength(6);
    const charged = Object.values(h.sandbox.youtube.quota.snapshot()).reduce((n, u) => n + u.inserts, 0);
    expect(charged).toBe(6);
    expect(await h.app.store.quotaUsed(q.bucket, q.windowKey)).toBe(6);
    expect(h.sandbox.youtube.published()).toHaveLength(4);
  });

  it('gives the reservation back when a post fails before any call', async () => {
    h = await engineHarness({ platforms: ['youtube'] });
    const q = need(h);
    await h.schedule('youtube', '1h');
    const [post] = (await h.app.store.listPosts({ limit: 1 })).posts;
    const clip = await h.app.store.getClip(post!.clipRowId);
    await appendFile(clip!.mediaPath, Buffer.alloc(10)); // the clip changed: the post fails before any call
    await h.engine.runDue();
    expect(await h.app.store.getPost(post!.id)).toMatchObject({ state: 'failed', lastError: { code: 'MEDIA_CHANGED' } });
    expect(inserts(h)).toHaveLength(0);
    expect(await h.app.store.quotaUsed(q.bucket, q.windowKey)).toBe(0);
    const events = await h.app.store.listEvents({ postId: post!.id });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['quota.reserved', 'quota.released']));
  });

  it('marks the project spent on quotaExceeded and defers all its posts together to Pacific midnight, then publishes each once', async () => {
    h = await engineHarness({ platforms: ['youtube'], engine: { perAccount: 1 } });
    h.sandbox.youtube.server.faults.add({ method: 'POST', path: '/upload/youtube/v3/videos', times: 1, fault: { kind: 'status', status: 403, body: quotaExceeded } });
    const reset = nextYouTubeQuotaReset(h.clock.now());
    await h.schedule('youtube', '1s');
    const deferred = await h.drive(h.engine, 50, async () => (await h!.app.store.listPosts({ state: 'deferred' })).posts.length === 4);
    expect(deferred.map((p) => p.state)).toEqual(Array(4).fill('deferred'));
    expect(deferred.every((p) => p.nextAttemptAt === reset)).toBe(true);
    expect(inserts(h)).toHaveLength(1); // the other three never called Google
    const posts = await h.drive();
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect(h.clock.now()).toBeGreaterThanOrEqual(reset);
    expect(h.sandbox.youtube.published()).toHaveLength(4);
    const events = await h.app.store.listEvents({});
    expect(events.filter((e) => e.type === 'quota.spent')).toHaveLength(1);
  });
});
