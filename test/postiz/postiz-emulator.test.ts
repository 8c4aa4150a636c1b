import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { PostizClient } from '../../src/postiz/postiz-client.js';
import { postizConfig, sandboxPostizConfig } from '../../src/postiz/postiz-config.js';
import { createPostizEmulator, type PostizEmulator } from '../../src/sandbox/postiz/postiz-emulator.js';
import { fixtureDir, jpegBytes, mp4Bytes, multipart, raw, sha256, TIKTOK_SETTINGS } from './postiz-fixtures.js';

let clock: FakeClock;
let emu: PostizEmulator;
let fx: Awaited<ReturnType<typeof fixtureDir>>;

beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2025, 11, 1, 8, 0, 0));
  emu = await createPostizEmulator({ clock, maxVideoBytes: 64 * 1024, maxImageBytes: 8 * 1024 });
  fx = await fixtureDir();
});
afterEach(async () => {
  await emu.close();
  await fx.cleanup();
});

const api = (path: string, base = '/public/v1') => `${emu.url}${base}${path}`;
const auth = () => ({ authorization: emu.apiKey, 'content-type': 'application/json' });
const postBody = (channelId: string, extra: Record<string, unknown> = {}, entry: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'schedule', date: '2025-12-01T09:00:00.000Z', shortLink: false, tags: [],
    posts: [{ integration: { id: channelId }, value: [{ content: 'hello', image: [{ id: 'm1', path: 'https://x.test/a.mp4' }] }], settings: TIKTOK_SETTINGS, ...entry }],
    ...extra,
  });

describe('Postiz emulator: transport and auth', () => {
  it('serves both base paths, and the client detects each', async () => {
    for (const base of ['/public/v1', '/api/public/v1']) {
      const res = await raw(api('/is-connected', base), { headers: { authorization: emu.apiKey } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ connected: true });
    }
    const direct = new PostizClient({ config: postizConfig({ serverUrl: emu.url, apiKey: emu.apiKey }) });
    expect(await direct.basePath()).toBe('/public/v1');
    const behindNginx = new PostizClient({ config: postizConfig({ serverUrl: `${emu.url}/api`, apiKey: emu.apiKey }) });
    expect(await behindNginx.basePath()).toBe('/api/public/v1');
    expect(await behindNginx.isConnected()).toBe(true);
  });

  it('answers 401 with the reference bodies, refuses Bearer, and keeps the key out of errors', async () => {
    expect((await raw(api('/integrations'))).json).toEqual({ msg: 'No API Key found' });
    const bearer = await raw(api('/integrations'), { headers: { authorization: `Bearer ${emu.apiKey}` } });
    expect([bearer.status, bearer.json]).toEqual([401, { msg: 'Invalid API key' }]);
    expect((await raw(api('/integrations'), { headers: { authorization: 'pos_nope' } })).json).toEqual({ msg: 'Invalid OAuth token' });
    emu.addKey('pos_valid');
    expect((await raw(api('/is-connected'), { headers: { authorization: 'pos_valid' } })).status).toBe(200);

    const wrong = new PostizClient({ config: sandboxPostizConfig(emu.url, 'ptz_secret_wrong_key') });
    const error = await wrong.integrations().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POSTIZ_UNAUTHORIZED', kind: 'needs_reauth', status: 401 });
    expect(String((error as Error).message)).not.toContain('ptz_secret_wrong_key');
    expect(JSON.stringify(error)).not.toContain('ptz_secret_wrong_key');
    const detecting = new PostizClient({ config: postizConfig({ serverUrl: emu.url, apiKey: 'ptz_secret_wrong_key' }) });
    await expect(detecting.isConnected()).rejects.toMatchObject({ code: 'POSTIZ_UNAUTHORIZED' });
  });

  it('accepts Bearer in docs mode and answers 404 in the framework shape for GET /posts/:id', async () => {
    emu.setDocsMode(true);
    expect((await raw(api('/is-connected'), { headers: { authorization: `Bearer ${emu.apiKey}` } })).status).toBe(200);
    const res = await raw(api('/posts/abc'), { headers: { authorization: emu.apiKey } });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('lists channels, disabled ones too', async () => {
    const a = emu.addChannel({ identifier: 'tiktok', name: 'TT', profile: 'me' });
    const b = emu.addChannel({ identifier: 'youtube', name: 'YT', disabled: true, customer: { id: 'cu1', name: 'Client' } });
    const client = new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey) });
    const list = await client.integrations();
    expect(list.map((c) => [c.id, c.disabled])).toEqual([[a.id, false], [b.id, true]]);
    expect(list[0]).not.toHaveProperty('customer');
    expect((await client.integrations('cu1')).map((c) => c.id)).toEqual([b.id]);
  });
});

