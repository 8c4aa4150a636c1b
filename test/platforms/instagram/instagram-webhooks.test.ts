import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/core/clock.js';
import { verifyWebhookChallenge, verifyWebhookSignature } from '../../../src/platforms/instagram/instagram-webhooks.js';
import { createInstagramEmulator, type InstagramEmulator } from '../../../src/sandbox/instagram/instagram-emulator.js';

describe('Instagram webhooks: verification GET and X-Hub-Signature-256 POSTs over HTTP', () => {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  let emulator: InstagramEmulator;
  let server: Server;
  let url: string;
  const received: { ok: boolean; body: string }[] = [];
  let answer = 200;

  beforeAll(async () => {
    emulator = await createInstagramEmulator({ clock });
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET') {
        const r = verifyWebhookChallenge(u.searchParams, 'my-verify-token');
        res.writeHead(r.status, { 'content-type': 'text/plain' }).end(r.body);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const ok = verifyWebhookSignature(raw, req.headers['x-hub-signature-256'], emulator.apps.facebook.clientSecret);
        received.push({ ok, body: raw.toString() });
        res.writeHead(ok ? answer : 401).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/instagram`;
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('echoes hub.challenge for the right verify token, 403 otherwise', async () => {
    expect(await emulator.webhooks.verify(url, 'my-verify-token')).toEqual({ ok: true, status: 200 });
    expect(await emulator.webhooks.verify(url, 'wrong')).toEqual({ ok: false, status: 403 });
    expect(verifyWebhookChallenge(new URLSearchParams('hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=my-verify-token'), 'my-verify-token').status).toBe(403);
  });

  it('accepts a genuine signature and rejects a forged one', async () => {
    const payload = { object: 'instagram', entry: [{ id: '17841405726653026', time: 1520622968, changes: [{ field: 'comments', value: { id: '1', text: 'nice ✨' } }] }] };
    const good = await emulator.webhooks.send(url, payload);
    expect(good.delivered).toBe(true);
    const forged = await emulator.webhooks.send(url, payload, { signWith: 'attacker-secret' });
    expect(forged.delivered).toBe(false);
    expect(received.map((r) => r.ok)).toEqual([true, false]);
    expect(verifyWebhookSignature('{}', 'sha256=zz', 'k')).toBe(false);
    expect(verifyWebhookSignature('{}', undefined, 'k')).toBe(false);
  });

  it('retries a failed delivery once it falls due on the clock', async () => {
    answer = 500;
    const d = await emulator.webhooks.send(url, { object: 'instagram', entry: [] });
    expect(d).toMatchObject({ delivered: false, attempts: 1, lastStatus: 500 });
    answer = 200;
    await emulator.webhooks.retryDue(url);
    expect(d.attempts).toBe(1);
    clock.advance(60_000);
    await emulator.webhooks.retryDue(url);
    expect(d).toMatchObject({ delivered: true, attempts: 2 });
  });
});
