import { afterEach, describe, expect, it } from 'vitest';
import { accountFixture } from '../helpers/store-data.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('the seed publishing endpoints (core rules)', () => {
  it('lists the providers sorted', async () => {
    f = await serverFixture({ expectWorker: false });
    const res = await f.server.inject({ url: '/publishing/providers', headers: f.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(['instagram', 'tiktok', 'youtube']);
  });

  it('describes one provider, authenticated only with an active ok account', async () => {
    f = await serverFixture({ expectWorker: false });
    const get = async (p: string) => f!.server.inject({ url: `/publishing/providers/${p}`, headers: f!.auth });
    const before = (await get('instagram')).json() as Record<string, unknown>;
    expect(before).toMatchObject({ platform: 'instagram', authenticated: false, api_version: 'v26.0', limits: { hashtags_max: 30 } });
    expect(Object.keys(before).sort()).toEqual(['api_version', 'authenticated', 'documentation', 'features', 'limits', 'platform']);
    expect(before.features).toEqual(expect.arrayContaining(['reels']));
    // The limit keys the original spec names, beside the richer ones.
    expect(before.limits).toMatchObject({ max_caption_length: 2200, max_hashtags: 30, max_video_duration_seconds: 900, max_video_size_mb: 300 });
    await f.app.store.insertAccount(accountFixture('instagram', '@ig', f.clock.now(), { status: 'needs_reauth' }));
    expect((await get('instagram')).json()).toMatchObject({ authenticated: false });
    await f.app.store.insertAccount(accountFixture('instagram', '@ig2', f.clock.now()));
    expect((await get('Instagram')).json()).toMatchObject({ platform: 'instagram', authenticated: true });
    expect((await get('tiktok')).json()).toMatchObject({ platform: 'tiktok', authenticated: false, api_version: 'v2' });
    const unknown = await get('myspace');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ type: 'https://clipcast.dev/problems/provider-not-found', hint: 'use one of instagram, tiktok, youtube' });
  });

  it('validates params: too many hashtags for Instagram, fine for TikTok; facts not given are not checked', async () => {
    f = await serverFixture({ expectWorker: false });
    const caption = `Big news ${Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ')}`;
    const validate = async (body: unknown) => f!.server.inject({ method: 'POST', url: '/publishing/validate', headers: f!.auth, payload: body as Record<string, unknown> });
    const ig = await validate({ platform: 'instagram', params: { caption } });
    expect(ig.statusCode).toBe(200);
    expect(ig.json()).toEqual({ platform: 'instagram', valid: false, errors: ['Too many hashtags (31). Maximum is 30.'], warnings: [] });
    expect((await validate({ platform: 'tiktok', params: { caption } })).json()).toMatchObject({ platform: 'tiktok', valid: true, errors: [] });
    const long = (await validate({ platform: 'youtube', params: { caption: 'ok', title: 'x'.repeat(101), duration_sec: 400, width: 1080, height: 1920 } })).json() as { valid: boolean; errors: string[]; warnings: string[] };
    expect(long.valid).toBe(false);
    expect(long.errors.join(' ')).toMatch(/Title too long \(101/);
    expect([...long.errors, ...long.warnings].join(' ')).toMatch(/longer than|too long/i);
  });

  it('refuses an unknown platform and malformed params with problems', async () => {
    f = await serverFixture({ expectWorker: false });
    const bad = await f.server.inject({ method: 'POST', url: '/publishing/validate', headers: f.auth, payload: { platform: 'myspace', params: {} } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ type: 'https://clipcast.dev/problems/platform-unsupported' });
    const wrong = await f.server.inject({ method: 'POST', url: '/publishing/validate', headers: f.auth, payload: { platform: 'tiktok', params: { duration_sec: 'long' } } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ errors: [{ path: 'body.params.duration_sec' }] });
    expect((await f.server.inject({ method: 'POST', url: '/publishing/validate', headers: f.auth, payload: { platform: 'tiktok' } })).statusCode).toBe(400);
  });
});
