import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { maxPerWindow } from '../../src/postiz/postiz-pacer.js';
import { EXAMPLE_CAMPAIGN, makeSizedCampaign } from '../helpers/cliper-fixtures.js';
import { backendHarness, HOUR, START, type BackendHarness } from './postiz-backend-harness.js';

let h: BackendHarness;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Postiz pacing through the engine (API_LIMIT 30, fake clock)', () => {
  it('45 clips on two channels: 30 submissions now, 15 deferred to the next window, never a 429', async () => {
    h = await backendHarness({ postsPerHour: 30 });
    dir = await mkdtemp(join(tmpdir(), 'clipcast-postiz-45-'));
    await makeSizedCampaign(dir, { clips: 45, bytesPerClip: 48 * 1024 });
    const campaignId = await h.campaign(dir, [h.accountIds.instagram, h.accountIds.youtube], { interval: '10m' });
    const all = async () => (await h.app.store.listPosts({ campaignId, limit: 1000 })).posts;
    expect(await all()).toHaveLength(90);

    await h.engine().runDue();
    expect(h.postRequests()).toBe(30);
    let posts = await all();
    const submittedClips = new Set(posts.filter((p) => p.state === 'processing').map((p) => p.clipId));
    const deferred = posts.filter((p) => p.state === 'deferred');
    expect(submittedClips.size).toBe(30);
    expect(posts.filter((p) => p.state === 'processing')).toHaveLength(60);
    expect(new Set(deferred.map((p) => p.clipId)).size).toBe(15);
    expect(deferred).toHaveLength(30);
    // Deferred to the next server window (first send at START, fixed hour, 5 s margin), attempts not counted.
    expect(new Set(deferred.map((p) => p.nextAttemptAt))).toEqual(new Set([START + HOUR + 5_000]));
    expect(deferred.every((p) => p.attempt === 0 && p.lastError?.code === 'POSTIZ_PACED')).toBe(true);
    expect(h.emu.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(h.notifications.filter((n) => n.type === 'post.deferred')).toHaveLength(30);

    h.clock.set(START + HOUR + 5_000);
    await h.engine().runDue();
    expect(h.postRequests()).toBe(45);
    posts = await all();
    expect(posts.filter((p) => p.state === 'deferred')).toHaveLength(0);
    const sends = await h.submissions.postAttempts(0);
    expect(sends).toHaveLength(45);
    expect(maxPerWindow(sends)).toBeLessThanOrEqual(30);
    expect(h.emu.server.requests.filter((r) => r.status === 429)).toHaveLength(0);

    h.clock.set(Math.max(...posts.map((p) => p.scheduledAt)) + 1_000);
    await h.engine().runDue();
    posts = await all();
    expect(posts.every((p) => p.state === 'published')).toBe(true);
    const pubs = h.emu.published();
    expect(pubs).toHaveLength(90);
    expect(new Set(pubs.map((p) => p.postId)).size).toBe(90);
    expect(h.emu.server.requests.filter((r) => r.path === '/public/v1/upload')).toHaveLength(45);
  });

  it('a 429 after the budget was used elsewhere in the organization defers everything to the end of the block, then goes on', async () => {
    h = await backendHarness({ postsPerHour: 30 });
    // Another client of the same organization used the whole hour (the server counts per organization).
    for (let i = 0; i < 30; i++) expect(h.emu.limiter.hit(h.emu.orgId, START).allowed).toBe(true);
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok, h.accountIds.youtube]);
    await h.engine().runDue();
    const rejected = h.emu.server.requests.filter((r) => r.status === 429);
    expect(rejected).toHaveLength(1); // the first one learns of the block; nothing else is sent into it
    let posts = (await h.app.store.listPosts({ campaignId })).posts;
    expect(posts.every((p) => p.state === 'deferred' && p.lastError?.code === 'POSTIZ_PACED')).toBe(true);
    const until = posts[0]!.nextAttemptAt;
    expect(until).toBe(START + HOUR + 5_000); // Retry-After (the hour block) + margin
    expect(await h.submissions.blockedUntil()).toBe(START + HOUR);

    h.clock.set(until);
    await h.engine().runDue();
    posts = (await h.app.store.listPosts({ campaignId })).posts;
    // Clip 1 was planned at START + 1 h, inside the block: submitted late, Postiz publishes it at once.
    expect(posts.filter((p) => p.clipId === 1).map((p) => p.state)).toEqual(['published', 'published']);
    expect(posts.filter((p) => p.clipId !== 1).every((p) => p.state === 'processing')).toBe(true);
    expect(h.postRequests()).toBe(5);
    expect(h.emu.server.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect([...h.emu.store.posts.values()].filter((p) => !p.deleted)).toHaveLength(8);
  });
});
