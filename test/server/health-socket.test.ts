import { Writable } from 'node:stream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { startServer } from '../../src/server/build-server.js';
import { WORKER_HEARTBEAT_KEY } from '../../src/server/routes/health-routes.js';
import { ServerMetrics } from '../../src/server/server-metrics.js';
import { WORKER_HEARTBEAT_SETTING } from '../../src/worker/create-worker.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('/readyz', () => {
  it('reports the worker heartbeat: missing, alive, stale; absent without a worker', async () => {
    expect(WORKER_HEARTBEAT_KEY).toBe(WORKER_HEARTBEAT_SETTING);
    f = await serverFixture();
    const ready = async () => {
      const res = await f!.server.inject({ url: '/readyz' });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    };
    expect(await ready()).toMatchObject({ status: 503, body: { status: 'not_ready', store: 'ok', worker: 'missing' } });
    await f.app.store.setSetting(WORKER_HEARTBEAT_KEY, String(f.clock.now()), f.clock.now());
    f.clock.advance(29_000);
    expect(await ready()).toMatchObject({ status: 200, body: { status: 'ready', worker: 'alive', workerHeartbeatAgeMs: 29_000 } });
    f.clock.advance(2_000);
    expect(await ready()).toMatchObject({ status: 503, body: { worker: 'stale', workerHeartbeatAgeMs: 31_000 } });
    await f.close();
    f = await serverFixture({ expectWorker: false });
    expect(await ready()).toMatchObject({ status: 200, body: { worker: 'absent', store: 'ok' } });
  });

  it('answers 503 when the store is unreachable', async () => {
    f = await serverFixture({ expectWorker: false });
    await f.app.store.db.destroy();
    const res = await f.server.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ store: 'unreachable' });
    // The store is already closed: the fixture's cleanup must not close it twice.
    f.app.close = async () => undefined;
  });
});

describe('/metrics', () => {
  it('is keyed by default and exposes post counts from the store and what the engine feeds', async () => {
    f = await serverFixture({ expectWorker: false });
    const now = f.clock.now();
    const acct = accountFixture('tiktok', '@tt', now);
    await f.app.store.insertAccount(acct);
    await f.app.store.createCampaign(campaignFixture([acct], 3, now), now);
    expect((await f.server.inject({ url: '/metrics' })).statusCode).toBe(401);
    const text = (await f.server.inject({ url: '/metrics', headers: f.auth })).body;
    expect(text).toContain('clipcast_posts{platform="tiktok",state="scheduled"} 3');
    expect(text).toContain('clipcast_process_');
  });

  it('counts engine figures and can be public', async () => {
    f = await serverFixture({ expectWorker: false, publicMetrics: true });
    const metrics = new ServerMetrics(f.app.store, { defaultMetrics: false });
    metrics.observePublish('youtube', 42);
    metrics.addUploadBytes('youtube', 1_048_576);
    metrics.remoteError('instagram', 'INSTAGRAM_RATE_LIMITED');
    metrics.setQueueLag(3.5);
    metrics.countRequest('GET', '/posts', 200);
    const text = (await metrics.render()).body;
    expect(text).toContain('clipcast_publish_latency_seconds_bucket{le="60",platform="youtube"} 1');
    expect(text).toContain('clipcast_upload_bytes_total{platform="youtube"} 1048576');
    expect(text).toContain('clipcast_remote_errors_total{platform="instagram",code="INSTAGRAM_RATE_LIMITED"} 1');
    expect(text).toContain('clipcast_queue_lag_seconds 3.5');
    await f.server.inject({ url: '/healthz' });
    const served = await f.server.inject({ url: '/metrics' });
    expect(served.statusCode).toBe(200);
    expect(served.body).toContain('clipcast_http_requests_total{method="GET",route="/healthz",status="200"} 1');
  });
});

describe('over a real socket', () => {
  it('serves keyed JSON, problems for bad and oversize bodies, and logs no secret', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const home = mkdtempSync(join(tmpdir(), 'clipcast-socket-'));
    const app = await openApp(loadConfig({}, { home }));
    const { key } = await createApiKey(app, 'socket');
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const { server, url } = await startServer({ app, port: 0, expectWorker: false, logger: true, logStream, bodyLimit: 4096 });
    try {
      const auth = { authorization: `Bearer ${key}` };
      const ok = await request(`${url}/posts?limit=5`, { headers: auth });
      expect(ok.statusCode).toBe(200);
      expect(await ok.body.json()).toEqual({ posts: [], nextCursor: null });

      const noKey = await request(`${url}/accounts`);
      expect(noKey.statusCode).toBe(401);
      expect(noKey.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await noKey.body.json()).toMatchObject({ status: 401, instance: '/accounts' });

      const secret = 'super-secret-access-token-value';
      const bad = await request(`${url}/accounts`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: `{"platform":"tiktok","credentials":{"access_token":"${secret}"` });
      expect(bad.statusCode).toBe(400);
      const badBody = await bad.body.text();
      expect(badBody).not.toContain(secret);

      const huge = await request(`${url}/accounts`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(10_000) }) });
      expect(huge.statusCode).toBe(413);
      expect(await huge.body.json()).toMatchObject({ status: 413, type: 'https://clipcast.dev/problems/body-too-large' });

      const created = await request(`${url}/accounts`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ platform: 'tiktok', handle: '@sock', credentials: { client_key: 'ck', client_secret: secret, access_token: secret } }) });
      expect(created.statusCode).toBe(201);
      expect(await created.body.text()).not.toContain(secret);

      const cb = await request(`${url}/oauth/youtube/callback?code=oauth-code-should-not-be-logged&state=s`);
      await cb.body.dump();
      expect(cb.statusCode).toBe(501);

      const log = lines.join('');
      expect(log).toContain('"url":"/oauth/youtube/callback"');
      expect(log).not.toContain(key);
      expect(log).not.toContain(key.slice(12));
      expect(log).not.toContain(secret);
      expect(log).not.toContain('oauth-code-should-not-be-logged');
    } finally {
      await server.close();
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
