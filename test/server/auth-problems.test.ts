import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey, listApiKeys, revokeApiKey } from '../../src/server/api-keys.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, slug: string): Record<string, unknown> {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ type: `https://clipcast.dev/problems/${slug}`, status });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(typeof body.instance).toBe('string');
  return body;
}

describe('API keys', () => {
  it('refuses a missing, malformed, unknown or revoked key with a 401 problem', async () => {
    f = await serverFixture({ expectWorker: false });
    const { server, app, key } = f;
    const missing = await server.inject({ url: '/posts' });
    expect(expectProblem(missing, 401, 'unauthorized').instance).toBe('/posts');
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="clipcast"');
    expectProblem(await server.inject({ url: '/posts', headers: { authorization: 'Bearer nonsense' } }), 401, 'unauthorized');
    expectProblem(await server.inject({ url: '/posts', headers: { authorization: key } }), 401, 'unauthorized');
    // Right prefix, wrong secret of the same length.
    const forged = `${key.slice(0, 12)}${'A'.repeat(key.length - 12)}`;
    expect(forged).not.toBe(key);
    expectProblem(await server.inject({ url: '/posts', headers: { authorization: `Bearer ${forged}` } }), 401, 'unauthorized');
    expect((await server.inject({ url: '/posts', headers: f.auth })).statusCode).toBe(200);

    const [listed] = await listApiKeys(app);
    expect(listed?.prefix).toBe(key.slice(3, 11));
    expect(JSON.stringify(await listApiKeys(app))).not.toContain(key.slice(12));
    expect(await revokeApiKey(app, listed?.id ?? '')).toBe(true);
    expect(await revokeApiKey(app, listed?.id ?? '')).toBe(false);
    expectProblem(await server.inject({ url: '/posts', headers: f.auth }), 401, 'unauthorized');
  });

  it('stores only the sha256 of a key and records its last use', async () => {
    f = await serverFixture({ expectWorker: false });
    const row = await f.app.store.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.hash).not.toContain(f.key);
    expect(row.last_used_at).toBeNull();
    await f.server.inject({ url: '/accounts', headers: f.auth });
    const after = await f.app.store.db.selectFrom('api_keys').select('last_used_at').executeTakeFirstOrThrow();
    expect(after.last_used_at).toBe(f.clock.now());
  });

  it('limits each key per minute with 429 and Retry-After, then lets it through in the next window', async () => {
    f = await serverFixture({ expectWorker: false, rateLimitPerMinute: 3 });
    const other = await createApiKey(f.app, 'other');
    f.clock.set(Date.UTC(2025, 11, 1, 9, 0, 15));
    for (let i = 0; i < 3; i++) expect((await f.server.inject({ url: '/campaigns', headers: f.auth })).statusCode).toBe(200);
    const limited = await f.server.inject({ url: '/campaigns', headers: f.auth });
    expectProblem(limited, 429, 'rate-limited');
    expect(limited.headers['retry-after']).toBe('45');
    // Another key has its own window.
    expect((await f.server.inject({ url: '/campaigns', headers: { authorization: `Bearer ${other.key}` } })).statusCode).toBe(200);
    f.clock.advance(45_000);
    expect((await f.server.inject({ url: '/campaigns', headers: f.auth })).statusCode).toBe(200);
  });

  it('leaves health, readiness, docs and the OpenAPI document open', async () => {
    f = await serverFixture({ expectWorker: false });
    expect((await f.server.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await f.server.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect((await f.server.inject({ url: '/docs' })).headers['content-type']).toMatch(/text\/html/);
    const doc = (await f.server.inject({ url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/publishing/providers', '/publishing/providers/{platform}', '/publishing/validate', '/posts', '/posts/{id}', '/accounts', '/campaigns', '/events', '/oauth/{platform}/start']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Post', 'Account', 'Problem']));
  });
});

describe('problem details', () => {
  it('answers bad JSON, schema violations, unknown routes and wrong media types as problems', async () => {
    f = await serverFixture({ expectWorker: false });
    const json = { ...f.auth, 'content-type': 'application/json' };
    expectProblem(await f.server.inject({ method: 'POST', url: '/accounts', headers: json, payload: '{"platform":' }), 400, 'bad-json');
    const invalid = expectProblem(await f.server.inject({ method: 'POST', url: '/accounts', headers: json, payload: JSON.stringify({ platform: 'tiktok', handle: 5 }) }), 400, 'validation');
    expect(invalid.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.handle' }), expect.objectContaining({ path: 'body.credentials' })]));
    expectProblem(await f.server.inject({ url: '/nowhere', headers: f.auth }), 404, 'not-found');
    expectProblem(await f.server.inject({ url: '/posts/post_missing', headers: f.auth }), 404, 'post-not-found');
    expectProblem(await f.server.inject({ method: 'POST', url: '/accounts', headers: { ...f.auth, 'content-type': 'text/csv' }, payload: 'a,b' }), 415, 'unsupported-media-type');
    expectProblem(await f.server.inject({ url: '/posts?limit=abc', headers: f.auth }), 400, 'validation');
    expectProblem(await f.server.inject({ url: '/posts?state=flying', headers: f.auth }), 400, 'validation');
  });

  it('refuses a body over the limit with 413', async () => {
    f = await serverFixture({ expectWorker: false, bodyLimit: 1024 });
    const payload = JSON.stringify({ platform: 'tiktok', handle: '@me', credentials: { access_token: 'x'.repeat(2000) } });
    expectProblem(await f.server.inject({ method: 'POST', url: '/accounts', headers: { ...f.auth, 'content-type': 'application/json' }, payload }), 413, 'body-too-large');
  });

  it('answers 501 for a part the server was built without', async () => {
    f = await serverFixture({ expectWorker: false });
    const res = await f.server.inject({ url: '/channels', headers: f.auth });
    expect(expectProblem(res, 501, 'not-configured').detail).toContain('Postiz');
    expectProblem(await f.server.inject({ method: 'POST', url: '/accounts/acct_x/check', headers: f.auth }), 501, 'not-configured');
  });
});

describe('CORS', () => {
  it('is off unless origins are configured', async () => {
    f = await serverFixture({ expectWorker: false });
    const res = await f.server.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await f.close();
    f = await serverFixture({ expectWorker: false, corsOrigins: ['https://dash.example'] });
    const preflight = await f.server.inject({ method: 'OPTIONS', url: '/posts', headers: { origin: 'https://dash.example', 'access-control-request-method': 'GET' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://dash.example');
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const other = await f.server.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
