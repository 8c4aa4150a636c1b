import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createMediaHandler } from '../../src/media/media-handler.js';
import { MediaUrlSigner } from '../../src/media/signed-url.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
let dir = '';
afterEach(async () => {
  await f?.close();
  f = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('signed media URLs', () => {
  it('serves a clip by signed URL without an API key, with Range, and refuses expired or tampered links', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clipcast-media-'));
    const bytes = randomBytes(64 * 1024);
    const sha = 'a'.repeat(64);
    writeFileSync(join(dir, `${sha}.mp4`), bytes);
    const ref: { signer?: MediaUrlSigner } = {};
    f = await serverFixture({
      expectWorker: false,
      mediaHandler: (req, res) => createMediaHandler({ signer: ref.signer!, resolve: (key) => (key === sha ? join(dir, `${sha}.mp4`) : undefined), clock: f!.clock })(req, res),
    });
    const url = await f.server.listen({ port: 0, host: '127.0.0.1' });
    const signer = (ref.signer = new MediaUrlSigner({ secret: randomBytes(32), publicBaseUrl: url }));
    const link = signer.sign(sha, f.clock.now() + 3_600_000);

    const whole = await request(link);
    expect(whole.statusCode).toBe(200);
    expect(Buffer.from(await whole.body.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await request(link, { headers: { range: 'bytes=100-1123' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-1123/${bytes.length}`);
    expect(Buffer.from(await part.body.arrayBuffer()).equals(bytes.subarray(100, 1124))).toBe(true);

    const head = await request(link, { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
    await head.body.dump();

    const tampered = await request(link.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A')));
    expect(tampered.statusCode).toBe(403);
    await tampered.body.dump();
    f.clock.advance(3_600_000);
    const expired = await request(link);
    expect(expired.statusCode).toBe(403);
    expect(expired.headers['content-type']).toBe('application/problem+json');
    expect(await expired.body.json()).toMatchObject({ status: 403, detail: 'Link expired' });
  });

  it('answers 501 without a media handler', async () => {
    f = await serverFixture({ expectWorker: false });
    const res = await f.server.inject({ url: '/media/abc?exp=1&sig=x' });
    expect(res.statusCode).toBe(501);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });
});
