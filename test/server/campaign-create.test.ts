import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/build-server.js';
import { coreCampaignCreator } from '../../src/server/core-campaigns.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
let base = '';
let root = '';
let outside = '';
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'clipcast-roots-'));
  root = join(base, 'sources');
  outside = join(base, 'elsewhere');
  mkdirSync(root);
  mkdirSync(outside);
  cpSync(EXAMPLE_CAMPAIGN, join(root, 'campaign'), { recursive: true });
});
afterEach(async () => {
  await f?.close();
  f = undefined;
  rmSync(base, { recursive: true, force: true });
});

async function withCreator(sourceRoots: string[] = [root]): Promise<ServerFixture> {
  const fx = await serverFixture({ expectWorker: false });
  // The creator needs the fixture's app: rebuild the server with it.
  await fx.server.close();
  fx.server = buildServer({ app: fx.app, expectWorker: false, campaigns: coreCampaignCreator(fx.app, { defaultTimezone: 'UTC', sourceRoots }) });
  await fx.server.ready();
  await fx.app.accounts.add({ platform: 'tiktok', handle: '@maker', credentials: { client_key: 'ck', client_secret: 'cs', access_token: 'at' } });
  return fx;
}

function create(fx: ServerFixture, sourceDir: string) {
  return fx.server.inject({ method: 'POST', url: '/campaigns', headers: fx.auth, payload: { sourceDir, startDate: '2026-12-01 09:00', interval: '4h', platforms: ['tiktok'], timezone: 'UTC' } });
}

describe('POST /campaigns', () => {
  it('plans a CLIPER folder under a source root through the core use cases, once', async () => {
    f = await withCreator();
    const first = await create(f, join(root, 'campaign'));
    expect(first.statusCode).toBe(201);
    const created = first.json() as { campaign: { id: string; startAt: string; interval: string }; created: boolean; postCount: number };
    expect(created).toMatchObject({ created: true, postCount: 4, campaign: { startAt: '2026-12-01T09:00:00.000Z', interval: '4h' } });
    const posts = await f.app.store.listPosts({ campaignId: created.campaign.id });
    expect(posts.posts.map((p) => p.scheduledAt - posts.posts[0]!.scheduledAt)).toEqual([0, 4, 8, 12].map((h) => h * 3_600_000));
    const again = await create(f, join(root, 'campaign'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ created: false, campaign: { id: created.campaign.id } });
  });

  it('answers missing, outside, a file, `..` and a link out of the roots all the same, and writes nothing', async () => {
    cpSync(EXAMPLE_CAMPAIGN, join(outside, 'campaign'), { recursive: true });
    symlinkSync(join(outside, 'campaign'), join(root, 'linked'));
    f = await withCreator();
    const answers = [];
    for (const dir of [join(outside, 'campaign'), join(root, 'missing'), '/nowhere/at/all', join(root, 'campaign', 'copys', 'clips_copys.json'), join(root, 'campaign', '..', '..', 'elsewhere', 'campaign'), join(root, 'linked')]) {
      const res = await create(f, dir);
      expect(res.statusCode, dir).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const { instance: _i, ...body } = res.json() as Record<string, unknown>;
      answers.push(JSON.stringify(body));
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('source-not-allowed');
    expect(answers[0]).not.toContain(base);
    expect(await f.app.store.listCampaigns()).toEqual([]);
    // An empty list of roots refuses everything.
    await f.close();
    f = await withCreator([]);
    expect((await create(f, join(root, 'campaign'))).statusCode).toBe(403);
  });

  it('refuses a folder whose clips file or clip is a link leading outside the roots', async () => {
    writeFileSync(join(outside, 'secrets.json'), JSON.stringify({ video_id: 'x', clips: [{ clip_id: 1, copy: 'DB_PASSWORD=hunter2' }] }));
    const dir = join(root, 'campaign');
    rmSync(join(dir, 'copys', 'clips_copys.json'));
    symlinkSync(join(outside, 'secrets.json'), join(dir, 'copys', 'clips_copys.json'));
    f = await withCreator();
    const res = await create(f, dir);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ type: 'https://clipcast.dev/problems/source-link-outside' });
    expect(res.body).not.toContain('hunter2');
    expect(await f.app.store.listCampaigns()).toEqual([]);
  });

  it('never quotes the clips file in an error', async () => {
    const dir = join(root, 'campaign');
    f = await withCreator();
    writeFileSync(join(dir, 'copys', 'clips_copys.json'), 'DB_PASSWORD=hunter2\nAPI_TOKEN=sk_live_abc\n');
    const malformed = await create(f, dir);
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json()).toMatchObject({ code: 'CLIPS_FILE_MALFORMED', detail: expect.stringMatching(/is not valid JSON \(line 1, column 1\)$/) });
    expect(malformed.body).not.toMatch(/hunter2|DB_PASSWORD|sk_live/);
    writeFileSync(join(dir, 'copys', 'clips_copys.json'), JSON.stringify({ video_id: 'x', clips: [{ clip_id: 'DB_PASSWORD=hunter2', copy: 'c' }] }));
    const invalid = await create(f, dir);
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({ code: 'CLIPS_FILE_INVALID', detail: expect.stringContaining('field "clip_id"') });
    expect(invalid.body).not.toMatch(/hunter2|DB_PASSWORD/);
    writeFileSync(join(dir, 'copys', 'clips_copys.json'), JSON.stringify({ video_id: 'x', clips: [{ clip_id: 1, copy: 'a\u0000b' }] }));
    const nul = await create(f, dir);
    expect(nul.statusCode).toBe(422);
    expect(nul.json()).toMatchObject({ code: 'NUL_BYTE', detail: expect.stringContaining('clip 1, field "copy" contains a NUL character') });
    expect(await f.app.store.listCampaigns()).toEqual([]);
  });

  it('answers other bad input as problems naming the field', async () => {
    f = await withCreator();
    const interval = await f.server.inject({ method: 'POST', url: '/campaigns', headers: f.auth, payload: { sourceDir: join(root, 'campaign'), startDate: 'now', interval: '4x', platforms: ['tiktok'] } });
    expect(interval.statusCode).toBe(422);
    expect(interval.json()).toMatchObject({ type: 'https://clipcast.dev/problems/invalid-input', code: expect.stringMatching(/INTERVAL/) });
    const relative = await f.server.inject({ method: 'POST', url: '/campaigns', headers: f.auth, payload: { sourceDir: 'examples/campaign', startDate: 'now', interval: '4h', platforms: ['tiktok'] } });
    expect(relative.statusCode).toBe(422);
    expect(relative.headers['content-type']).toMatch(/problem\+json/);
  });
});
