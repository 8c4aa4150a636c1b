import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/core/clock.js';
import type { PublishError } from '../../../src/core/publish-error.js';
import { YouTubeAdapter } from '../../../src/platforms/youtube/youtube-adapter.js';
import { sandboxYouTubeConfig } from '../../../src/platforms/youtube/youtube-config.js';
import { createYouTubeEmulator, type YouTubeEmulator, type YouTubeEmulatorOptions } from '../../../src/sandbox/youtube/youtube-emulator.js';
import { accountOf, contentOf, makeClip, postOf, stepError, tempDir } from './youtube-fixtures.js';

const MiB = 1024 * 1024;
// 12:00 UTC on 1 Jul 2026 = 05:00 PDT; the next Pacific midnight is 07:00 UTC on 2 Jul.
const NOON = Date.UTC(2026, 6, 1, 12, 0, 0);
const NEXT_PT_MIDNIGHT = Date.UTC(2026, 6, 2, 7, 0, 0);

let yt: YouTubeEmulator;
let clock: FakeClock;
let dir: string;

async function start(options: YouTubeEmulatorOptions = {}): Promise<void> {
  yt = await createYouTubeEmulator({ clock, ...options });
}
beforeEach(async () => {
  clock = new FakeClock(NOON);
  dir = await tempDir();
});
afterEach(async () => yt?.close());

function adapter(): YouTubeAdapter {
  return new YouTubeAdapter({ config: sandboxYouTubeConfig(yt.url, { chunkSize: MiB, pollIntervalMs: 20_000 }), clock });
}

