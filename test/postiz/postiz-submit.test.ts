import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import type { PostContent } from '../../src/core/ports/platform-adapter.js';
import { PostizClient } from '../../src/postiz/postiz-client.js';
import { sandboxPostizConfig } from '../../src/postiz/postiz-config.js';
import { maxPerWindow } from '../../src/postiz/postiz-pacer.js';
import { MemorySubmissionStore } from '../../src/postiz/postiz-submission-store.js';
import { PostizSubmitter, type ClipSubmission } from '../../src/postiz/postiz-submit.js';
import { createPostizEmulator, type PostizEmulator } from '../../src/sandbox/postiz/postiz-emulator.js';
import type { EmulatedChannel } from '../../src/sandbox/postiz/postiz-state.js';
import { fixtureDir, mp4Bytes, sha256 } from './postiz-fixtures.js';

const START = Date.UTC(2025, 11, 1, 8, 0, 0);
const HOUR = 3_600_000;
let clock: FakeClock;
let emu: PostizEmulator;
let fx: Awaited<ReturnType<typeof fixtureDir>>;
let channels: { tiktok: EmulatedChannel; instagram: EmulatedChannel; youtube: EmulatedChannel };
let video: string;
let videoBytes: Buffer;

beforeEach(async () => {
  clock = new FakeClock(START);
  emu = await createPostizEmulator({ clock });
  fx = await fixtureDir();
  channels = {
    tiktok: emu.addChannel({ identifier: 'tiktok', name: 'TT', profile: 'clipper' }),
    instagram: emu.addChannel({ identifier: 'instagram', name: 'IG' }),
    youtube: emu.addChannel({ identifier: 'youtube', name: 'YT' }),
  };
  videoBytes = mp4Bytes(3 * 1024 * 1024 + 17);
  video = await fx.file('clip.mp4', videoBytes);
});
afterEach(async () => {
  await emu.close();
  await fx.cleanup();
});

const client = (overrides = {}) => new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey, overrides), clock });
const content = (caption: string, extra: Partial<PostContent> = {}): PostContent => ({ caption, options: {}, ...extra });

function clip(i: number, plannedAt = START + HOUR + i * 4 * HOUR): ClipSubmission {
  return {
    clipKey: `camp1:clip_${i}`,
    videoPath: video,
    plannedAt,
    targets: [
      { channelId: channels.tiktok.id, provider: 'tiktok', content: content(`Clip ${i} #fyp`, { options: { privacyLevel: 'PUBLIC_TO_EVERYONE' } }) },
      { channelId: channels.instagram.id, provider: 'instagram', content: content(`Clip ${i} on IG`, { options: { collaborators: ['friend.one'] } }) },
      { channelId: channels.youtube.id, provider: 'youtube', content: content(`Clip ${i} description`, { title: `Clip ${i}`, tags: ['shorts', 'fun clip'] }) },
    ],
  };
}

const postRequests = () => emu.server.requests.filter((r) => r.method === 'POST' && r.path === '/public/v1/posts');
const uploadRequests = () => emu.server.requests.filter((r) => r.path === '/public/v1/upload');
const livePosts = () => [...emu.store.posts.values()].filter((p) => !p.deleted);

