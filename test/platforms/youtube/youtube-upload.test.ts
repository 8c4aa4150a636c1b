import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { FakeClock } from '../../../src/core/clock.js';
import type { PublishError } from '../../../src/core/publish-error.js';
import { YouTubeAdapter } from '../../../src/platforms/youtube/youtube-adapter.js';
import { sandboxYouTubeConfig } from '../../../src/platforms/youtube/youtube-config.js';
import { createYouTubeEmulator, type YouTubeEmulator } from '../../../src/sandbox/youtube/youtube-emulator.js';
import { accountOf, contentOf, makeClip, postOf, stepError, tempDir } from './youtube-fixtures.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 1 * MiB;

let yt: YouTubeEmulator;
let clock: FakeClock;
let dir: string;

beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2026, 6, 1, 12, 0, 0));
  yt = await createYouTubeEmulator({ clock });
  dir = await tempDir();
});
afterEach(async () => yt.close());

function adapter(chunkSize = CHUNK): YouTubeAdapter {
  return new YouTubeAdapter({ config: sandboxYouTubeConfig(yt.url, { chunkSize }), clock });
}

function sessionOf(uri: string) {
  return yt.uploads.sessions.get(new URL(uri).searchParams.get('upload_id')!)!;
}

describe('youtube resumable upload against the emulator', () => {
  it('checkpoints the session before the first byte and after every 308, then publishes once with the right bytes', async () => {
    const media = await makeClip(dir, 3 * MiB + 1234);
    const post = postOf(accountOf(yt.createSandboxAccount('@clips')), media, contentOf(), clock);
    const seen: { bytesAcked: number; received: number }[] = [];
    const ctx = post.context();
    const inner = ctx.checkpoint;
    ctx.checkpoint = async (patch) => {
      if (patch.upload) seen.push({ bytesAcked: patch.upload.bytesAcked, received: sessionOf(patch.upload.url).received });
      await inner(patch);
    };
    const result = await adapter().step(ctx);
    expect(result).toMatchObject({ status: 'continue', next: 'processing' });
    expect(seen[0]).toEqual({ bytesAcked: 0, received: 0 });
    expect(seen.map((s) => s.bytesAcked)).toEqual([0, MiB, 2 * MiB, 3 * MiB]);
    const published = yt.published();
    expect(published).toHaveLength(1);
    expect(published[0]!.sha256).toBe(media.sha256);
    expect(post.remote['videoId']).toBe(published[0]!.remoteId);
    expect(post.upload).toBeNull();
    // Unaudited project (the emulator default): the video is locked private.
    expect(published[0]!.privacyStatus).toBe('private');
    const final = await post.runToEnd(adapter());
    expect(final).toMatchObject({ status: 'published', remoteId: published[0]!.remoteId, permalink: `${yt.url}/shorts/${published[0]!.remoteId}` });
    // "Published" says it is private, and why.
    expect(final).toMatchObject({ note: expect.stringMatching(/^published PRIVATE: the API project has not passed YouTube's audit/) });
  });

  it('a 5xx mid-upload throws retryable; the next step asks the session and resends nothing', async () => {
    const media = await makeClip(dir, 4 * MiB);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', after: 2, fault: { kind: 'status', status: 503, body: { error: { code: 503, message: 'Backend Error', errors: [{ reason: 'backendError', domain: 'global', message: 'Backend Error' }] } } } });
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect(error.kind).toBe('retryable');
    expect(error.code).toBe('YOUTUBE_SERVER_ERROR');
    expect(post.upload?.bytesAcked).toBe(2 * MiB);
    const uri = sessionUriOf(post);
    const before = yt.server.requests.length;
    await adapter().step(post.context());
    const after = yt.server.requests.slice(before).map((r) => `${r.method} ${r.status}`);
    expect(after[0]).toBe('PUT 308'); // the status query comes first
    expect(yt.bytesResent(uri)).toBe(0);
    expect(sessionOf(uri).chunkPuts).toBe(4); // 2 before the 503, then chunks 3 and 4: nothing persisted was re-sent
    expect(yt.published()).toHaveLength(1);
    expect(yt.published()[0]!.sha256).toBe(media.sha256);
  });

  it('a connection reset mid-chunk is retryable and resumes from what Google persisted', async () => {
    const media = await makeClip(dir, 3 * MiB);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', after: 1, fault: { kind: 'reset-mid-body' } });
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect(error.kind).toBe('retryable');
    await adapter().step(post.context());
    expect(yt.published()).toHaveLength(1);
    expect(yt.published()[0]!.sha256).toBe(media.sha256);
  });

  it('a 308 without Range means nothing persisted: the step ends (no immediate re-send), the next asks the session and re-sends from byte 0 on the same session', async () => {
    const media = await makeClip(dir, 2 * MiB + 5);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.knobs.nextChunkPersistBytes = 0;
    const acked: number[] = [];
    const watch = () => {
      const ctx = post.context();
      const inner = ctx.checkpoint;
      ctx.checkpoint = async (patch) => {
        if (patch.upload) acked.push(patch.upload.bytesAcked);
        await inner(patch);
      };
      return ctx;
    };
    await expect(adapter().step(watch())).rejects.toMatchObject({ code: 'YOUTUBE_UPLOAD_NO_PROGRESS', kind: 'retryable' });
    expect(acked).toEqual([0, 0]);
    await adapter().step(watch());
    expect(acked).toEqual([0, 0, MiB, 2 * MiB]);
    expect(yt.uploads.sessions.size).toBe(1);
    const session = [...yt.uploads.sessions.values()][0]!;
    expect(session.received - session.total).toBe(MiB); // exactly the one chunk Google dropped
    expect(yt.published()[0]!.sha256).toBe(media.sha256);
  });

  it('takes the next offset from Range when Google kept fewer bytes than it received', async () => {
    const media = await makeClip(dir, 2 * MiB);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.knobs.nextChunkPersistBytes = 256 * KiB;
    const acked: number[] = [];
    const ctx = post.context();
    const inner = ctx.checkpoint;
    ctx.checkpoint = async (patch) => {
      if (patch.upload) acked.push(patch.upload.bytesAcked);
      await inner(patch);
    };
    await adapter().step(ctx);
    expect(acked).toEqual([0, 256 * KiB, 256 * KiB + MiB]);
    expect(yt.published()[0]!.sha256).toBe(media.sha256);
  });

  it('a 404 on the status query starts a fresh session and records why', async () => {
    const media = await makeClip(dir, 3 * MiB);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', after: 1, fault: { kind: 'status', status: 503 } });
    await stepError(() => adapter().step(post.context()));
    const firstUri = sessionUriOf(post);
    yt.uploads.expire(new URL(firstUri).searchParams.get('upload_id')!);
    await adapter().step(post.context());
    expect(post.events.map((e) => e.type)).toContain('youtube.session_expired');
    const created = post.events.filter((e) => e.type === 'youtube.session_created');
    expect(created).toHaveLength(2);
    expect(String(created[1]!.data?.['reason'])).toMatch(/404/);
    expect(yt.uploads.sessions.size).toBe(2);
    expect(yt.published()).toHaveLength(1);
    expect(yt.published()[0]!.sha256).toBe(media.sha256);
  });

  it('a 404 on a chunk (session expired mid-upload) restarts within the step', async () => {
    const media = await makeClip(dir, 3 * MiB);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', after: 1, fault: { kind: 'status', status: 404, body: '' } });
    await adapter().step(post.context());
    expect(post.events.filter((e) => e.type === 'youtube.session_created')).toHaveLength(2);
    expect(yt.published()).toHaveLength(1);
  });

  it('a lost answer to the final chunk is unknown_outcome; the status query replays the video, no duplicate', async () => {
    const media = await makeClip(dir, 2 * MiB + 100);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', after: 2, fault: { kind: 'drop-response' } });
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect(error.kind).toBe('unknown_outcome');
    expect(typeof post.remote['finalChunkIntentAt']).toBe('number');
    expect(post.remote['videoId']).toBeUndefined();
    expect(yt.published()).toHaveLength(1); // the effect happened
    const result = await adapter().step(post.context());
    expect(result).toMatchObject({ status: 'continue', next: 'processing' });
    expect(post.remote['videoId']).toBe(yt.published()[0]!.remoteId);
    expect(yt.published()).toHaveLength(1);
  });

  it('an error answered to the final chunk is classified, and the status query replays it (no video)', async () => {
    const media = await makeClip(dir, 2 * MiB);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.knobs.finalChunkError = { status: 400, reason: 'invalidTitle' };
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect([error.kind, error.code, error.status]).toEqual(['invalid', 'YOUTUBE_REJECTED_INVALID_TITLE', 400]);
    const again = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect(again.code).toBe('YOUTUBE_REJECTED_INVALID_TITLE');
    expect(yt.published()).toHaveLength(0);
  });

  it('accepts 200 as well as 201 for the completing PUT', async () => {
    yt.knobs.completionStatus = 200;
    const media = await makeClip(dir, MiB + 1);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    expect(await adapter().step(post.context())).toMatchObject({ status: 'continue', next: 'processing' });
    expect(yt.server.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([308, 200]);
    expect(post.remote['videoId']).toBe(yt.published()[0]!.remoteId);
  });

  it('refreshes the access token on a 401 mid-upload and goes on', async () => {
    const media = await makeClip(dir, 3 * MiB);
    const sandbox = yt.createSandboxAccount();
    const post = postOf(accountOf(sandbox), media, contentOf(), clock);
    yt.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', after: 1, fault: { kind: 'status', status: 401, body: { error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError', domain: 'global', message: 'Invalid Credentials' }], status: 'UNAUTHENTICATED' } } } });
    await adapter().step(post.context());
    expect(post.savedCredentials).toHaveLength(1);
    expect(post.savedCredentials[0]!.credentials['accessToken']).not.toBe(sandbox.credentials['accessToken']);
    expect(post.savedCredentials[0]!.credentials['refreshToken']).toBe(sandbox.credentials['refreshToken']);
    expect(yt.published()[0]!.sha256).toBe(media.sha256);
  });

  it('abandons the session when the file changed since it started', async () => {
    const media = await makeClip(dir, 2 * MiB);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf(), clock);
    yt.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', after: 1, fault: { kind: 'status', status: 500 } });
    await stepError(() => adapter().step(post.context()));
    const other = await makeClip(dir, 2 * MiB);
    post.media = other;
    await adapter().step(post.context());
    expect(post.events.map((e) => e.type)).toContain('youtube.session_abandoned');
    expect(yt.published()[0]!.sha256).toBe(other.sha256);
  });
});