describe('Postiz emulator: uploads', () => {
  it('streams an mp4 to disk, sniffs it, and returns Media with an .mp4 path', async () => {
    const bytes = mp4Bytes(60 * 1024);
    const client = new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey) });
    const media = await client.upload(await fx.file('clip.mov', bytes));
    expect(media).toMatchObject({ originalName: null, thumbnail: null, alt: null });
    expect(media.path).toMatch(/\/uploads\/2025\/12\/01\/[0-9a-f]{32}\.mp4$/);
    expect(emu.store.media.get(media.id)).toMatchObject({ sha256: sha256(bytes), size: bytes.length, mime: 'video/mp4' });
  });

  it('enforces type and size limits with the server messages', async () => {
    const send = (parts: Parameters<typeof multipart>[0]) => {
      const { body, contentType } = multipart(parts);
      return raw(api('/upload'), { method: 'POST', headers: { authorization: emu.apiKey, 'content-type': contentType }, body });
    };
    expect((await send([{ name: 'other', filename: 'a.mp4', data: mp4Bytes(100) }])).json).toEqual({ msg: 'No file provided' });
    expect((await send([{ name: 'file', data: mp4Bytes(100) }])).json).toEqual({ msg: 'No file provided' });
    const unsupported = { statusCode: 400, message: 'Unsupported file type.', error: 'Bad Request' };
    expect((await send([{ name: 'file', filename: 'a.mp4', data: Buffer.from('just text, not a video') }])).json).toEqual(unsupported);
    expect((await send([{ name: 'file', filename: 'a.mp4', data: Buffer.alloc(0) }])).json).toEqual(unsupported);
    const mov = mp4Bytes(100);
    mov.write('qt  ', 8, 'latin1');
    expect((await send([{ name: 'file', filename: 'a.mov', data: mov }])).json).toEqual(unsupported);
    const bigVideo = await send([{ name: 'file', filename: 'a.mp4', data: mp4Bytes(64 * 1024 + 1) }]);
    expect(bigVideo.json).toMatchObject({ message: 'File size exceeds the maximum allowed size of 65536 bytes.' });
    const bigImage = await send([{ name: 'file', filename: 'a.jpg', data: jpegBytes(8 * 1024 + 1) }]);
    expect(bigImage.json).toMatchObject({ message: 'File size exceeds the maximum allowed size of 8192 bytes.' });
    const ok = await send([{ name: 'note', data: Buffer.from('x') }, { name: 'file', filename: 'a.jpg', data: jpegBytes(8 * 1024) }]);
    expect(ok.status).toBe(201);
    expect((ok.json as { path: string }).path).toMatch(/\.jpg$/);
    expect(emu.store.media.size).toBe(1);
  });

  it('upload-from-url keeps the extension and public-https checks and fetches fixtures only', async () => {
    const client = new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey) });
    const file = await fx.file('v.bin', mp4Bytes(1000));
    emu.addUrlFixture('https://cdn.example.com/v.mp4?sig=1', file);
    const media = await client.uploadFromUrl('https://cdn.example.com/v.mp4?sig=1');
    expect(media.path).toMatch(/\.mp4$/);
    const fail = (url: string) => client.uploadFromUrl(url).catch((e: Error) => e.message);
    expect(await fail('https://cdn.example.com/v.mov')).toContain('File must have a valid extension');
    expect(await fail('http://cdn.example.com/v.mp4')).toContain('URL must be a public HTTPS URL');
    expect(await fail('https://127.0.0.1/v.mp4')).toContain('URL must be a public HTTPS URL');
    expect(await fail('https://localhost/v.mp4')).toContain('URL must be a public HTTPS URL');
    expect(await fail('https://10.1.2.3/v.mp4')).toContain('URL must be a public HTTPS URL');
    expect(await fail('https://other.example.com/v.mp4')).toContain('Failed to fetch URL');
  });
});

