import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { FakeClock } from '../../../src/core/clock.js';
import { createInstagramEmulator, type InstagramEmulator } from '../../../src/sandbox/instagram/instagram-emulator.js';

type Json = { error?: { code: number; error_subcode?: number; message: string }; [k: string]: unknown };

describe('Instagram emulator strictness (raw HTTP)', () => {
  let clock: FakeClock;
  let ig: InstagramEmulator;
  let fbToken: string;
  let igToken: string;
  let fbUser: string;
  let igUser: string;

  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2026, 5, 1, 9));
    ig = await createInstagramEmulator({ clock, processingMs: 1000, knobs: { checkMp4: false } });
    const fb = ig.createSandboxAccount('fbacct', { flavour: 'facebook' });
    const il = ig.createSandboxAccount('igacct', { flavour: 'instagram' });
    fbToken = String(fb.credentials.accessToken);
    igToken = String(il.credentials.accessToken);
    fbUser = fb.externalId;
    igUser = il.externalId;
  });
  afterEach(async () => ig.close());

  const graph = async (host: 'fb' | 'ig', method: 'GET' | 'POST', path: string, params: Record<string, string>, token: string) => {
    const base = `${ig.url}/${host === 'fb' ? 'graph.facebook.com' : 'graph.instagram.com'}/v25.0${path}`;
    const url = new URL(base);
    if (method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await request(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: method === 'POST' ? new URLSearchParams(params).toString() : undefined,
    });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Json };
  };
  const rupload = async (uri: string, headers: Record<string, string>, body: Buffer) => {
    const res = await request(uri, { method: 'POST', headers: { 'content-length': String(body.length), ...headers }, body });
    return { status: res.statusCode, body: (await res.body.json()) as { success?: boolean; debug_info?: { retriable: boolean; message: string } } };
  };

  it('validates container parameters with Meta codes', async () => {
    const create = (p: Record<string, string>) => graph('fb', 'POST', `/${fbUser}/media`, { upload_type: 'resumable', ...p }, fbToken);
    expect((await create({})).body.error?.code).toBe(100);
    expect((await create({ media_type: 'VIDEO' })).body.error?.error_subcode).toBe(2207023);
    expect((await create({ media_type: 'REELS', caption: 'x'.repeat(2201) })).body.error).toMatchObject({ code: 36004, error_subcode: 2207010 });
    expect((await create({ media_type: 'REELS', caption: Array.from({ length: 21 }, (_, i) => `@u${i}`).join(' ') })).body.error?.error_subcode).toBe(2207040);
    expect((await create({ media_type: 'REELS', collaborators: '["@bob"]' })).body.error?.error_subcode).toBe(2207018);
    expect((await create({ media_type: 'REELS', collaborators: '["a","b","c","d"]' })).body.error?.code).toBe(100);
    expect((await create({ media_type: 'REELS', trial_params: '{"graduation_strategy":"X"}' })).body.error?.code).toBe(100);
    expect((await create({ media_type: 'REELS', thumb_offset: '-5' })).body.error?.error_subcode).toBe(2207057);
    expect((await create({ media_type: 'REELS', alt_text: 'a cat' })).body.error).toMatchObject({ code: 100, message: expect.stringMatching(/alt_text/) });
    const ok = await create({ media_type: 'REELS', caption: '✨'.repeat(2200) }); // code points, not UTF-16 units
    expect(ok.status).toBe(200);
    expect(ok.body.uri).toMatch(/\/rupload\.facebook\.com\/ig-api-upload\/v25\.0\/\d+$/);
    expect(ok.headers['x-business-use-case-usage']).toContain('"type":"instagram"');
    expect(ok.headers['x-app-usage']).toContain('call_count');
  });

  it('rupload: OAuth header only, file_size = offset + body, offset resume, then IN_PROGRESS → FINISHED', async () => {
    const { body } = await graph('fb', 'POST', `/${fbUser}/media`, { media_type: 'REELS', upload_type: 'resumable' }, fbToken);
    const uri = String(body.uri);
    const data = Buffer.alloc(1000, 7);
    expect((await rupload(uri, { authorization: `Bearer ${fbToken}`, offset: '0', file_size: '1000' }, data)).body.debug_info?.message).toContain('unauthorized user request');
    expect((await rupload(uri, { authorization: `OAuth ${fbToken}`, offset: '0', file_size: '999' }, data)).status).toBe(400);
    expect((await rupload(uri, { authorization: `OAuth ${fbToken}`, offset: '0', file_size: '1000' }, data.subarray(0, 400))).status).toBe(400);
    ig.knobs.interruptNextUploadAfter = 400;
    await rupload(uri, { authorization: `OAuth ${fbToken}`, offset: '0', file_size: '1000' }, data).catch(() => undefined);
    const mid = await graph('fb', 'GET', `/${body.id}`, { fields: 'status_code,video_status' }, fbToken);
    expect(mid.body).toMatchObject({ status_code: 'IN_PROGRESS', video_status: { uploading_phase: { bytes_transferred: 400 } } });
    expect((await rupload(uri, { authorization: `OAuth ${fbToken}`, offset: '300', file_size: '1000' }, data.subarray(300))).body.debug_info?.retriable).toBe(true);
    expect((await rupload(uri, { authorization: `OAuth ${fbToken}`, offset: '400', file_size: '1000' }, data.subarray(400))).body.success).toBe(true);
    const publishEarly = await graph('fb', 'POST', `/${fbUser}/media_publish`, { creation_id: String(body.id) }, fbToken);
    expect(publishEarly.body.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
    clock.advance(1000);
    expect((await graph('fb', 'GET', `/${body.id}`, { fields: 'status_code' }, fbToken)).body.status_code).toBe('FINISHED');
    const published = await graph('fb', 'POST', `/${fbUser}/media_publish`, { creation_id: String(body.id) }, fbToken);
    expect(published.body.id).not.toBe(body.id);
    expect((await graph('fb', 'POST', `/${fbUser}/media_publish`, { creation_id: String(body.id) }, fbToken)).body.error?.code).toBe(100);
    expect((await graph('fb', 'GET', `/${body.id}`, { fields: 'status_code,status' }, fbToken)).body).toMatchObject({ status_code: 'PUBLISHED', status: 'Published: Media has been successfully published.' });
    const media = await graph('fb', 'GET', `/${published.body.id}`, { fields: 'id,permalink,timestamp,media_type,media_product_type' }, fbToken);
    expect(media.body).toMatchObject({ media_type: 'VIDEO', media_product_type: 'REELS' });
    expect(String(media.body.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    expect(ig.published()[0]!.sha256).toBe(createHash('sha256').update(data).digest('hex')); // hashed across the resume
  });

  it('unknown ids → 100/33; wrong host token → 190; media_product_type refused on graph.instagram.com', async () => {
    expect((await graph('fb', 'GET', '/17880000000000000', { fields: 'status_code' }, fbToken)).body.error).toMatchObject({ code: 100, error_subcode: 33 });
    const wrongHost = await graph('ig', 'GET', '/me', { fields: 'user_id' }, fbToken);
    expect(wrongHost.body.error?.code).toBe(190);
    expect(wrongHost.body.error?.error_subcode).toBeUndefined();
    const me = await graph('ig', 'GET', '/me', { fields: 'user_id,username' }, igToken);
    expect(me.body).toMatchObject({ user_id: igUser, username: 'igacct' });
    expect(Number.isSafeInteger(Number(me.body.id))).toBe(false);
    expect((await graph('ig', 'POST', `/${igUser}/media`, { media_type: 'REELS', upload_type: 'resumable' }, igToken)).body.error?.code).toBe(100);
    const perms = await graph('fb', 'GET', '/me/permissions', {}, String([...ig.state.tokens.values()].find((t) => t.kind === 'long' && t.flavour === 'fb')!.value));
    expect(perms.body.data).toEqual(expect.arrayContaining([{ permission: 'instagram_content_publish', status: 'granted' }]));
    expect((await graph('fb', 'GET', '/me', {}, fbToken)).body).toMatchObject({ name: 'fbacct Page' });
  });

  it('content_publishing_limit shapes and the quota error at media_publish', async () => {
    ig.knobs.quotaTotal = 0;
    expect((await graph('fb', 'GET', `/${fbUser}/content_publishing_limit`, {}, fbToken)).body).toEqual({ data: [{ quota_usage: 0 }] });
    expect((await graph('fb', 'GET', `/${fbUser}/content_publishing_limit`, { fields: 'config,quota_usage' }, fbToken)).body).toEqual({ data: [{ quota_usage: 0, config: { quota_total: 0, quota_duration: 86400 } }] });
    const { body } = await graph('fb', 'POST', `/${fbUser}/media`, { media_type: 'REELS', upload_type: 'resumable' }, fbToken);
    await rupload(String(body.uri), { authorization: `OAuth ${fbToken}`, offset: '0', file_size: '10' }, Buffer.alloc(10));
    clock.advance(1000);
    expect((await graph('fb', 'POST', `/${fbUser}/media_publish`, { creation_id: String(body.id) }, fbToken)).body.error).toMatchObject({ code: 9, error_subcode: 2207042 });
    clock.advance(86_400_000);
    expect((await graph('fb', 'GET', `/${body.id}`, { fields: 'status_code' }, fbToken)).body.status_code).toBe('EXPIRED');
    expect((await graph('fb', 'POST', `/${fbUser}/media_publish`, { creation_id: String(body.id) }, fbToken)).body.error).toMatchObject({ code: 24, error_subcode: 2207008 });
  });

  it('control routes: knobs and token faults from another process', async () => {
    const post = (path: string, body: unknown) => request(`${ig.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await (await post('/__instagram/knobs', { quotaTotal: 7, processingMs: 5 })).body.dump();
    expect(ig.knobs).toMatchObject({ quotaTotal: 7, processingMs: 5 });
    expect((await post('/__instagram/tokens/revoke', { token: fbToken })).statusCode).toBe(204);
    expect((await graph('fb', 'GET', `/${fbUser}/content_publishing_limit`, {}, fbToken)).body.error).toMatchObject({ code: 190, error_subcode: 467 });
    expect((await post('/__instagram/tokens/expire', { token: igToken })).statusCode).toBe(204);
    expect((await graph('ig', 'GET', '/me', {}, igToken)).body.error).toMatchObject({ code: 190, error_subcode: 463 });
  });
});