describe('PostizSubmitter', () => {
  it('uploads the clip once (streamed), sends one POST /posts for all channels with their settings, and publishes each once', async () => {
    const store = new MemorySubmissionStore();
    const submitter = new PostizSubmitter({ client: client(), store, clock });
    const out = await submitter.submit(clip(0));
    expect(out).toMatchObject({ status: 'submitted', reconciled: false, duplicates: [] });
    if (out.status !== 'submitted') return;
    expect(Object.keys(out.postIds).sort()).toEqual(Object.values(channels).map((c) => c.id).sort());
    expect(uploadRequests()).toHaveLength(1);
    expect(postRequests()).toHaveLength(1);
    const tiktokRow = emu.store.posts.get(out.postIds[channels.tiktok.id]!)!;
    expect(tiktokRow.settings).toMatchObject({ privacy_level: 'PUBLIC_TO_EVERYONE', duet: true, content_posting_method: 'DIRECT_POST', video_made_with_ai: false });
    expect(emu.store.posts.get(out.postIds[channels.instagram.id]!)!.settings).toEqual({ post_type: 'post', collaborators: [{ label: 'friend.one' }] });
    expect(emu.store.posts.get(out.postIds[channels.youtube.id]!)!.settings).toMatchObject({ title: 'Clip 0', type: 'public', tags: [{ value: 'shorts', label: 'shorts' }, { value: 'fun clip', label: 'fun clip' }] });

    expect(emu.published()).toEqual([]);
    clock.set(START + HOUR);
    const published = emu.published();
    expect(published.map((p) => p.provider).sort()).toEqual(['instagram', 'tiktok', 'youtube']);
    expect(published.every((p) => p.sha256 === sha256(videoBytes))).toBe(true);
    expect(published.find((p) => p.provider === 'tiktok')!.releaseURL).toMatch(/^https:\/\/www\.tiktok\.com\/@clipper\/video\/\d+$/);

    // Submitting the same clip again is a no-op.
    expect(await submitter.submit(clip(0))).toMatchObject({ status: 'submitted', postIds: out.postIds });
    expect(postRequests()).toHaveLength(1);
  });

  it('paces under the hourly limit: 30 go, the 31st is deferred to the next window, and the server never answers 429', async () => {
    const store = new MemorySubmissionStore();
    const submitter = new PostizSubmitter({ client: client(), store, clock });
    const deferred: number[] = [];
    for (let i = 0; i < 40; i++) {
      const out = await submitter.submit(clip(i));
      if (out.status === 'deferred') deferred.push(out.until);
      clock.advance(1000);
    }
    expect(postRequests()).toHaveLength(30);
    expect(deferred).toHaveLength(10);
    expect(deferred.every((t) => t === START + HOUR + 5_000)).toBe(true);
    clock.set(deferred[0]!);
    for (let i = 30; i < 40; i++) expect((await submitter.submit(clip(i))).status).toBe('submitted');
    expect(emu.server.requests.some((r) => r.status === 429)).toBe(false);
    expect(maxPerWindow(store.attempts)).toBeLessThanOrEqual(30);
    expect(livePosts()).toHaveLength(40 * 3);
    expect(uploadRequests()).toHaveLength(40);
  });

  it('honours a 429 caused elsewhere in the organization: defers to the block end and records it', async () => {
    const other = new PostizSubmitter({ client: client(), store: new MemorySubmissionStore(), clock });
    for (let i = 0; i < 30; i++) await other.submit(clip(100 + i));
    const store = new MemorySubmissionStore();
    const submitter = new PostizSubmitter({ client: client(), store, clock });
    clock.advance(60_000);
    const out = await submitter.submit(clip(1));
    expect(out).toEqual({ status: 'deferred', until: clock.now() + HOUR + 5_000, reason: 'rate_limit' });
    expect(await store.blockedUntil()).toBe(clock.now() + HOUR);
    expect(store.records.get('camp1:clip_1')!.intent).toBeUndefined();
    expect(await submitter.submit(clip(1))).toMatchObject({ status: 'deferred' }); // no second request while blocked
    expect(postRequests()).toHaveLength(31);
    clock.advance(HOUR + 5_000);
    expect(await submitter.submit(clip(1))).toMatchObject({ status: 'submitted' });
  });

  it('continues after a restart over the same durable state without duplicates', async () => {
    const store = new MemorySubmissionStore();
    const first = new PostizSubmitter({ client: client(), store, clock });
    const ids: Record<string, string>[] = [];
    for (let i = 0; i < 5; i++) {
      const out = await first.submit(clip(i));
      if (out.status === 'submitted') ids.push(out.postIds);
    }
    // The process dies mid-campaign; a new client and submitter over the same store take over.
    const second = new PostizSubmitter({ client: client({ basePath: 'auto' }), store, clock });
    for (let i = 0; i < 10; i++) {
      const out = await second.submit(clip(i));
      expect(out.status).toBe('submitted');
      if (i < 5 && out.status === 'submitted') expect(out.postIds).toEqual(ids[i]);
    }
    expect(postRequests()).toHaveLength(10);
    expect(uploadRequests()).toHaveLength(10);
    expect(livePosts()).toHaveLength(30);
  });

  it('reconciles a POST /posts whose answer was dropped (it succeeded server-side) via GET /posts, without a duplicate', async () => {
    const store = new MemorySubmissionStore();
    const submitter = new PostizSubmitter({ client: client(), store, clock });
    emu.server.faults.add({ method: 'POST', path: '/public/v1/posts', fault: { kind: 'drop-response' } });
    const out = await submitter.submit(clip(0));
    expect(out).toMatchObject({ status: 'submitted', reconciled: true });
    if (out.status !== 'submitted') return;
    expect(livePosts().map((p) => p.id).sort()).toEqual(Object.values(out.postIds).sort());
    expect(postRequests()).toHaveLength(1);
    expect(store.records.get('camp1:clip_0')!.intent).toBeUndefined();
  });

  it('reconciliation matches channel, date and content only: a neighbour post at the same time is not taken', async () => {
    const store = new MemorySubmissionStore();
    const submitter = new PostizSubmitter({ client: client(), store, clock });
    const neighbour = clip(0);
    neighbour.clipKey = 'other';
    neighbour.targets = neighbour.targets.map((t) => ({ ...t, content: { ...t.content, caption: `${t.content.caption} (other clip)` } }));
    const other = await submitter.submit(neighbour);
    emu.server.faults.add({ method: 'POST', path: '/public/v1/posts', fault: { kind: 'drop-response' } });
    const out = await submitter.submit(clip(0));
    expect(out).toMatchObject({ status: 'submitted', reconciled: true });
    if (out.status !== 'submitted' || other.status !== 'submitted') return;
    const mine = Object.values(out.postIds);
    expect(mine.some((id) => Object.values(other.postIds).includes(id))).toBe(false);
    expect(mine.map((id) => emu.store.posts.get(id)!.content)).toEqual(['<p>Clip 0 #fyp</p>', '<p>Clip 0 on IG</p>', '<p>Clip 0 description</p>']);
  });

  it('after a timeout whose effect lands later, the next run finds the posts instead of posting again', async () => {
    const store = new MemorySubmissionStore();
    // A real short delay, only to make the client time out after the server stored the posts.
    // undici's headers timer has a ~1 s resolution, so the delay must exceed that.
    emu.setPostsResponseDelay(2500);
    // The immediate look-up fails too, so the outcome stays unknown until the next run.
    emu.server.faults.add({ method: 'GET', path: '/public/v1/posts', fault: { kind: 'status', status: 503 } });
    const impatient = new PostizSubmitter({ client: client({ timeoutMs: 100 }), store, clock });
    const error = await impatient.submit(clip(0)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unknown_outcome', code: 'POSTIZ_NETWORK' });
    expect(store.records.get('camp1:clip_0')!.intent).toBeDefined();
    expect(livePosts()).toHaveLength(3);
    emu.setPostsResponseDelay(0);
    const restarted = new PostizSubmitter({ client: client(), store, clock });
    const out = await restarted.submit(clip(0));
    expect(out).toMatchObject({ status: 'submitted', reconciled: true });
    expect(postRequests()).toHaveLength(1);
    expect(livePosts()).toHaveLength(3);
  });

  it('a 500 on POST /posts that created nothing is reconciled (nothing found) and only then sent again, once', async () => {
    const store = new MemorySubmissionStore();
    const submitter = new PostizSubmitter({ client: client(), store, clock });
    emu.server.faults.add({ method: 'POST', path: '/public/v1/posts', fault: { kind: 'status', status: 500, body: { statusCode: 500, message: 'Internal server error' } } });
    const error = await submitter.submit(clip(0)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unknown_outcome', code: 'POSTIZ_SERVER_ERROR', status: 500 });
    expect(await submitter.submit(clip(0))).toMatchObject({ status: 'submitted', reconciled: true });
    expect(postRequests()).toHaveLength(2);
    expect(livePosts()).toHaveLength(3);
    expect(uploadRequests()).toHaveLength(1);
  });

  it('refuses invalid options before any request, and clears the intent on a server 400', async () => {
    const store = new MemorySubmissionStore();
    const submitter = new PostizSubmitter({ client: client(), store, clock });
    const bad = clip(0);
    bad.targets[2]!.content.title = 'x';
    await expect(submitter.submit(bad)).rejects.toMatchObject({ kind: 'invalid', code: 'POSTIZ_INVALID_OPTION', message: expect.stringContaining('"title"') });
    expect(emu.server.requests).toHaveLength(0);

    const unknownChannel = clip(1);
    unknownChannel.targets[0]!.channelId = 'gone';
    await expect(submitter.submit(unknownChannel)).rejects.toMatchObject({ kind: 'invalid', code: 'POSTIZ_INVALID', message: expect.stringContaining('Integration with id gone not found') });
    expect(store.records.get('camp1:clip_1')!.intent).toBeUndefined();
    expect(store.noEffect).toHaveLength(1);
    expect(store.attempts).toHaveLength(1); // still counted for pacing
  });
});