describe('Postiz emulator: POST /posts validation', () => {
  it('checks integration ids first, then the DTO, then provider rules', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok', name: 'My TikTok' });
    const yt = emu.addChannel({ identifier: 'youtube', name: 'My YT' });
    const ig = emu.addChannel({ identifier: 'instagram', name: 'My IG' });
    const post = (body: string) => raw(api('/posts'), { method: 'POST', headers: auth(), body });
    const noId = await post(JSON.stringify({ type: 'schedule', date: 'x', posts: [{ value: [] }] }));
    expect(noId.json).toEqual({ statusCode: 400, message: 'All posts must have an integration id', error: 'Bad Request' });
    expect((await post(postBody('nope'))).json).toMatchObject({ message: 'Integration with id nope not found' });

    const dto = await post(JSON.stringify({ type: 'schedule', date: 'tomorrow', tags: {}, posts: [{ integration: { id: tt.id }, value: [{ content: 'x', image: [{ id: 'a', path: 'https://x.test/a.mov' }] }], settings: { duet: 'yes' } }] }));
    const messages = (dto.json as { message: string[] }).message;
    expect(messages).toEqual(expect.arrayContaining([
      'date must be a valid ISO 8601 date string',
      'shortLink must be a boolean value',
      'tags must be an array',
      'posts.0.value.0.image.0.path File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4',
      'posts.0.settings.privacy_level should not be null or undefined',
    ]));

    const badPrivacy = await post(postBody(tt.id, {}, { settings: { ...TIKTOK_SETTINGS, privacy_level: 'FRIENDS' } }));
    expect((badPrivacy.json as { message: string[] }).message).toEqual([
      'posts.0.settings.privacy_level must be one of the following values: PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, SELF_ONLY',
    ]);
    const ytShort = await post(postBody(yt.id, {}, { settings: { title: 'x', type: 'public' } }));
    expect((ytShort.json as { message: string[] }).message).toEqual(['posts.0.settings.title must be longer than or equal to 2 characters']);
    const igType = await post(postBody(ig.id, {}, { settings: { post_type: 'reel' } }));
    expect((igType.json as { message: string[] }).message).toEqual(['posts.0.settings.post_type must be one of the following values: post, story']);

    const noMedia = await post(postBody(tt.id, {}, { value: [{ content: 'hi', image: [] }] }));
    expect(noMedia.json).toEqual({ statusCode: 400, provider: 'tiktok', name: 'My TikTok', message: 'No video / images selected' });
    const ytImage = await post(postBody(yt.id, {}, { settings: { title: 'Title', type: 'public' }, value: [{ content: 'd', image: [{ id: 'i', path: 'https://x.test/a.jpg' }] }] }));
    expect(ytImage.json).toMatchObject({ provider: 'youtube', message: 'Item must be a video' });
    const igNone = await post(postBody(ig.id, {}, { settings: { post_type: 'post' }, value: [{ content: 'c', image: [] }] }));
    expect(igNone.json).toMatchObject({ provider: 'instagram', message: 'Should have at least one media' });
    const long = await post(postBody(tt.id, {}, { value: [{ content: '&'.repeat(401), image: [{ id: 'm', path: 'https://x.test/a.mp4' }] }] }));
    expect(long.json).toMatchObject({ message: 'post is too long, please fix it' }); // 401 × "&amp;" = 2005 > 2000
    expect(emu.store.posts.size).toBe(0);
  });

  it('answers 201 with [{postId, integration}], coerces string booleans, and 500s on ISO week dates', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok' });
    const res = await raw(api('/posts'), { method: 'POST', headers: auth(), body: postBody(tt.id, {}, { settings: { ...TIKTOK_SETTINGS, duet: 'false' } }) });
    expect(res.status).toBe(201);
    const [item] = res.json as { postId: string; integration: string }[];
    expect(item!.integration).toBe(tt.id);
    expect(emu.store.posts.get(item!.postId)!.settings.duet).toBe(true); // "false" → Boolean("false") === true
    expect(res.headers['x-ratelimit-limit']).toBe('30');
    expect(res.headers['x-ratelimit-remaining']).toBe('29');
    const week = await raw(api('/posts'), { method: 'POST', headers: auth(), body: postBody(tt.id, { date: '2025-W49-1' }) });
    expect(week.status).toBe(500);
  });

  it('refuses a JSON body over ~100 KB with 413', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok' });
    const res = await raw(api('/posts'), { method: 'POST', headers: auth(), body: postBody(tt.id, {}, { value: [{ content: 'x'.repeat(120_000), image: [] }] }) });
    expect(res.status).toBe(413);
  });
});

