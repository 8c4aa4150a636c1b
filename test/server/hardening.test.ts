import { connect } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { markWebhookSeen, WEBHOOK_SEEN_TTL_MS } from '../../src/server/webhook-dedupe.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, slug?: string): Record<string, unknown> {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, ...(slug ? { type: `https://clipcast.dev/problems/${slug}` } : {}) });
  return body;
}

async function rowCounts(fx: ServerFixture): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['accounts', 'campaigns', 'posts', 'events'] as const) {
    out[table] = Number((await fx.app.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  }
  return out;
}

describe('authentication', () => {
  it('takes the Bearer scheme in any case', async () => {
    f = await serverFixture({ expectWorker: false });
    for (const scheme of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
      expect((await f.server.inject({ url: '/accounts', headers: { authorization: `${scheme} ${f.key}` } })).statusCode, scheme).toBe(200);
    }
    expectProblem(await f.server.inject({ url: '/accounts', headers: { authorization: `Basic ${f.key}` } }), 401, 'unauthorized');
    expectProblem(await f.server.inject({ url: '/accounts', headers: { authorization: `Bearer${f.key}` } }), 401, 'unauthorized');
  });

  it('limits requests without a valid key per client, before looking the key up', async () => {
    f = await serverFixture({ expectWorker: false, unauthenticatedPerMinute: 5 });
    f.clock.set(Date.UTC(2025, 11, 1, 9, 0, 20));
    for (let i = 0; i < 5; i++) expectProblem(await f.server.inject({ url: '/posts', headers: i % 2 ? { authorization: 'Bearer cc_nope_nope' } : {} }), 401, 'unauthorized');
    const limited = expectProblem(await f.server.inject({ url: '/posts', headers: { authorization: 'Bearer cc_nope_nope' } }), 429, 'rate-limited');
    expect(limited.detail).toMatch(/without a valid API key/);
    const again = await f.server.inject({ url: '/posts' });
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('40');
    // The client is refused before any key is looked up (even a valid one) until the window ends;
    // public routes are not limited.
    expectProblem(await f.server.inject({ url: '/posts', headers: f.auth }), 429, 'rate-limited');
    expect((await f.server.inject({ url: '/healthz' })).statusCode).toBe(200);
    f.clock.advance(40_000);
    expect((await f.server.inject({ url: '/posts', headers: f.auth })).statusCode).toBe(200);
    expectProblem(await f.server.inject({ url: '/posts' }), 401, 'unauthorized');
  });
});

describe('CORS on @fastify/cors', () => {
  it('answers preflights without a key and puts its headers on a 401 too', async () => {
    f = await serverFixture({ expectWorker: false, corsOrigins: ['https://dash.example'], unauthenticatedPerMinute: 1 });
    for (let i = 0; i < 3; i++) {
      const preflight = await f.server.inject({ method: 'OPTIONS', url: '/accounts', headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://dash.example');
      expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    }
    const denied = await f.server.inject({ url: '/accounts', headers: { origin: 'https://dash.example' } });
    expectProblem(denied, 401, 'unauthorized');
    expect(denied.headers['access-control-allow-origin']).toBe('https://dash.example');
    // Preflights did not count against the client; the 401 used its one keyless request.
    const limited = await f.server.inject({ url: '/accounts', headers: { origin: 'https://evil.example', ...f.auth } });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('problem documents everywhere', () => {
  it('answers text/plain bodies 415, not 400', async () => {
    f = await serverFixture({ expectWorker: false });
    expectProblem(await f.server.inject({ method: 'POST', url: '/accounts', headers: { ...f.auth, 'content-type': 'text/plain' }, payload: '{"platform":"tiktok"}' }), 415, 'unsupported-media-type');
    expectProblem(await f.server.inject({ method: 'POST', url: '/publishing/validate', headers: { ...f.auth, 'content-type': 'text/plain; charset=utf-8' }, payload: 'hello' }), 415, 'unsupported-media-type');
  });

  it('answers bad URLs, over-long path segments and over-large request heads as problems', async () => {
    f = await serverFixture({ expectWorker: false });
    expectProblem(await f.server.inject({ url: '/posts/%zz', headers: f.auth }), 400, 'bad-url');
    const long = expectProblem(await f.server.inject({ url: `/posts/${'a'.repeat(300)}`, headers: f.auth }), 414, 'uri-too-long');
    expect(String(long.instance).length).toBeLessThanOrEqual(201);
    const url = await f.server.listen({ port: 0, host: '127.0.0.1' });
    const huge = await request(`${url}/posts/${'a'.repeat(20_000)}`, { headers: f.auth });
    expect(huge.statusCode).toBe(431);
    expect(huge.headers['content-type']).toBe('application/problem+json');
    expect(await huge.body.json()).toMatchObject({ status: 431, type: 'https://clipcast.dev/problems/headers-too-large' });
    // Not HTTP at all.
    const { port } = new URL(url);
    const raw = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('HELLO THERE\r\n\r\n'));
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('application/problem+json');
  });
});

describe('NUL characters', () => {
  it('answers 400 naming the field wherever one appears, and writes nothing', async () => {
    f = await serverFixture({ expectWorker: false });
    const before = await rowCounts(f);
    const json = { ...f.auth, 'content-type': 'application/json' };
    const cases: [string, { method?: 'GET' | 'POST'; url: string; payload?: string }][] = [
      ['params.id', { url: '/posts/ab%00cd' }],
      ['querystring.campaign', { url: '/posts?campaign=a%00' }],
      ['body.handle', { method: 'POST', url: '/accounts', payload: JSON.stringify({ platform: 'tiktok', handle: '@a\u0000b', credentials: { access_token: 'x' } }) }],
      ['body.credentials.access_token', { method: 'POST', url: '/accounts', payload: JSON.stringify({ platform: 'tiktok', handle: '@ab', credentials: { access_token: 'x\u0000' } }) }],
      ['body.credentials', { method: 'POST', url: '/accounts', payload: JSON.stringify({ platform: 'tiktok', handle: '@ab', credentials: { 'k\u0000': 'x' } }) }],
      ['body.params.caption', { method: 'POST', url: '/publishing/validate', payload: JSON.stringify({ platform: 'tiktok', params: { caption: 'hi\u0000there' } }) }],
    ];
    for (const [path, req] of cases) {
      const body = expectProblem(await f.server.inject({ method: req.method ?? 'GET', url: req.url, headers: json, ...(req.payload ? { payload: req.payload } : {}) }), 400, 'nul-byte');
      expect(body.errors, path).toEqual([expect.objectContaining({ path })]);
    }
    expect(await rowCounts(f)).toEqual(before);
  });

  it('is refused by the account service too (the CLI path), naming the field', async () => {
    f = await serverFixture({ expectWorker: false });
    await expect(f.app.accounts.add({ platform: 'tiktok', handle: '@me', displayName: 'Me\u0000', credentials: { access_token: 'x' } })).rejects.toMatchObject({ code: 'NUL_BYTE', subject: 'displayName' });
    expect(await f.app.store.listAccounts()).toEqual([]);
  });
});

describe('POST /posts/{id}/reschedule', () => {
  it('refuses a time in the past, as the CLI does', async () => {
    f = await serverFixture({ expectWorker: false });
    const account = accountFixture('tiktok', '@maker', f.clock.now());
    await f.app.store.insertAccount(account);
    const input = campaignFixture([account], 1, f.clock.now() + 3_600_000);
    await f.app.store.createCampaign(input, f.clock.now());
    const id = input.posts[0]!.id;
    const before = await rowCounts(f);
    const past = expectProblem(await f.server.inject({ method: 'POST', url: `/posts/${id}/reschedule`, headers: f.auth, payload: { at: '2020-01-01T00:00:00Z' } }), 422, 'at-in-past');
    expect(past).toMatchObject({ code: 'START_IN_PAST', errors: [{ path: 'body.at' }] });
    expect(await rowCounts(f)).toEqual(before);
    const soon = new Date(f.clock.now() + 3_600_000).toISOString();
    expect((await f.server.inject({ method: 'POST', url: `/posts/${id}/reschedule`, headers: f.auth, payload: { at: soon } })).statusCode).toBe(200);
  });
});

describe('webhook dedupe', () => {
  it('forgets delivery ids after the retention period', async () => {
    f = await serverFixture({ expectWorker: false });
    const seen = () => f!.app.store.db.selectFrom('settings').select('key').where('key', 'like', 'webhook.seen.%').execute();
    expect(await markWebhookSeen(f.app, 'tiktok', 'a')).toBe(true);
    expect(await markWebhookSeen(f.app, 'tiktok', 'a')).toBe(false);
    f.clock.advance(WEBHOOK_SEEN_TTL_MS - 3_600_000);
    expect(await markWebhookSeen(f.app, 'meta', 'b')).toBe(true);
    expect((await seen()).map((r) => r.key).sort()).toEqual(['webhook.seen.meta.b', 'webhook.seen.tiktok.a']);
    f.clock.advance(2 * 3_600_000);
    expect(await markWebhookSeen(f.app, 'meta', 'c')).toBe(true);
    expect((await seen()).map((r) => r.key).sort()).toEqual(['webhook.seen.meta.b', 'webhook.seen.meta.c']);
  });
});
