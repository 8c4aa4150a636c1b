import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { publishError, tiktokWorld, type TikTokWorld } from './tiktok-fixtures.js';

let world: TikTokWorld | undefined;
let media: Server | undefined;
afterEach(async () => {
  await world?.close();
  await new Promise((r) => (media ? media.close(r) : r(undefined)));
  world = undefined;
  media = undefined;
});

/** A media server: `/redirect` answers 302, `/slow` sends a little then stalls, anything else 404. */
async function mediaServer(): Promise<string> {
  media = createServer((req, res) => {
    if (req.url === '/clips/redirect.mp4') {
      res.writeHead(302, { location: '/clips/other.mp4' }).end();
    } else if (req.url === '/clips/slow.mp4') {
      // Never finishes: the download stays in progress until cancelled.
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 1_000_000 });
      res.write(Buffer.alloc(1000));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => media!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(media!.address() as AddressInfo).port}/clips/`;
}

describe('TikTok PULL_FROM_URL', () => {
  it('a redirecting URL fails the pull (video_pull_failed → retryable, with a fresh init next time)', async () => {
    const prefix = await mediaServer();
    world = await tiktokWorld({ verifiedUrlPrefixes: [prefix], allowInsecurePull: true }, { pullFromUrl: true });
    const post = world.post({ ...(await world.clip(1000)), publicUrl: `${prefix}redirect.mp4` });
    await world.step(post);
    await world.step(post);
    await world.emulator.idle();
    const err = await publishError(() => world!.step(post));
    expect(err.code).toBe('TIKTOK_FAILED_VIDEO_PULL_FAILED');
    expect(err.kind).toBe('retryable');
    expect(post.remote.publishId).toBeNull();
  });

  it('cancel stops a download in progress (publish_cancelled); a finished one is not cancellable', async () => {
    const prefix = await mediaServer();
    world = await tiktokWorld({ verifiedUrlPrefixes: [prefix], allowInsecurePull: true }, { pullFromUrl: true });
    const post = world.post({ ...(await world.clip(1000)), publicUrl: `${prefix}slow.mp4` });
    await world.step(post);
    await world.step(post);
    const cancel = async () => {
      const res = await request(`${world!.emulator.url}/v2/post/publish/cancel/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${post.account.credentials.accessToken}`, 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify({ publish_id: post.remote.publishId }),
      });
      return ((await res.body.json()) as { error: { code: string } }).error.code;
    };
    expect(await cancel()).toBe('ok');
    await world.emulator.idle();
    const err = await publishError(() => world!.step(post));
    expect(err.code).toBe('TIKTOK_FAILED_PUBLISH_CANCELLED');
    expect(err.kind).toBe('invalid');
    expect(await cancel()).toBe('publish_not_cancellable'); // already final
  });

  it('a PULL init whose answer was lost is not retried blindly: TikTok may be posting it already', async () => {
    world = await tiktokWorld({ verifiedUrlPrefixes: ['https://media.example.com/'] }, { pullFromUrl: true });
    const post = world.post({ ...(await world.clip(1000)), publicUrl: 'https://media.example.com/clip.mp4' });
    await world.step(post);
    world.emulator.server.faults.add({ method: 'POST', path: '/v2/post/publish/video/init/', fault: { kind: 'drop-response' } });
    expect((await publishError(() => world!.step(post))).kind).toBe('unknown_outcome');
    const err = await publishError(() => world!.step(post));
    expect(err.code).toBe('TIKTOK_INIT_OUTCOME_UNKNOWN');
    expect(err.kind).toBe('invalid');
    expect(world.emulator.requestCount('/v2/post/publish/video/init/')).toBe(1);
  });
});
