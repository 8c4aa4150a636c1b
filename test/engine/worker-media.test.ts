import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/ports/notifier.js';
import { createWorker } from '../../src/worker/create-worker.js';
import { engineHarness, FAST_TUNE } from '../helpers/engine-harness.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

describe('a worker alone publishes Instagram Login reels (it serves the signed media route itself)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  async function igLoginHarness() {
    h = await engineHarness({ platforms: [] });
    const a = h.sandbox.instagram.createSandboxAccount('reels_login', { flavour: 'instagram' });
    await h.app.accounts.add({ platform: 'instagram', handle: a.handle, externalId: a.externalId, credentials: a.credentials, sandbox: true });
    return h;
  }

  it('pulls each video_url from the worker: every post published once, served with byte ranges and a valid signature only', async () => {
    const hx = await igLoginHarness();
    const worker = await createWorker({ app: hx.app, logger: silentLogger, sandbox: hx.sandbox.urls, tune: FAST_TUNE, serveMedia: { host: '127.0.0.1', port: 0 } });
    try {
      expect(worker.media?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await hx.schedule('instagram', '1m');
      const posts = await hx.drive(worker.engine, 500);
      expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
      const containers = (await hx.app.store.listEvents({})).filter((e) => e.type === 'instagram_container_created');
      expect(containers.map((e) => e.data.mode)).toEqual(Array(4).fill('url'));
      for (const p of posts) {
        const clip = await hx.app.store.getClip(p.clipRowId);
        expect(hx.sandbox.instagram.published().filter((r) => r.sha256 === clip!.mediaSha256)).toHaveLength(1);
      }
      // The route is the signed one: a URL without a valid signature is refused, a signed one serves ranges.
      const clip = (await hx.app.store.getClip(posts[0]!.clipRowId))!;
      const unsigned = await request(`${worker.media!.url}/media/${clip.mediaSha256}`);
      await unsigned.body.dump();
      expect(unsigned.statusCode).toBeGreaterThanOrEqual(400);
      const signed = worker.media!.signer.sign(clip.mediaSha256, hx.clock.now() + 60_000);
      const part = await request(signed, { headers: { range: 'bytes=0-9' } });
      expect(part.statusCode).toBe(206);
      expect((await part.body.arrayBuffer()).byteLength).toBe(10);
      const other = await request(`${worker.media!.url}/posts`);
      await other.body.dump();
      expect(other.statusCode).toBe(404);
    } finally {
      await worker.media?.close();
    }
  });

  it('without a media route the same posts fail with the reason (the case the route fixes)', async () => {
    const hx = await igLoginHarness();
    const worker = await createWorker({ app: hx.app, logger: silentLogger, sandbox: hx.sandbox.urls, tune: FAST_TUNE });
    expect(worker.media).toBeUndefined();
    await hx.schedule('instagram', '1m');
    const posts = await hx.drive(worker.engine, 100);
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('failed'));
    expect(posts[0]!.lastError).toMatchObject({ code: 'INSTAGRAM_NO_PUBLIC_URL' });
  });
});