describe('Postiz emulator: reads, deletes, quirks', () => {
  it('GET /posts requires the date range, returns settings as a JSON string (object in docs mode)', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok' });
    await raw(api('/posts'), { method: 'POST', headers: auth(), body: postBody(tt.id) });
    const missing = await raw(api('/posts'), { headers: auth() });
    expect(missing.json).toMatchObject({ statusCode: 400, message: ['startDate must be a valid ISO 8601 date string', 'endDate must be a valid ISO 8601 date string'] });
    const q = '?startDate=2025-12-01T08:59:00.000Z&endDate=2025-12-01T09:00:00.000Z';
    const list = (await raw(api(`/posts${q}`), { headers: auth() })).json as { posts: { settings: unknown; state: string }[] };
    expect(list.posts).toHaveLength(1);
    expect(typeof list.posts[0]!.settings).toBe('string');
    expect(JSON.parse(list.posts[0]!.settings as string)).toMatchObject({ __type: 'tiktok', privacy_level: 'SELF_ONLY' });
    const outside = (await raw(api('/posts?startDate=2025-12-01T09:00:01Z&endDate=2025-12-02T00:00:00Z'), { headers: auth() })).json;
    expect(outside).toEqual({ posts: [] });
    emu.setDocsMode(true);
    const docs = (await raw(api(`/posts${q}`), { headers: auth() })).json as { posts: { settings: unknown }[] };
    expect(docs.posts[0]!.settings).toMatchObject({ __type: 'tiktok' });
    const client = new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey) });
    for (const mode of [true, false]) {
      emu.setDocsMode(mode);
      const [post] = await client.listPosts(Date.UTC(2025, 11, 1), Date.UTC(2025, 11, 2));
      expect(post!.settings).toMatchObject({ __type: 'tiktok', duet: false });
    }
  });

  it('DELETE answers {"error":true}, then 500 for the same id; group delete always {"error":true}', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok' });
    const created = (await raw(api('/posts'), { method: 'POST', headers: auth(), body: postBody(tt.id) })).json as { postId: string }[];
    const id = created[0]!.postId;
    const first = await raw(api(`/posts/${id}`), { method: 'DELETE', headers: auth() });
    expect([first.status, first.json]).toEqual([200, { error: true }]);
    const again = await raw(api(`/posts/${id}`), { method: 'DELETE', headers: auth() });
    expect([again.status, again.json]).toEqual([500, { statusCode: 500, message: 'Internal server error' }]);
    expect((await raw(api('/posts/group/nope'), { method: 'DELETE', headers: auth() })).json).toEqual({ error: true });

    const client = new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey) });
    const second = (await raw(api('/posts'), { method: 'POST', headers: auth(), body: postBody(tt.id) })).json as { postId: string }[];
    expect(await client.deletePost(second[0]!.postId)).toBe('deleted');
    expect(await client.deletePost(second[0]!.postId)).toBe('gone');
    expect(await client.listPosts(Date.UTC(2025, 11, 1), Date.UTC(2025, 11, 2))).toEqual([]);
  });
});

