import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { createMediaHandler, parseRange } from '../../src/media/media-handler.js';
import { MediaUrlSigner } from '../../src/media/signed-url.js';

const SECRET = 'a'.repeat(40);

describe('signed media URLs over real HTTP', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const data = randomBytes(200_000);
  const sha = createHash('sha256').update(data).digest('hex');
  let dir: string;
  let server: Server;
  let signer: MediaUrlSigner;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clipcast-media-'));
    await writeFile(join(dir, `${sha}.mp4`), data);
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    signer = new MediaUrlSigner({ secret: SECRET, publicBaseUrl: base });
    const handler = createMediaHandler({ signer, clock, resolve: (key) => (key === sha ? join(dir, `${sha}.mp4`) : undefined) });
    server.on('request', (req, res) => void handler(req, res));
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the whole file with Content-Length and Accept-Ranges', async () => {
    const res = await request(signer.sign(sha, clock.now() + 60_000));
    const body = Buffer.from(await res.body.arrayBuffer());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(data.length));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(body.equals(data)).toBe(true);
  });

  it('answers ranges with 206 and the exact bytes, suffix and open ranges too', async () => {
    const url = signer.sign(sha, clock.now() + 60_000);
    const a = await request(url, { headers: { range: 'bytes=100-199' } });
    expect(a.statusCode).toBe(206);
    expect(a.headers['content-range']).toBe(`bytes 100-199/${data.length}`);
    expect(Buffer.from(await a.body.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);
    const b = await request(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await b.body.arrayBuffer()).equals(data.subarray(data.length - 10))).toBe(true);
    const c = await request(url, { headers: { range: 'bytes=199990-' } });
    expect(c.headers['content-length']).toBe('10');
    expect(Buffer.from(await c.body.arrayBuffer()).equals(data.subarray(199_990))).toBe(true);
  });

  it('answers 416 with Content-Range */size for an unsatisfiable range', async () => {
    const res = await request(signer.sign(sha, clock.now() + 60_000), { headers: { range: `bytes=${data.length}-` } });
    await res.body.dump();
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${data.length}`);
  });

  it('refuses forged, tampered and expired links', async () => {
    const url = new URL(signer.sign(sha, clock.now() + 60_000));
    const forged = new URL(url);
    forged.searchParams.set('sig', Buffer.alloc(32, 7).toString('base64url'));
    const tampered = new URL(url);
    tampered.searchParams.set('exp', String(clock.now() + 10 * 60_000));
    for (const u of [forged, tampered]) {
      const res = await request(u);
      await res.body.dump();
      expect(res.statusCode).toBe(403);
    }
    const other = new MediaUrlSigner({ secret: 'b'.repeat(40), publicBaseUrl: url.origin }).sign(sha, clock.now() + 60_000);
    expect((await request(other)).statusCode).toBe(403);
    clock.advance(60_000);
    const expired = await request(url);
    expect(expired.headers['content-type']).toBe('application/problem+json');
    expect(await expired.body.json()).toMatchObject({ status: 403, detail: 'Link expired', type: 'https://clipcast.dev/problems/media-link-expired' });
    expect(expired.statusCode).toBe(403);
  });

  it('answers 404 for an unknown key and 405 for other methods', async () => {
    const res = await request(signer.sign('f'.repeat(64), clock.now() + 60_000));
    await res.body.dump();
    expect(res.statusCode).toBe(404);
    const post = await request(signer.sign(sha, clock.now() + 60_000), { method: 'POST', body: 'x' });
    await post.body.dump();
    expect(post.statusCode).toBe(405);
  });

  it('parses ranges per RFC 9110', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,3-4', 10)).toBeUndefined();
    expect(parseRange(undefined, 10)).toBeUndefined();
  });

  it('rejects short secrets and keeps the secret out of URLs', () => {
    expect(() => new MediaUrlSigner({ secret: 'short', publicBaseUrl: 'http://x' })).toThrow(/32 bytes/);
    expect(signer.sign(sha, clock.now() + 1000)).not.toContain(SECRET);
  });
});
