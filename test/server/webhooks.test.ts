import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { platformWebhookSinks } from '../../src/server/platform-webhooks.js';
import type { IncomingWebhook, WebhookSinks } from '../../src/server/server-parts.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

const TIKTOK_SECRET = 'tiktok-client-secret';
const META_SECRET = 'meta-app-secret';

function tiktokSignature(body: string, t: number): string {
  return `t=${t},s=${createHmac('sha256', TIKTOK_SECRET).update(`${t}.${body}`).digest('hex')}`;
}

let f: ServerFixture | undefined;
let url = '';
afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function listening(received: IncomingWebhook[], sink?: WebhookSinks['sink']): Promise<void> {
  const webhooks = platformWebhookSinks({ tiktokClientSecret: TIKTOK_SECRET, metaAppSecret: META_SECRET, metaVerifyToken: 'verify-me', sink: sink ?? ((e) => void received.push(e)) });
  f = await serverFixture({ expectWorker: false, webhooks });
  url = await (f.server as FastifyInstance).listen({ port: 0, host: '127.0.0.1' });
}

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await request(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> };
}

describe('TikTok webhooks', () => {
  // Spacing a re-serialization would change: the signature covers these exact bytes.
  const body = '{"client_key":"ck",  "event":"post.publish.complete","create_time":1764579600,"user_openid":"u1","content":"{\\"publish_id\\":\\"v_pub_file~v2-1.7431234567890123456\\",\\"publish_type\\":\\"DIRECT_POST\\"}"}';

  it('accepts a valid signature over the raw body once, and answers a duplicate without reaching the sink', async () => {
    const received: IncomingWebhook[] = [];
    await listening(received);
    const t = Math.floor(f!.clock.now() / 1000);
    const first = await post('/webhooks/tiktok', body, { 'tiktok-signature': tiktokSignature(body, t) });
    expect(first).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    const again = await post('/webhooks/tiktok', body, { 'Tiktok-Signature': tiktokSignature(body, t) });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ source: 'tiktok', body: { event: 'post.publish.complete' } });
    expect(received[0]?.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses forged, stale, missing and body-mismatched signatures with 401 problems', async () => {
    const received: IncomingWebhook[] = [];
    await listening(received);
    const t = Math.floor(f!.clock.now() / 1000);
    const forged = tiktokSignature(body, t).replace(/s=(.)/, (_m, c: string) => `s=${c === '0' ? '1' : '0'}`);
    const cases: Record<string, string>[] = [{ 'tiktok-signature': forged }, { 'tiktok-signature': tiktokSignature(body, t - 301) }, {}, { 'tiktok-signature': 't=abc' }];
    for (const headers of cases) {
      const res = await post('/webhooks/tiktok', body, headers);
      expect(res.status).toBe(401);
      expect(String(res.headers['content-type'])).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ type: 'https://clipcast.dev/problems/bad-signature' });
    }
    const reparsed = JSON.stringify(JSON.parse(body));
    expect((await post('/webhooks/tiktok', reparsed, { 'tiktok-signature': tiktokSignature(body, t) })).status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('forgets a delivery the sink failed on, so the retry is processed', async () => {
    let calls = 0;
    await listening([], () => {
      calls++;
      if (calls === 1) throw new Error('engine busy');
    });
    const sig = tiktokSignature(body, Math.floor(f!.clock.now() / 1000));
    expect((await post('/webhooks/tiktok', body, { 'tiktok-signature': sig })).status).toBe(500);
    expect(await post('/webhooks/tiktok', body, { 'tiktok-signature': sig })).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(calls).toBe(2);
  });

  it('refuses a body over 256 KiB with 413', async () => {
    await listening([]);
    const big = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
    const res = await post('/webhooks/tiktok', big, { 'tiktok-signature': tiktokSignature(big, Math.floor(f!.clock.now() / 1000)) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ type: 'https://clipcast.dev/problems/body-too-large' });
  });
});

describe('Meta webhooks', () => {
  it('answers the subscription challenge only with the right verify token', async () => {
    await listening([]);
    const ok = await request(`${url}/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me`);
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toBe('1158201444');
    const wrong = await request(`${url}/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess`);
    expect(wrong.statusCode).toBe(403);
    expect(await wrong.body.json()).toMatchObject({ type: 'https://clipcast.dev/problems/bad-verify-token' });
  });

  it('checks X-Hub-Signature-256 over the raw bytes and deduplicates', async () => {
    const received: IncomingWebhook[] = [];
    await listening(received);
    const body = '{"object":"instagram","entry":[{"id":"17841405726653026","time":1520622968,"changes":[{"field":"mentions","value":{"media_id":"17918195224117851"}}]}]}';
    const sig = `sha256=${createHmac('sha256', META_SECRET).update(body).digest('hex')}`;
    expect((await post('/webhooks/meta', body, { 'x-hub-signature-256': sig })).status).toBe(200);
    expect((await post('/webhooks/meta', body, { 'x-hub-signature-256': sig })).body).toMatchObject({ duplicate: true });
    expect((await post('/webhooks/meta', `${body} `, { 'x-hub-signature-256': sig })).status).toBe(401);
    expect((await post('/webhooks/meta', body, { 'x-hub-signature-256': sig.replace('sha256=', 'sha1=') })).status).toBe(401);
    expect(received.map((e) => e.source)).toEqual(['meta']);
    expect(received[0]?.body).toMatchObject({ object: 'instagram' });
  });

  it('answers 501 where webhooks are not configured', async () => {
    f = await serverFixture({ expectWorker: false });
    const res = await f.server.inject({ method: 'POST', url: '/webhooks/meta', payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(501);
  });
});