describe('youtube emulator upload strictness (raw HTTP)', () => {
  async function init(token: string, headers: Record<string, string> = {}, body: unknown = { snippet: { title: 't', categoryId: 22 }, status: { privacyStatus: 'private' } }) {
    return request(`${yt.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet%2Cstatus`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-length': String(2 * MiB), 'x-upload-content-type': 'video/mp4', ...headers },
      body: JSON.stringify(body),
    });
  }

  it('validates the initiating POST headers, body and part', async () => {
    const { credentials } = yt.createSandboxAccount();
    const token = String(credentials['accessToken']);
    const reason = async (res: Awaited<ReturnType<typeof init>>) => ((await res.body.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason;
    const noLength = await init(token, { 'x-upload-content-length': '' });
    expect(noLength.statusCode).toBe(400);
    await noLength.body.dump();
    const badType = await init(token, { 'x-upload-content-type': 'image/png' });
    expect([badType.statusCode, await reason(badType)]).toEqual([400, 'badContent']);
    const longTitle = await init(token, {}, { snippet: { title: 'x'.repeat(101) } });
    expect([longTitle.statusCode, await reason(longTitle)]).toEqual([400, 'invalidTitle']);
    const shortsCategory = await init(token, {}, { snippet: { title: 'ok', categoryId: '42' } });
    expect(await reason(shortsCategory)).toBe('invalidCategoryId');
    const publishAtPublic = await init(token, {}, { snippet: { title: 'ok' }, status: { privacyStatus: 'public', publishAt: '2026-12-01T17:00:00Z' } });
    expect(await reason(publishAtPublic)).toBe('invalidPublishAt');
    const tags = await init(token, {}, { snippet: { title: 'ok', tags: Array.from({ length: 60 }, () => 'ten chars') } });
    expect(await reason(tags)).toBe('invalidTags');
    const noAuth = await request(`${yt.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    const body = (await noAuth.body.json()) as { error: { status: string; errors: { reason: string }[] } };
    expect([noAuth.statusCode, body.error.status, body.error.errors[0]!.reason]).toEqual([401, 'UNAUTHENTICATED', 'authError']);
  });

  it('rejects misaligned chunks, ignores overlaps, replays the final response and answers 404 after the TTL', async () => {
    const { credentials } = yt.createSandboxAccount();
    const token = String(credentials['accessToken']);
    const res = await init(token);
    expect(res.statusCode).toBe(200);
    const uri = String(res.headers['location']);
    expect(new URL(uri).searchParams.get('upload_id')).toBeTruthy();
    const put = (range: string, size: number) =>
      request(uri, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-range': range, 'content-length': String(size) }, body: Buffer.alloc(size, 7) });
    const misaligned = await put(`bytes 0-99999/${2 * MiB}`, 100000);
    expect(misaligned.statusCode).toBe(400);
    await misaligned.body.dump();
    const first = await put(`bytes 0-${MiB - 1}/${2 * MiB}`, MiB);
    expect([first.statusCode, first.headers['range']]).toEqual([308, `bytes=0-${MiB - 1}`]);
    const overlap = await put(`bytes 256-${MiB + 255}/${2 * MiB}`, MiB);
    expect([overlap.statusCode, overlap.headers['range']]).toEqual([308, `bytes=0-${MiB - 1}`]);
    const last = await put(`bytes ${MiB}-${2 * MiB - 1}/${2 * MiB}`, MiB);
    expect(last.statusCode).toBe(201);
    const video = (await last.body.json()) as { id: string; status: { uploadStatus: string } };
    expect(video.status.uploadStatus).toBe('uploaded');
    const replay = await request(uri, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-range': `bytes */${2 * MiB}`, 'content-length': '0' } });
    expect(replay.statusCode).toBe(201);
    expect(((await replay.body.json()) as { id: string }).id).toBe(video.id);
    clock.advance(7 * 24 * 3600_000);
    const expired = await request(uri, { method: 'PUT', headers: { 'content-range': `bytes */${2 * MiB}`, 'content-length': '0' } });
    expect(expired.statusCode).toBe(404);
    await expired.body.dump();
  });
});

function sessionUriOf(post: { upload: { url: string } | null; events: { type: string }[] }): string {
  if (!post.upload) throw new Error('no upload checkpoint');
  return post.upload.url;
}
