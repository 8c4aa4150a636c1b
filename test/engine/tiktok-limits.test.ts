import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isFinalState } from '../../src/core/post-state.js';
import type { PostRecord } from '../../src/core/ports/store.js';
import { makeCliperFolder } from '../helpers/cliper-fixtures.js';
import { engineHarness } from '../helpers/engine-harness.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

const INIT = '/v2/post/publish/video/init/';
const CREATOR = '/v2/post/publish/creator_info/query/';

/** A CLIPER folder of `n` distinct clips. */
async function clips(n: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'clipcast-tiktok-burst-'));
  await makeCliperFolder(dir, {
    json: {
      video_id: 'Burst', generated_at: '2026-01-01 00:00:00.000000', model: 'test', total_clips: n, style: 'auto-classified',
      clips: Array.from({ length: n }, (_, i) => ({ clip_id: i + 1, copy: `Clip ${i + 1} #burst`, metadata: { sentiment: 'educational', engagement_score: 7, viral_potential: 5 } })),
    },
  });
  return dir;
}

/** Largest number of `times` in any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('TikTok limits through the worker (emulator over HTTP, real SQLite, fake clock)', () => {
  let h: Harness | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await h?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
    h = undefined;
    dir = undefined;
  });

  it('a burst of 10 due posts on one account, two workers: inits paced at 6 per minute through the store, never a 429, one post per clip', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    dir = await clips(10);
    await h.schedule('tiktok', '1m', dir);
    h.clock.advance(15 * 60_000); // the worker was down: all 10 are due at once
    const workers = [h.makeEngine(), h.makeEngine()];
    let posts: PostRecord[] = [];
    for (let i = 0; i < 200; i++) {
      await Promise.all(workers.map((w) => w.runDue()));
      posts = (await h.app.store.listPosts({ limit: 100 })).posts;
      if (posts.every((p) => isFinalState(p.state))) break;
      const wake = await h.app.store.nextWakeAt();
      if (wake === null) break;
      h.clock.set(Math.max(wake, h.clock.now() + 1));
    }
    expect(posts.map((p) => p.state)).toEqual(Array(10).fill('published'));
    const requests = h.sandbox.tiktok.server.requests;
    expect(requests.filter((r) => r.status === 429)).toEqual([]);
    const inits = requests.filter((r) => r.path === INIT && r.status === 200).map((r) => r.at);
    expect(inits).toHaveLength(10);
    expect(maxInWindow(inits, 60_000)).toBeLessThanOrEqual(6);
    const published = h.sandbox.tiktok.published();
    expect(published).toHaveLength(10);
    expect(new Set(published.map((p) => p.sha256)).size).toBe(10);
    const paced = await h.app.store.listEvents({ limit: 1000 });
    expect(paced.some((e) => e.type === 'post.transition' && String(e.data.detail ?? '').startsWith('paced: TikTok allows 6 video/init'))).toBe(true);
  });

  it('after a 429 on init backs off exponentially from 10 s, reads creator_info again before the re-init, and posts once with the new settings', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    const tiktok = h.sandbox.tiktok;
    // The creator turns comments off right after clipcast first reads their settings.
    tiktok.changeCreatorAfterNextQuery('engine_test', { commentDisabled: true });
    tiktok.server.faults.add({ method: 'POST', path: INIT, times: 2, fault: { kind: 'status', status: 429, body: { data: {}, error: { code: 'rate_limit_exceeded', message: 'slow down', log_id: 'x' } } } });
    await h.schedule('tiktok', '1h');
    h.clock.set(h.clock.now()); // the first post is due now
    const t0 = h.clock.now();
    await h.engine.runDue();
    let [first] = (await h.app.store.listPosts({ limit: 1 })).posts;
    expect(first).toMatchObject({ state: 'retry_wait', attempt: 1 });
    expect(first!.nextAttemptAt - t0).toBe(10_000); // 10 s (no Retry-After from TikTok)
    h.clock.set(first!.nextAttemptAt);
    await h.engine.runDue();
    [first] = (await h.app.store.listPosts({ limit: 1 })).posts;
    expect(first).toMatchObject({ state: 'retry_wait', attempt: 2 });
    expect(first!.nextAttemptAt - h.clock.now()).toBe(15_000); // 10–20 s, equal jitter at 0.5
    h.clock.set(first!.nextAttemptAt);
    await h.engine.runDue();
    // creator_info before every init: preparing, then once per re-init (2 refused, 1 accepted).
    expect(tiktok.server.requests.filter((r) => r.path === CREATOR)).toHaveLength(3);
    const publishes = [...tiktok.state.publishes.values()];
    expect(publishes).toHaveLength(1);
    expect(publishes[0]!.disabled.comment).toBe(true);
    const posts = await h.drive();
    const mine = posts.find((p) => p.id === first!.id)!;
    expect(mine.state).toBe('published');
    expect(tiktok.published().filter((p) => p.remoteId === mine.remoteId)).toHaveLength(1);
  });

  it('after a retryable FAILED (internal), the fresh init reads creator_info again and carries the new settings: one post', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    const tiktok = h.sandbox.tiktok;
    tiktok.failNextProcessing('internal');
    await h.schedule('tiktok', '1h');
    h.clock.set(h.clock.now());
    // After the first init's creator_info the creator disables duets: only a re-read sees it.
    tiktok.changeCreatorAfterNextQuery('engine_test', { duetDisabled: true });
    await h.drive(h.engine, 500, async () => (await h!.app.store.listPosts({ limit: 1 })).posts[0]!.state === 'published');
    const [mine] = (await h.app.store.listPosts({ limit: 1 })).posts;
    expect(mine!.state).toBe('published');
    const publishes = [...tiktok.state.publishes.values()];
    expect(publishes.map((p) => p.status)).toEqual(['FAILED', 'PUBLISH_COMPLETE']);
    expect(publishes.map((p) => p.disabled.duet)).toEqual([false, true]);
    expect(tiktok.published()).toHaveLength(1);
  });

  it('a chunk PUT that does not move the acknowledged range: backs off, asks for the status, gives up after 5 with a classified error, nothing posted', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    const tiktok = h.sandbox.tiktok;
    tiktok.stallNextChunks(100);
    await h.schedule('tiktok', '1h');
    const posts = await h.drive(h.engine, 500, async () => (await h!.app.store.listPosts({ limit: 1 })).posts[0]!.state === 'failed');
    const mine = posts[0]!;
    expect(mine.state).toBe('failed');
    expect(mine.lastError).toMatchObject({ code: 'TIKTOK_UPLOAD_NO_PROGRESS', kind: 'invalid' });
    const puts = tiktok.server.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(5);
    // Backed off between re-sends (2, 4, 8, 16 s), with a status query each time.
    const gaps = puts.slice(1).map((p, i) => p.at - puts[i]!.at);
    expect(gaps).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(tiktok.server.requests.filter((r) => r.path === '/v2/post/publish/status/fetch/')).toHaveLength(4);
    expect(tiktok.published()).toHaveLength(0);
  });

  it('recovers when a stalled chunk starts moving again: one post with the exact bytes', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    const tiktok = h.sandbox.tiktok;
    tiktok.stallNextChunks(2);
    await h.schedule('tiktok', '1h');
    h.clock.set(h.clock.now());
    await h.drive(h.engine, 500, async () => (await h!.app.store.listPosts({ limit: 1 })).posts[0]!.state === 'published');
    const [mine] = (await h.app.store.listPosts({ limit: 1 })).posts;
    expect(mine!.state).toBe('published');
    const clip = await h.app.store.getClip(mine!.clipRowId);
    const published = tiktok.published().filter((p) => p.sha256 === clip!.mediaSha256);
    expect(published).toHaveLength(1);
    expect(tiktok.server.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
  });
});