describe('youtube adapter end to end', () => {
  it('polls processing with the injected clock, then publishes a Short with its permalink', async () => {
    await start({ processingMs: 60_000, audited: true });
    const media = await makeClip(dir, MiB + 10);
    const post = postOf(accountOf(yt.createSandboxAccount()), media, contentOf({ privacyStatus: 'unlisted' }), clock);
    post.state = 'preparing';
    const notes: string[] = [];
    let polls = 0;
    const a = adapter();
    for (;;) {
      const r = await a.step(post.context());
      if (r.status === 'published') {
        expect(r.permalink).toBe(`${yt.url}/shorts/${r.remoteId}`);
        break;
      }
      if (post.state === 'processing' && r.next === 'processing') polls += 1;
      if (r.note) notes.push(r.note);
      post.state = r.next;
      clock.advance(r.delayMs ?? 0);
    }
    expect(polls).toBe(3); // 0 s, 20 s, 40 s still processing; processed at 60 s
    expect(notes.some((n) => /processing \d+ %/.test(n))).toBe(true);
    const [video] = yt.published();
    expect(video!.privacyStatus).toBe('unlisted');
    expect(video!.sha256).toBe(media.sha256);
  });

  it('processing rejected → invalid with the rejection reason', async () => {
    await start({ processingMs: 1000 });
    yt.setNextProcessingOutcome({ kind: 'rejected', reason: 'duplicate' });
    const post = postOf(accountOf(yt.createSandboxAccount()), await makeClip(dir, 300_000), contentOf(), clock);
    await adapter().step(post.context());
    post.state = 'processing';
    expect(await adapter().step(post.context())).toMatchObject({ status: 'continue', next: 'processing' });
    clock.advance(1000);
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect([error.kind, error.code, error.platformCode]).toEqual(['invalid', 'YOUTUBE_REJECTED', 'duplicate']);
    expect(error.message).toMatch(/duplicate/);
  });

  it('processing failed → invalid with the failure reason', async () => {
    await start();
    yt.setNextProcessingOutcome({ kind: 'failed', reason: 'codec' });
    const post = postOf(accountOf(yt.createSandboxAccount()), await makeClip(dir, 300_000), contentOf(), clock);
    await adapter().step(post.context());
    post.state = 'processing';
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect([error.kind, error.code]).toEqual(['invalid', 'YOUTUBE_PROCESSING_FAILED']);
    expect(error.message).toMatch(/codec/);
  });

  it('quotaExceeded (2026 insert bucket) → quota, deferred to the next Pacific midnight', async () => {
    await start({ insertsPerDay: 1 });
    const account = accountOf(yt.createSandboxAccount());
    await adapter().step(postOf(account, await makeClip(dir, 300_000), contentOf(), clock).context());
    const second = postOf(account, await makeClip(dir, 300_000), contentOf(), clock);
    const error = (await stepError(() => adapter().step(second.context()))) as unknown as PublishError;
    expect([error.kind, error.code, error.platformCode, error.status]).toEqual(['quota', 'YOUTUBE_QUOTA_EXCEEDED', 'quotaExceeded', 403]);
    expect(error.deferUntil).toBe(NEXT_PT_MIDNIGHT);
    expect(second.upload).toBeNull(); // no session was created
    clock.set(NEXT_PT_MIDNIGHT);
    await adapter().step(second.context());
    expect(yt.published()).toHaveLength(2);
  });

  it('quotaExceeded under the legacy 1,600-unit model as well', async () => {
    await start({ quotaModel: 'legacy1600' });
    const account = accountOf(yt.createSandboxAccount());
    for (let i = 0; i < 6; i++) await adapter().step(postOf(account, await makeClip(dir, 1000), contentOf(), clock).context());
    const error = (await stepError(async () => adapter().step(postOf(account, await makeClip(dir, 1000), contentOf(), clock).context()))) as unknown as PublishError;
    expect([error.kind, error.deferUntil]).toEqual(['quota', NEXT_PT_MIDNIGHT]);
  });

  it('uploadLimitExceeded (per channel) → quota, deferred 24 h, never invalid', async () => {
    await start({ channelUploadsPerDay: 1 });
    const account = accountOf(yt.createSandboxAccount());
    await adapter().step(postOf(account, await makeClip(dir, 1000), contentOf(), clock).context());
    const error = (await stepError(async () => adapter().step(postOf(account, await makeClip(dir, 1000), contentOf(), clock).context()))) as unknown as PublishError;
    expect([error.kind, error.code, error.status]).toEqual(['quota', 'YOUTUBE_UPLOAD_LIMIT_EXCEEDED', 400]);
    expect(error.deferUntil).toBe(NOON + 24 * 3600_000);
  });

  it('a token with youtube.upload only uploads, then videos.list fails the scope check → needs_reauth', async () => {
    await start();
    const sandbox = yt.createSandboxAccount('@narrow', { scopes: ['https://www.googleapis.com/auth/youtube.upload'] });
    const post = postOf(accountOf(sandbox), await makeClip(dir, 300_000), contentOf(), clock);
    await adapter().step(post.context());
    post.state = 'processing';
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect([error.kind, error.code, error.status, error.platformCode]).toEqual(['needs_reauth', 'YOUTUBE_INSUFFICIENT_SCOPE', 403, 'insufficientPermissions']);
  });

  it('sets the thumbnail and adds the playlist item once, reconciling an interrupted insert', async () => {
    await start();
    const sandbox = yt.createSandboxAccount();
    const playlistId = yt.createPlaylist(sandbox.externalId);
    const thumb = join(dir, 'thumb.jpg');
    await writeFile(thumb, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 1)]));
    const post = postOf(accountOf(sandbox), await makeClip(dir, 300_000), contentOf({ playlistId, thumbnailPath: thumb }), clock);
    yt.server.faults.add({ method: 'POST', path: '/youtube/v3/playlistItems', fault: { kind: 'drop-response' } });
    await adapter().step(post.context());
    post.state = 'processing';
    expect(await adapter().step(post.context())).toMatchObject({ status: 'continue', next: 'publishing' });
    post.state = 'publishing';
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect(error.kind).toBe('unknown_outcome');
    const result = await adapter().step(post.context());
    expect(result.status).toBe('published');
    const video = yt.videos.get(String(post.remote['videoId']))!;
    expect(video.hasCustomThumbnail).toBe(true);
    expect(post.events.map((e) => e.type)).toContain('youtube.playlist_item_reconciled');
    expect([...yt.uploads.sessions.values()]).toHaveLength(1);
    const items = (await import('undici')).request(`${yt.url}/youtube/v3/playlistItems?part=snippet&playlistId=${playlistId}`, { headers: { authorization: `Bearer ${String(post.account.credentials['accessToken'])}` } });
    const listed = (await (await items).body.json()) as { items: unknown[] };
    expect(listed.items).toHaveLength(1);
  });

  it('a thumbnail refused (unverified channel) is recorded, not fatal', async () => {
    await start();
    const sandbox = yt.createSandboxAccount('@unverified', { verified: false });
    const thumb = join(dir, 'thumb.png');
    await writeFile(thumb, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(100)]));
    const post = postOf(accountOf(sandbox), await makeClip(dir, 300_000), contentOf({ thumbnailPath: thumb }), clock);
    const result = await post.runToEnd(adapter());
    expect(result.status).toBe('published');
    expect(post.events.find((e) => e.type === 'youtube.thumbnail_failed')?.data?.['code']).toBe('YOUTUBE_REJECTED_FORBIDDEN');
  });

  it('an account without a channel gets youtubeSignupRequired → invalid', async () => {
    await start();
    const post = postOf(accountOf(yt.createSandboxAccount('@nochannel', { hasChannel: false })), await makeClip(dir, 1000), contentOf(), clock);
    const error = (await stepError(() => adapter().step(post.context()))) as unknown as PublishError;
    expect([error.kind, error.code]).toEqual(['invalid', 'YOUTUBE_NO_CHANNEL']);
  });

  it('a landscape clip is uploaded as a regular video with a watch permalink and a note why', async () => {
    await start();
    const post = postOf(accountOf(yt.createSandboxAccount()), await makeClip(dir, 1000, { width: 1920, height: 1080 }), contentOf(), clock);
    const result = await post.runToEnd(adapter());
    expect(result.permalink).toBe(`${yt.url}/watch?v=${result.remoteId}`);
    expect(result.note).toMatch(/wider than tall/);
  });

  it('no token or secret shows in thrown errors or recorded events', async () => {
    await start({ insertsPerDay: 1 });
    const sandbox = yt.createSandboxAccount();
    const secrets = [sandbox.credentials['accessToken'], sandbox.credentials['refreshToken'], sandbox.credentials['clientSecret']].map(String);
    const post = postOf(accountOf(sandbox), await makeClip(dir, 2 * MiB), contentOf(), clock);
    const seen: string[] = [];
    const record = (e: unknown) => seen.push(String((e as Error).message), JSON.stringify(e), String((e as Error).stack));
    yt.server.faults.add({ method: 'PUT', path: '/upload/youtube/v3/videos', fault: { kind: 'reset-mid-body' } });
    await stepError(() => adapter().step(post.context())).then(record);
    await adapter().step(post.context());
    await stepError(() => adapter().step(postOf(accountOf(sandbox), post.media, contentOf(), clock).context())).then(record); // quota
    yt.oauth.revokeRefreshToken(String(sandbox.credentials['refreshToken']));
    clock.advance(3600_000);
    await stepError(() => adapter().refreshCredentials(accountOf(sandbox), 60_000)).then(record);
    seen.push(JSON.stringify(post.events), JSON.stringify(post.remote));
    expect(seen.length).toBeGreaterThan(5);
    for (const text of seen) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('refreshCredentials refreshes within the margin and keeps the refresh token', async () => {
    await start();
    const account = accountOf(yt.createSandboxAccount());
    expect(await adapter().refreshCredentials(account, 60_000)).toBeNull();
    clock.advance(3599_000 - 30_000);
    const fresh = await adapter().refreshCredentials(account, 60_000);
    expect(fresh?.credentials['refreshToken']).toBe(account.credentials['refreshToken']);
    expect(fresh?.expiresAt).toBe(clock.now() + 3599_000);
  });
});