describe('Postiz emulator: rate limit', () => {
  it('allows 30 counted POST /posts per fixed hour (invalid ones too), then blocks an hour from the first refusal', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok' });
    const post = (body = postBody(tt.id)) => raw(api('/posts'), { method: 'POST', headers: auth(), body });
    await raw(api('/posts'), { method: 'POST', headers: { authorization: 'wrong' }, body: postBody(tt.id) }); // 401, not counted
    for (let i = 0; i < 10; i++) expect((await post(postBody('unknown'))).status).toBe(400);
    for (let i = 0; i < 20; i++) expect((await post()).status).toBe(201);
    clock.advance(10 * 60_000);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ statusCode: 429, message: 'ThrottlerException: Too Many Requests' });
    expect(refused.headers['retry-after']).toBe('3600');
    expect(refused.headers['x-ratelimit-limit']).toBeUndefined();
    const client = new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey), clock });
    await expect(client.createPosts(JSON.parse(postBody(tt.id)))).rejects.toMatchObject({
      kind: 'rate_limited', code: 'POSTIZ_RATE_LIMITED', status: 429, retryAfterMs: 3_600_000,
    });
    clock.advance(55 * 60_000); // the window (from the first hit) is over, the block is not
    const still = await post();
    expect([still.status, still.headers['retry-after']]).toEqual([429, '300']);
    expect(emu.state.posts.size).toBe(20);
    expect((await raw(api('/integrations'), { headers: auth() })).status).toBe(200); // other routes are unlimited
    clock.advance(5 * 60_000);
    expect((await post()).status).toBe(201);
    expect(emu.store.posts.size).toBe(21);
  });
});

describe('Postiz emulator: docs mode and knobs', () => {
  it('the client works unchanged against the documented behaviour (200 on POST, settings object, {id} from DELETE)', async () => {
    emu.setDocsMode(true);
    const tt = emu.addChannel({ identifier: 'tiktok' });
    const account = emu.createSandboxAccount('me');
    expect(account).toEqual({ handle: 'me', externalId: emu.orgId, credentials: { apiKey: emu.apiKey } });
    const client = new PostizClient({ config: sandboxPostizConfig(emu.url, account.credentials.apiKey) });
    const res = await raw(api('/posts'), { method: 'POST', headers: auth(), body: postBody(tt.id) });
    expect(res.status).toBe(200);
    const { items } = await client.createPosts(JSON.parse(postBody(tt.id)));
    expect(items).toHaveLength(1);
    const posts = await client.listPosts(Date.UTC(2025, 11, 1), Date.UTC(2025, 11, 2));
    expect(posts.map((p) => p.settings?.__type)).toEqual(['tiktok', 'tiktok']);
    const del = await raw(api(`/posts/${items[0]!.postId}`), { method: 'DELETE', headers: auth() });
    expect(del.json).toEqual({ id: items[0]!.postId });
  });

  it('publishes processingMs after the planned time, on the injected clock', async () => {
    const slow = await createPostizEmulator({ clock, processingMs: 10 * 60_000 });
    try {
      const tt = slow.addChannel({ identifier: 'tiktok' });
      await raw(`${slow.url}/public/v1/posts`, { method: 'POST', headers: { authorization: slow.apiKey, 'content-type': 'application/json' }, body: postBody(tt.id) });
      clock.set(Date.UTC(2025, 11, 1, 9, 9, 0));
      expect(slow.published()).toHaveLength(0);
      clock.set(Date.UTC(2025, 11, 1, 9, 10, 0));
      expect(slow.published()).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });
});
