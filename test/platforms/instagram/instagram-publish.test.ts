import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../../src/core/publish-error.js';
import { createWorld, drive, step, type World } from './instagram-world.js';

let world: World;
afterEach(async () => world?.close());

async function failure(p: Promise<unknown>): Promise<PublishError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

const publishCalls = (w: World) => w.emulator.server.requests.filter((r) => r.path.endsWith('/media_publish')).length;

describe('Instagram adapter against the emulator', () => {
  it('Facebook Login: resumable upload from disk, poll, publish, permalink', async () => {
    world = await createWorld({ flavour: 'facebook' });
    const result = await drive(world);
    const published = world.emulator.published();
    expect(published).toHaveLength(1);
    expect(published[0]!.sha256).toBe(world.file.sha256);
    expect(published[0]!.text).toBe('Hello #reels');
    expect(result.remoteId).toBe(published[0]!.remoteId);
    expect(result.permalink).toBe(published[0]!.permalink);
    expect(world.post.upload?.bytesAcked).toBe(world.file.size);
    expect(world.post.events.map((e) => e.type)).toEqual(expect.arrayContaining(['instagram_container_created', 'instagram_upload_complete', 'instagram_publish_intent', 'instagram_published']));
    const container = [...world.emulator.state.containers.values()][0]!;
    expect(container.params.thumb_offset).toBe('1500'); // from coverTimestampSec
    expect(container.mode).toBe('resumable');
    const page = await request(result.permalink!);
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toContain('Hello #reels');
  });

  it('Instagram Login: video_url pulled from the signed media handler with Range', async () => {
    world = await createWorld({ flavour: 'instagram' });
    await drive(world);
    expect(world.emulator.published()[0]!.sha256).toBe(world.file.sha256);
    expect(world.mediaRequests).toEqual([{ range: 'bytes=0-' }]);
    expect([...world.emulator.state.containers.values()][0]!.mode).toBe('url');
  });

  it('Instagram Login resumable: refused by default (FB only), accepted when the emulator allows it', async () => {
    world = await createWorld({ flavour: 'instagram', config: { uploadMode: 'resumable-everywhere' } });
    const error = await failure(step(world));
    expect(error.kind).toBe('invalid');
    world.emulator.knobs.igLoginResumable = true;
    await drive(world);
    expect(world.emulator.published()[0]!.sha256).toBe(world.file.sha256);
  });

  it('an interrupted resumable upload resumes from the offset Meta reports', async () => {
    world = await createWorld({ flavour: 'facebook', bytes: 2_000_000 });
    world.emulator.knobs.interruptNextUploadAfter = 700_000;
    expect((await step(world)).status).toBe('continue'); // container
    const error = await failure(step(world));
    expect(error.kind).toBe('retryable');
    expect(world.post.upload?.bytesAcked).toBe(700_000);
    await drive(world);
    expect(world.post.events.find((e) => e.type === 'instagram_upload_resumed')?.data).toMatchObject({ offset: 700_000 });
    expect(world.emulator.published()[0]!.sha256).toBe(world.file.sha256);
    expect(world.emulator.server.requests.filter((r) => r.path.includes('/ig-api-upload/')).length).toBe(2);
  });

  it('the upload answer dropped: the next step sees the bytes are in and does not upload again', async () => {
    world = await createWorld({ flavour: 'facebook' });
    world.emulator.knobs.processingMs = 0;
    world.emulator.server.faults.add({ method: 'POST', path: '/rupload.facebook.com/', fault: { kind: 'drop-response' } });
    await step(world);
    expect((await failure(step(world))).kind).toBe('retryable');
    await drive(world);
    expect(world.emulator.server.requests.filter((r) => r.path.includes('/ig-api-upload/')).length).toBe(1);
    expect(world.emulator.published()[0]!.sha256).toBe(world.file.sha256);
  });

  it('a restart mid-flow continues from the durable state (new adapter, same post)', async () => {
    world = await createWorld({ flavour: 'facebook' });
    await step(world);
    await step(world);
    const { createInstagramAdapter } = await import('../../../src/platforms/instagram/instagram-adapter.js');
    world.adapter = createInstagramAdapter({ config: world.config, clock: world.clock });
    await drive(world);
    expect(world.emulator.published()).toHaveLength(1);
    expect(world.emulator.state.containers.size).toBe(1);
  });

  it('container ERROR with a media subcode fails clearly; a download subcode asks for a new container', async () => {
    world = await createWorld({ flavour: 'facebook' });
    world.emulator.knobs.failNextContainerSubcode = 2207026;
    const error = await failure(drive(world));
    expect(error.kind).toBe('invalid');
    expect(error.platformCode).toBe('2207026');
    expect(error.message).toMatch(/unsupported video format/);
    world.emulator.knobs.failNextContainerSubcode = 2207052;
    const post = world.newPost();
    const again = await failure(drive(world, post));
    expect(again.kind).toBe('retryable');
    expect(post.remote.containerId).toBeNull();
    await drive(world, post); // a new container
    expect(world.emulator.published()).toHaveLength(1);
  });

  it.each([
    [{ mdatFirst: true }, 'facebook', 2207026],
    [{ editList: true }, 'instagram', 2207026],
    [{ durationMs: 1000 }, 'facebook', 2207057], // thumb_offset 1500 ms past a 1 s video
  ] as const)('the emulator checks the MP4 while it streams (%o on %s → %i)', async (mp4, flavour, subcode) => {
    world = await createWorld({ flavour, mp4 });
    const error = await failure(drive(world));
    expect(error).toMatchObject({ kind: 'invalid', platformCode: String(subcode) });
  });

  it('a URL the host refuses ends in ERROR 2207052 (fetch failed)', async () => {
    world = await createWorld({ flavour: 'instagram' });
    world.post.media = { ...world.post.media, publicUrl: `${world.post.media.publicUrl!.split('?')[0]}?exp=1&sig=${'A'.repeat(43)}` };
    const error = await failure(drive(world));
    expect(error.platformCode).toBe('2207052');
    expect(error.message).toMatch(/could not fetch the video/);
  });

  it('a container left 24 h is EXPIRED: a clear error and a new container next time', async () => {
    world = await createWorld({ flavour: 'facebook' });
    world.emulator.knobs.processingMs = 30 * 3_600_000;
    await step(world); // container
    await step(world); // upload
    for (let i = 0; i < 200 && world.clock.now() < world.post.scheduledAt + 86_400_000; i++) await step(world);
    const error = await failure(step(world));
    expect(error.code).toBe('INSTAGRAM_CONTAINER_EXPIRED');
    expect(world.post.remote.containerId).toBeNull();
    world.emulator.knobs.processingMs = 1000;
    await drive(world);
    expect(world.emulator.state.containers.size).toBe(2);
    expect(world.emulator.published()).toHaveLength(1);
  });

  it('polls once a minute for 5 minutes, then only reconciles with growing gaps, never publishing early', async () => {
    world = await createWorld({ flavour: 'facebook' });
    world.emulator.knobs.processingMs = 6 * 3_600_000;
    await step(world);
    await step(world);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await step(world);
      expect(r).toMatchObject({ status: 'continue', next: 'processing' });
      delays.push((r as { delayMs: number }).delayMs);
    }
    expect(delays).toEqual([60_000, 60_000, 60_000, 60_000, 900_000, 1_800_000, 3_600_000, 7_200_000]);
    expect(publishCalls(world)).toBe(0);
  });

  it('media_publish answered but dropped: the next step reconciles and never publishes twice', async () => {
    world = await createWorld({ flavour: 'facebook' });
    world.emulator.server.faults.add({ method: 'POST', path: '/\\/media_publish$/', fault: { kind: 'drop-response' } });
    let error: PublishError | undefined;
    for (let i = 0; i < 20 && !error; i++) error = await step(world).then(() => undefined, (e: PublishError) => e);
    expect(error?.kind).toBe('unknown_outcome');
    expect(world.emulator.published()).toHaveLength(1);
    const result = await drive(world);
    expect(world.emulator.published()).toHaveLength(1);
    expect(publishCalls(world)).toBe(1);
    expect(result.remoteId).toBe(world.emulator.published()[0]!.remoteId);
    expect(world.post.events.some((e) => e.type === 'instagram_reconciled')).toBe(true);
  });

  it('an intent without an outcome on a FINISHED container publishes once', async () => {
    world = await createWorld({ flavour: 'facebook' });
    world.emulator.server.faults.add({ method: 'POST', path: '/\\/media_publish$/', fault: { kind: 'reset' } });
    await failure(drive(world));
    expect(world.emulator.published()).toHaveLength(0);
    await drive(world);
    expect(world.emulator.published()).toHaveLength(1);
  });

  it('validates options and names the option and the allowed values', async () => {
    world = await createWorld();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ share_to_feed: 'yes' }, /share_to_feed.*true or false/],
      [{ collaborators: ['a', 'b', 'c', 'd'] }, /collaborators.*up to 3/],
      [{ thumb_offset: 99_000 }, /thumb_offset.*0\.\.11999/],
      [{ trial_params: { graduation_strategy: 'AUTO' } }, /trial_params.*MANUAL/],
      [{ privacy: 'public' }, /option privacy/],
      [{ location_id: 12 }, /location_id/],
    ];
    for (const [options, pattern] of cases) {
      const error = await failure(world.adapter.step(world.newPost({ options }).context()));
      expect(error.kind).toBe('invalid');
      expect(error.message).toMatch(pattern);
    }
    const post = world.newPost({ options: { share_to_feed: false, collaborators: ['bob'], user_tags: ['carol', { username: 'dan' }], trial_params: { graduation_strategy: 'MANUAL' }, location_id: '1234', cover_url: 'https://cdn.example.com/c.jpg' } });
    await drive(world, post);
    const params = [...world.emulator.state.containers.values()].at(-1)!.params;
    expect(params).toMatchObject({ share_to_feed: 'false', collaborators: '["bob"]', user_tags: '[{"username":"carol"},{"username":"dan"}]', trial_params: '{"graduation_strategy":"MANUAL"}', location_id: '1234', cover_url: 'https://cdn.example.com/c.jpg' });
    expect(params.thumb_offset).toBeUndefined(); // cover_url wins
  });
});
