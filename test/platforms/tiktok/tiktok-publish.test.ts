import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { MIB5, publishError, restart, tiktokWorld, type TikTokWorld } from './tiktok-fixtures.js';

let world: TikTokWorld;
afterEach(async () => world?.close());

describe('TikTok adapter against the emulator: publishing', () => {
  it('posts a single-chunk clip SELF_ONLY once, with the exact bytes, and links the profile', async () => {
    world = await tiktokWorld();
    const media = await world.clip(1_000_000);
    const post = world.post(media);
    const result = await world.run(post);
    const published = world.emulator.published();
    expect(published).toHaveLength(1);
    expect(published[0]!.sha256).toBe(media.sha256);
    expect(published[0]!.text).toBe(post.content.caption);
    // SELF_ONLY completes without a public post id (§18.7): the publish id and the profile link.
    expect(result.remoteId).toBe(published[0]!.publishId);
    expect(result.permalink).toBe(`${world.emulator.url}/@${post.account.handle}`);
    expect((result as { note?: string }).note).toMatch(/^published as SELF_ONLY: only the creator sees it/);
    const task = world.emulator.uploadTask(published[0]!.publishId)!;
    expect(task.ranges).toEqual([{ first: 0, last: 999_999 }]);
    expect(post.events.map((e) => e.type)).toEqual(['tiktok_prepared', 'tiktok_init_intent', 'tiktok_init', 'tiktok_upload_complete', 'tiktok_publish_complete']);
  });

  it('keeps a public post id beyond 2^53 exact and links the post page the emulator serves', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(200_000), { privacy_level: 'PUBLIC_TO_EVERYONE' });
    const result = await world.run(post);
    const [published] = world.emulator.published();
    expect(result.remoteId).toMatch(/^\d{19}$/);
    expect(BigInt(result.remoteId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(result.remoteId).toBe(published!.remoteId);
    expect(result.permalink).toBe(`${world.emulator.url}/@${post.account.handle}/video/${result.remoteId}`);
    const page = await request(result.permalink!);
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain(result.remoteId);
  });

  it('uploads chunk by chunk in order (206…201), the last chunk absorbing the remainder', async () => {
    world = await tiktokWorld();
    const size = 3 * MIB5 + 123_457;
    const post = world.post(await world.clip(size));
    await world.run(post);
    const [published] = world.emulator.published();
    const task = world.emulator.uploadTask(published!.publishId)!;
    expect(task.totalChunkCount).toBe(3);
    expect(task.ranges).toEqual([
      { first: 0, last: MIB5 - 1 },
      { first: MIB5, last: 2 * MIB5 - 1 },
      { first: 2 * MIB5, last: size - 1 },
    ]);
    const puts = world.emulator.server.requests.filter((r) => r.method === 'PUT').map((r) => r.status);
    expect(puts).toEqual([206, 206, 201]);
    expect(published!.sha256).toBe(post.media.sha256);
  });

  it('resumes after a connection reset mid-chunk from the last acknowledged byte', async () => {
    world = await tiktokWorld();
    const size = 4 * MIB5 + 10;
    const post = world.post(await world.clip(size));
    world.emulator.server.faults.add({ method: 'PUT', path: '/upload/video/', after: 2, fault: { kind: 'reset-mid-body' } });
    await world.step(post);
    const err = await publishError(() => world.adapter.step(post.context()));
    expect(err.kind).toBe('retryable');
    expect(err.message).not.toContain('upload_token');
    expect(post.upload!.bytesAcked).toBe(2 * MIB5);
    await world.run(post);
    const [published] = world.emulator.published();
    const task = world.emulator.uploadTask(published!.publishId)!;
    // Each range accepted exactly once; only the interrupted chunk went twice over the wire.
    expect(task.ranges.map((r) => r.first)).toEqual([0, MIB5, 2 * MIB5, 3 * MIB5]);
    expect(world.emulator.requestCount('/upload/video/', 'PUT')).toBe(5);
    expect(world.emulator.server.faults.fired).toHaveLength(1);
    expect(task.wireBytes).toBe(size);
    expect(published!.sha256).toBe(post.media.sha256);
  });

  it('after a lost chunk answer, realigns on the 416 progress header instead of resending', async () => {
    world = await tiktokWorld();
    const size = 3 * MIB5 + 1;
    const post = world.post(await world.clip(size));
    world.emulator.server.faults.add({ method: 'PUT', path: '/upload/video/', after: 1, fault: { kind: 'drop-response' } });
    await world.step(post);
    expect((await publishError(() => world.adapter.step(post.context()))).kind).toBe('retryable');
    expect(post.upload!.bytesAcked).toBe(MIB5);
    await world.run(post);
    const [published] = world.emulator.published();
    const task = world.emulator.uploadTask(published!.publishId)!;
    expect(task.ranges.map((r) => r.first)).toEqual([0, MIB5, 2 * MIB5]);
    expect(task.wireBytes).toBe(size);
    // The chunk whose answer was lost went once more (refused with 416): at most one chunk extra.
    expect(task.drainedBytes).toBeLessThanOrEqual(MIB5);
    expect(post.events.some((e) => e.type === 'tiktok_upload_realigned' && e.data?.to === 2 * MIB5)).toBe(true);
  });

  it('a restarted worker (new context from the saved checkpoint) continues the same upload', async () => {
    world = await tiktokWorld();
    const size = 3 * MIB5 + 7;
    const first = world.post(await world.clip(size));
    world.emulator.server.faults.add({ method: 'PUT', path: '/upload/video/', after: 1, fault: { kind: 'reset' } });
    await world.step(first);
    await publishError(() => world.adapter.step(first.context()));
    const second = restart(first);
    expect(second.upload!.bytesAcked).toBe(MIB5);
    await world.run(second);
    expect(world.emulator.state.publishes.size).toBe(1);
    const [published] = world.emulator.published();
    expect(world.emulator.uploadTask(published!.publishId)!.ranges.map((r) => r.first)).toEqual([0, MIB5, 2 * MIB5]);
    expect(published!.sha256).toBe(second.media.sha256);
  });

  it('makes a fresh init when the saved upload URL has expired, recording why', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(3 * MIB5));
    world.emulator.server.faults.add({ method: 'PUT', path: '/upload/video/', after: 1, fault: { kind: 'reset' } });
    await world.step(post);
    await publishError(() => world.adapter.step(post.context()));
    const oldPublishId = post.remote.publishId;
    world.clock.advance(3_600_000);
    const resumed = restart(post);
    await world.run(resumed);
    const reason = resumed.events.find((e) => e.type === 'tiktok_upload_restarted')?.data;
    expect(reason).toMatchObject({ reason: 'upload_url_expired', previousPublishId: oldPublishId, bytesAcked: MIB5 });
    expect(world.emulator.state.publishes.size).toBe(2);
    const published = world.emulator.published();
    expect(published).toHaveLength(1);
    expect(published[0]!.publishId).not.toBe(oldPublishId);
    expect(world.emulator.uploadTask(published[0]!.publishId)!.ranges).toHaveLength(3);
  });

  it('restarts with a fresh init when TikTok answers 403 to a chunk (URL expired early)', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(2 * MIB5 + 5));
    await world.step(post);
    world.emulator.server.faults.add({ method: 'PUT', path: '/upload/video/', fault: { kind: 'reset' } });
    await publishError(() => world.adapter.step(post.context()));
    world.emulator.expireUploadUrls();
    await world.run(post);
    const restartEvent = post.events.find((e) => e.type === 'tiktok_upload_restarted');
    expect(restartEvent?.data?.reason).toBe('upload_url_expired_403');
    expect(world.emulator.published()).toHaveLength(1);
  });

  it('reconciles an init whose answer was lost: a FILE_UPLOAD orphan gets no bytes, a new init posts once', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(300_000));
    world.emulator.server.faults.add({ method: 'POST', path: '/v2/post/publish/video/init/', fault: { kind: 'drop-response' } });
    await world.step(post);
    const err = await publishError(() => world.adapter.step(post.context()));
    expect(err.kind).toBe('unknown_outcome');
    expect(post.remote.initIntentAt).toBeTypeOf('number');
    expect(post.remote.publishId).toBeNull();
    await world.run(post);
    expect(world.emulator.state.publishes.size).toBe(2);
    expect(world.emulator.published()).toHaveLength(1);
    expect(post.events.find((e) => e.type === 'tiktok_upload_restarted')?.data?.reason).toBe('init_outcome_unknown');
  });

  it('polls with growing delays while processing, then publishes', async () => {
    world = await tiktokWorld({ processingMs: 60_000 });
    const post = world.post(await world.clip(100_000));
    const delays: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await world.adapter.step(post.context());
      if (r.status === 'published') break;
      post.state = r.next;
      if (r.next === 'processing') delays.push(r.delayMs ?? 0);
      world.clock.advance(r.delayMs ?? 0);
    }
    expect(delays.slice(0, 4)).toEqual([5_000, 5_000, 7_500, 10_000]);
    expect(Math.max(...delays)).toBe(10_000);
    expect(world.emulator.published()).toHaveLength(1);
  });

  it('waits for moderation before a public post id appears', async () => {
    world = await tiktokWorld({ moderationMs: 45_000 });
    const post = world.post(await world.clip(100_000), { privacy_level: 'PUBLIC_TO_EVERYONE' });
    const result = await world.run(post);
    expect(result.remoteId).toMatch(/^\d{19}$/);
  });

  it('delivers to the inbox in inbox mode (a draft: published for this tool, not public yet)', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(2 * MIB5 + 1), { mode: 'inbox' });
    const result = await world.run(post);
    expect(result.remoteId).toMatch(/^v_inbox_file~v2\./);
    expect(result.note).toMatch(/inbox/);
    expect(world.emulator.requestCount('/v2/post/publish/inbox/video/init/')).toBe(1);
    expect(world.emulator.requestCount('/v2/post/publish/creator_info/query/')).toBe(0);
    expect(world.emulator.published()).toHaveLength(0);
    world.emulator.postInboxDraft(result.remoteId);
    expect(world.emulator.published()[0]!.sha256).toBe(post.media.sha256);
  });

  it('uses PULL_FROM_URL from a verified prefix when configured and the media has a public URL', async () => {
    world = await tiktokWorld({ verifiedUrlPrefixes: [], allowInsecurePull: true }, { pullFromUrl: true });
    const clip = await world.clip(700_000);
    world.emulator.settings.verifiedUrlPrefixes.push(`${world.emulator.url}/media/`);
    // The emulator itself serves no media: point at a file route the test adds.
    world.emulator.server.route('GET', '/media/:name', async () => ({ status: 200, headers: { 'content-type': 'video/mp4' }, body: await readFile(clip.path) }));
    const post = world.post({ ...clip, publicUrl: `${world.emulator.url}/media/clip.mp4` });
    for (let i = 0; i < 20; i++) {
      const r = await world.step(post);
      if (r.status === 'published') break;
      await world.emulator.idle(); // the download runs in real time; processing on the fake clock
      world.clock.advance(r.delayMs ?? 0);
    }
    const [published] = world.emulator.published();
    expect(published!.publishId).toMatch(/^v_pub_url~v2\./);
    expect(published!.sha256).toBe(clip.sha256);
    expect(world.emulator.server.requests.some((r) => r.method === 'PUT')).toBe(false);
  });
});
