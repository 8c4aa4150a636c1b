import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/core/clock.js';
import { checkChunkPlan } from '../../../src/sandbox/tiktok/tiktok-emulator-chunks.js';
import { createTikTokEmulator, type TikTokEmulator } from '../../../src/sandbox/tiktok/tiktok-emulator.js';
import type { TikTokEmulatorOptions } from '../../../src/sandbox/tiktok/tiktok-emulator-options.js';

let emulator: TikTokEmulator;
afterEach(async () => emulator?.close());

const JSON_CT = 'application/json; charset=UTF-8';
const MIB5 = 5 * 1024 * 1024;
const POST_INFO = { privacy_level: 'SELF_ONLY', title: 'hi' };

async function setup(options: TikTokEmulatorOptions = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 20, 9, 0, 0));
  emulator = await createTikTokEmulator({ clock, processingMs: 0, ...options });
  const account = emulator.createSandboxAccount('raw');
  const token = String(account.credentials.accessToken);
  const call = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await request(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': JSON_CT, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: JSON.parse(text) as { data: Record<string, unknown>; error: { code: string; message: string; log_id: string } } };
  };
  const put = async (url: string, range: string | undefined, bytes: number, headers: Record<string, string> = {}) => {
    const res = await request(url, { method: 'PUT', headers: { 'content-type': 'video/mp4', ...(range ? { 'content-range': range } : {}), ...headers }, body: Buffer.alloc(bytes, 7) });
    await res.body.dump();
    return { status: res.statusCode, progress: res.headers['content-range'] };
  };
  return { clock, token, call, put };
}

