import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/build-server.js';
import { coreCampaignCreator } from '../../src/server/core-campaigns.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

const example = fileURLToPath(new URL('../../examples/campaign', import.meta.url));

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function withCreator(allowedRoots?: string[]): Promise<ServerFixture> {
  const fx = await serverFixture({ expectWorker: false });
  // The creator needs the fixture's app: rebuild the server with it.
  await fx.server.close();
  fx.server = buildServer({ app: fx.app, expectWorker: false, campaigns: coreCampaignCreator(fx.app, { defaultTimezone: 'UTC', ...(allowedRoots ? { allowedRoots } : {}) }) });
  await fx.server.ready();
  await fx.app.accounts.add({ platform: 'tiktok', handle: '@maker', credentials: { client_key: 'ck', client_secret: 'cs', access_token: 'at' } });
  return fx;
}

describe('POST /campaigns', () => {
  it('plans the example CLIPER folder through the core use cases, once', async () => {
    f = await withCreator();
    const body = { sourceDir: example, startDate: '2026-12-01 09:00', interval: '4h', platforms: ['tiktok'], timezone: 'UTC' };
    const first = await f.server.inject({ method: 'POST', url: '/campaigns', headers: f.auth, payload: body });
    expect(first.statusCode).toBe(201);
    const created = first.json() as { campaign: { id: string; startAt: string; interval: string }; created: boolean; postCount: number };
    expect(created).toMatchObject({ created: true, postCount: 4, campaign: { startAt: '2026-12-01T09:00:00.000Z', interval: '4h' } });
    const posts = await f.app.store.listPosts({ campaignId: created.campaign.id });
    expect(posts.posts.map((p) => p.scheduledAt - posts.posts[0]!.scheduledAt)).toEqual([0, 4, 8, 12].map((h) => h * 3_600_000));
    const again = await f.server.inject({ method: 'POST', url: '/campaigns', headers: f.auth, payload: body });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, campaign: { id: created.campaign.id } });
  });

  it('answers bad input as problems naming the field, and refuses folders outside the allowed roots', async () => {
    const other = mkdtempSync(`${tmpdir()}/clipcast-roots-`);
    try {
      f = await withCreator([other]);
      const outside = await f.server.inject({ method: 'POST', url: '/campaigns', headers: f.auth, payload: { sourceDir: example, startDate: 'now', interval: '4h', platforms: ['tiktok'] } });
      expect(outside.statusCode).toBe(403);
      expect(outside.json()).toMatchObject({ type: 'https://clipcast.dev/problems/source-not-allowed' });
      await f.close();
      f = await withCreator();
      const interval = await f.server.inject({ method: 'POST', url: '/campaigns', headers: f.auth, payload: { sourceDir: example, startDate: 'now', interval: '4x', platforms: ['tiktok'] } });
      expect(interval.statusCode).toBe(422);
      expect(interval.json()).toMatchObject({ type: 'https://clipcast.dev/problems/invalid-input', code: expect.stringMatching(/INTERVAL/) });
      const relative = await f.server.inject({ method: 'POST', url: '/campaigns', headers: f.auth, payload: { sourceDir: 'examples/campaign', startDate: 'now', interval: '4h', platforms: ['tiktok'] } });
      expect(relative.statusCode).toBe(422);
      const missing = await f.server.inject({ method: 'POST', url: '/campaigns', headers: f.auth, payload: { sourceDir: '/nowhere/at/all', startDate: 'now', interval: '4h', platforms: ['tiktok'] } });
      expect(missing.statusCode).toBe(422);
      expect(missing.headers['content-type']).toMatch(/problem\+json/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