describe('TikTok emulator strictness (raw HTTP)', () => {
  it('chunk plan rules of §7.1 (5 MiB minimum, decimal 64/128 MB maxima, floor count, 1..1000)', () => {
    const o = { maxChunkBytes: 64_000_000, maxFinalChunkBytes: 128_000_000 };
    expect(checkChunkPlan(50_000_123, 10_000_000, 5, o)).toBeUndefined();
    expect(checkChunkPlan(4_194_304, 4_194_304, 1, o)).toBeUndefined();
    expect(checkChunkPlan(50_000_123, 10_000_000, 6, o)).toBe('The total chunk count is invalid');
    expect(checkChunkPlan(4_000_000, 2_000_000, 2, o)).toBe('The chunk size is invalid'); // < 5 MiB: one whole upload
    expect(checkChunkPlan(20_000_000, 4_000_000, 5, o)).toBe('The chunk size is invalid'); // chunk < 5 MiB
    expect(checkChunkPlan(70_000_000, 70_000_000, 1, o)).toBe('The chunk size is invalid'); // > 64 MB in one
    expect(checkChunkPlan(200_000_000, 64_000_000, 3, o)).toBeUndefined(); // final chunk 72 MB may exceed chunk_size
    expect(checkChunkPlan(200_000_000, 64_000_001, 3, o)).toBe('The chunk size is invalid'); // > 64,000,000 (decimal reading)
    const binary = { maxChunkBytes: 67_108_864, maxFinalChunkBytes: 128_000_000 };
    expect(checkChunkPlan(67_108_864 + 67_000_000, 67_108_864, 1, binary)).toBe('The chunk size is invalid'); // one chunk over the max
    expect(checkChunkPlan(2 * 67_108_864 + 67_000_000, 67_108_864, 2, binary)).toBe('The chunk size is invalid'); // final > 128 MB
    expect(checkChunkPlan(4_100_000_000, 4_000_000, 1025, o)).toBe('The total chunk count is invalid'); // over 1000
    expect(checkChunkPlan(4_294_967_297, MIB5, 819, o)).toBe('The video size is invalid'); // over 4 GB
  });

  it('init validation: chunk plan, title length, privacy, and the envelope with log_id + x-tt-logid', async () => {
    const { call } = await setup();
    const bad = await call('/v2/post/publish/video/init/', { post_info: POST_INFO, source_info: { source: 'FILE_UPLOAD', video_size: 50_000_123, chunk_size: 10_000_000, total_chunk_count: 6 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid_params', message: 'The total chunk count is invalid' });
    expect(bad.json.error.log_id).toBe(bad.headers['x-tt-logid']);
    const long = await call('/v2/post/publish/video/init/', { post_info: { ...POST_INFO, title: 'x'.repeat(2201) }, source_info: { source: 'FILE_UPLOAD', video_size: 1000, chunk_size: 1000, total_chunk_count: 1 } });
    expect(long.json.error.code).toBe('invalid_params');
    const noPrivacy = await call('/v2/post/publish/video/init/', { post_info: { title: 'x' }, source_info: { source: 'FILE_UPLOAD', video_size: 1000, chunk_size: 1000, total_chunk_count: 1 } });
    expect([noPrivacy.status, noPrivacy.json.error.code]).toEqual([403, 'privacy_level_option_mismatch']);
  });

  it('PUT rules: exact next chunk, Content-Range/Length, Content-Type, 206/201 with progress, 416 after completion, 404/403', async () => {
    const { call, put, clock } = await setup();
    const size = 2 * MIB5 + 100;
    const init = await call('/v2/post/publish/video/init/', { post_info: POST_INFO, source_info: { source: 'FILE_UPLOAD', video_size: size, chunk_size: MIB5, total_chunk_count: 2 } });
    const url = String(init.json.data.upload_url);
    expect(url.startsWith(`${emulator.url}/upload/video/?upload_id=`)).toBe(true);
    expect((await put(url, undefined, 10)).status).toBe(400);
    expect((await put(url, `bytes 0-${MIB5 - 1}/${size + 1}`, MIB5)).status).toBe(400); // wrong total
    expect((await put(url, `bytes ${MIB5}-${size - 1}/${size}`, MIB5 + 100)).status).toBe(416); // skipped chunk
    const skipped = await put(url, `bytes ${MIB5}-${size - 1}/${size}`, MIB5 + 100);
    expect(skipped.progress).toBe(`bytes */${size}`);
    expect((await put(url, `bytes 0-${MIB5 - 1}/${size}`, MIB5, { 'content-type': 'application/octet-stream' })).status).toBe(400);
    expect((await put(url, `bytes 0-99/${size}`, 100)).status).toBe(416); // not the planned chunk
    const first = await put(url, `bytes 0-${MIB5 - 1}/${size}`, MIB5);
    expect(first).toEqual({ status: 206, progress: `bytes 0-${MIB5 - 1}/${size}` });
    expect((await put(url, `bytes 0-${MIB5 - 1}/${size}`, MIB5)).status).toBe(416); // repeated chunk
    const last = await put(url, `bytes ${MIB5}-${size - 1}/${size}`, MIB5 + 100);
    expect(last).toEqual({ status: 201, progress: `bytes 0-${size - 1}/${size}` });
    expect((await put(url, `bytes ${MIB5}-${size - 1}/${size}`, MIB5 + 100)).status).toBe(416);
    expect((await put(url.replace(/upload_token=[^&]+/, 'upload_token=nope'), `bytes 0-9/${size}`, 10)).status).toBe(404);
    const second = await call('/v2/post/publish/video/init/', { post_info: POST_INFO, source_info: { source: 'FILE_UPLOAD', video_size: 1000, chunk_size: 1000, total_chunk_count: 1 } });
    clock.advance(3_600_000);
    expect((await put(String(second.json.data.upload_url), 'bytes 0-999/1000', 1000)).status).toBe(403);
  });

  it('status/fetch: post ids as unquoted int64 beyond 2^53, ownership checked, unknown ids refused', async () => {
    const { call, put } = await setup();
    const init = await call('/v2/post/publish/video/init/', { post_info: { ...POST_INFO, privacy_level: 'PUBLIC_TO_EVERYONE' }, source_info: { source: 'FILE_UPLOAD', video_size: 1000, chunk_size: 1000, total_chunk_count: 1 } });
    await put(String(init.json.data.upload_url), 'bytes 0-999/1000', 1000);
    const status = await call('/v2/post/publish/status/fetch/', { publish_id: init.json.data.publish_id });
    expect(status.text).toMatch(/"publicaly_available_post_id":\[\d{19}\]/);
    expect(status.json.data.status).toBe('PUBLISH_COMPLETE');
    expect(status.json.data.uploaded_bytes).toBe(1000);
    const other = emulator.createSandboxAccount('someone_else');
    const foreign = await request(`${emulator.url}/v2/post/publish/status/fetch/`, { method: 'POST', headers: { authorization: `Bearer ${other.credentials.accessToken}`, 'content-type': JSON_CT }, body: JSON.stringify({ publish_id: init.json.data.publish_id }) });
    expect(((await foreign.body.json()) as { error: { code: string } }).error.code).toBe('token_not_authorized_for_specified_publish_id');
    expect((await call('/v2/post/publish/status/fetch/', { publish_id: 'v_pub_file~v2-1.1' })).json.error.code).toBe('invalid_publish_id');
  });

  it('bearer and scope checks; bare application/json flagged (rejected when strict)', async () => {
    const { call, token } = await setup({ strictJsonContentType: true });
    expect((await call('/v2/post/publish/creator_info/query/', {}, { authorization: 'Bearer act.nope' })).json.error.code).toBe('access_token_invalid');
    const bare = await call('/v2/post/publish/creator_info/query/', {}, { 'content-type': 'application/json' });
    expect([bare.status, bare.json.error.code]).toEqual([400, 'invalid_params']);
    expect(emulator.state.contentTypeFlags).toHaveLength(1);
    expect((await call('/v2/post/publish/creator_info/query/', undefined, { 'content-type': '' })).json.error.code).toBe('ok'); // no body
    const record = emulator.state.accessTokens.get(token)!;
    record.scopes = new Set(['user.info.basic', 'video.upload']);
    const scoped = await call('/v2/post/publish/video/init/', { post_info: POST_INFO, source_info: { source: 'FILE_UPLOAD', video_size: 1, chunk_size: 1, total_chunk_count: 1 } });
    expect([scoped.status, scoped.json.error.code]).toEqual([401, 'scope_not_authorized']);
  });

  it("creator_info says 'can't post' with HTTP 200 and a code; status/fetch is limited to 30/min", async () => {
    const { call } = await setup();
    emulator.setCreator('raw', { canPost: 'spam_risk_user_banned_from_posting' });
    const info = await call('/v2/post/publish/creator_info/query/', {});
    expect([info.status, info.json.error.code]).toEqual([200, 'spam_risk_user_banned_from_posting']);
    for (let i = 0; i < 30; i++) await call('/v2/post/publish/status/fetch/', { publish_id: 'x' });
    const limited = await call('/v2/post/publish/status/fetch/', { publish_id: 'x' });
    expect([limited.status, limited.json.error.code]).toEqual([429, 'rate_limit_exceeded']);
    expect(limited.headers['retry-after']).toBe('60');
  });

  it('inbox: at most 5 pending shares per creator; a sixth is refused', async () => {
    const { call } = await setup({ processingMs: 1_000_000 });
    const source = { source: 'FILE_UPLOAD', video_size: 1000, chunk_size: 1000, total_chunk_count: 1 };
    for (let i = 0; i < 5; i++) {
      const ok = await call('/v2/post/publish/inbox/video/init/', { source_info: source });
      expect(String(ok.json.data.publish_id)).toMatch(/^v_inbox_file~v2\./);
      emulator.state.windows.clear(); // this test is about the pending cap, not the 6/min limit
    }
    const sixth = await call('/v2/post/publish/inbox/video/init/', { source_info: source });
    expect([sixth.status, sixth.json.error.code]).toEqual([403, 'spam_risk_too_many_pending_share']);
  });

  it('the sink drains and hashes a PUT (bench baseline), and the control API reports state', async () => {
    await setup();
    const res = await request(`${emulator.url}/sandbox/sink`, { method: 'PUT', body: Buffer.alloc(1234, 1) });
    expect(((await res.body.json()) as { bytes: number }).bytes).toBe(1234);
    const state = await request(`${emulator.url}/__sandbox/state`);
    const body = (await state.body.json()) as { name: string; state: { users: unknown[] } };
    expect(body.name).toBe('tiktok');
    expect(body.state.users).toHaveLength(1);
  });
});

describe('TikTok emulator upload tasks', () => {
  it('gives every init its own upload task, so concurrent uploads never collide', async () => {
    const { createTikTokEmulator } = await import('../../../src/sandbox/tiktok/tiktok-emulator.js');
    const { FakeClock } = await import('../../../src/core/clock.js');
    const emulator = await createTikTokEmulator({ clock: new FakeClock(Date.UTC(2026, 11, 7)), limits: false });
    try {
      const { credentials } = emulator.createSandboxAccount('collide');
      const urls = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${emulator.url}/v2/post/publish/inbox/video/init/`, {
          method: 'POST',
          headers: { authorization: `Bearer ${String(credentials.accessToken)}`, 'content-type': 'application/json; charset=UTF-8' },
          body: JSON.stringify({ source_info: { source: 'FILE_UPLOAD', video_size: 1000, chunk_size: 1000, total_chunk_count: 1 } }),
        });
        const body = (await res.json()) as { data: { upload_url: string } };
        urls.add(new URL(body.data.upload_url).searchParams.get('upload_id')!);
      }
      expect(urls.size).toBe(3);
    } finally {
      await emulator.close();
    }
  });
});
