import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { FakeClock } from '../../../src/core/clock.js';
import { YouTubeClient } from '../../../src/platforms/youtube/youtube-client.js';
import { sandboxYouTubeConfig } from '../../../src/platforms/youtube/youtube-config.js';
import { YouTubeAdapter } from '../../../src/platforms/youtube/youtube-adapter.js';
import { PublishError } from '../../../src/core/publish-error.js';
import { createYouTubeEmulator, type YouTubeEmulator } from '../../../src/sandbox/youtube/youtube-emulator.js';
import { accountOf, contentOf, makeClip, postOf, tempDir } from './youtube-fixtures.js';

const UPLOAD_ONLY = ['https://www.googleapis.com/auth/youtube.upload'];
let yt: YouTubeEmulator;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2026, 6, 1, 12));
  yt = await createYouTubeEmulator({ clock, audited: true });
});
afterEach(async () => yt.close());

const ALL = ['youtube.upload', 'youtube.readonly', 'youtube'].map((x) => `https://www.googleapis.com/auth/${x}`);
/** A new access token for the channel (after the clock jumped past the old one's hour). */
function freshToken(channelId: string): string {
  return yt.oauth.issueDirect('clipcast-sandbox.apps.googleusercontent.com', channelId, ALL).access.token;
}

async function uploadedVideo(tags = ['a', 'b']): Promise<{ id: string; token: string; upload: string; channelId: string }> {
  const sandbox = yt.createSandboxAccount();
  const post = postOf(accountOf(sandbox), await makeClip(await tempDir(), 1000), contentOf({}, { tags }), clock);
  await new YouTubeAdapter({ config: sandboxYouTubeConfig(yt.url), clock }).step(post.context());
  const narrow = yt.oauth.issueDirect('clipcast-sandbox.apps.googleusercontent.com', sandbox.externalId, UPLOAD_ONLY).access.token;
  return { id: String(post.remote['videoId']), token: String(sandbox.credentials['accessToken']), upload: narrow, channelId: sandbox.externalId };
}

const reasonOf = async (res: { body: { json(): Promise<unknown> } }) => ((await res.body.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason;

describe('youtube emulator: the Data API beyond the upload', () => {
  it('videos.update replaces whole parts, requires title and categoryId, and needs the youtube scope', async () => {
    const { id, token, upload, channelId } = await uploadedVideo();
    const client = new YouTubeClient(sandboxYouTubeConfig(yt.url), clock);
    const updated = (await client.updateVideo(token, { id, snippet: { title: 'New title', categoryId: '27' } }, ['snippet'])) as unknown as { snippet: { title: string; tags?: string[]; categoryId: string } };
    expect(updated.snippet).toMatchObject({ title: 'New title', categoryId: '27' });
    expect(updated.snippet.tags).toBeUndefined(); // left out → deleted
    const missing = await client.updateVideo(token, { id, snippet: { title: 'no category' } }, ['snippet']).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PublishError);
    expect((missing as PublishError).platformCode).toBe('invalidVideoMetadata');
    const scoped = await client.updateVideo(upload, { id, snippet: { title: 't', categoryId: '22' } }, ['snippet']).catch((e: unknown) => e);
    expect((scoped as PublishError).code).toBe('YOUTUBE_INSUFFICIENT_SCOPE');
    const status = await client.updateVideo(token, { id, status: { privacyStatus: 'private', publishAt: '2026-07-02T00:00:00Z' } }, ['status']);
    expect(status.status?.privacyStatus).toBe('private');
    clock.set(Date.UTC(2026, 6, 2, 0, 0, 1));
    expect((await client.listVideo(freshToken(channelId), id))?.status?.privacyStatus).toBe('public'); // publishAt passed
  });

  it('videos.list needs a read scope, hides owner-only parts from others, and answers items: [] for unknown ids', async () => {
    const { id, upload } = await uploadedVideo();
    const list = (t: string, ids: string) => request(`${yt.url}/youtube/v3/videos?part=status,processingDetails&id=${ids}`, { headers: { authorization: `Bearer ${t}` } });
    const denied = await list(upload, id);
    expect([denied.statusCode, await reasonOf(denied)]).toEqual([403, 'insufficientPermissions']);
    const other = String(yt.createSandboxAccount('@other').credentials['accessToken']);
    const seen = (await (await list(other, id)).body.json()) as { items: Record<string, unknown>[] };
    expect(seen.items[0]!['processingDetails']).toBeUndefined();
    const none = (await (await list(other, 'nope')).body.json()) as { items: unknown[] };
    expect(none.items).toEqual([]);
    const badPart = await request(`${yt.url}/youtube/v3/videos?part=bogus&id=${id}`, { headers: { authorization: `Bearer ${other}` } });
    expect(await reasonOf(badPart)).toBe('unknownPart');
    const noFilter = await request(`${yt.url}/youtube/v3/videos?part=status`, { headers: { authorization: `Bearer ${other}` } });
    expect([noFilter.statusCode, await reasonOf(noFilter)]).toEqual([400, 'missingRequiredParameter']);
    const twoFilters = await request(`${yt.url}/youtube/v3/videos?part=status&id=${id}&chart=mostPopular`, { headers: { authorization: `Bearer ${other}` } });
    expect([twoFilters.statusCode, await reasonOf(twoFilters)]).toEqual([400, 'incompatibleParameters']);
  });

  it('lists a channel\'s uploads, newest first, through channels.list and its uploads playlist (private videos for the owner only)', async () => {
    const { id, token, channelId } = await uploadedVideo(['x']);
    const client = new YouTubeClient(sandboxYouTubeConfig(yt.url), clock);
    const playlist = await client.uploadsPlaylist(token);
    expect(playlist).toBe(`UU${channelId.slice(2)}`);
    const items = await client.playlistVideos(token, playlist!, 50);
    expect(items.map((i) => i.videoId)).toEqual([id]);
    const [video] = await client.listVideos(token, [id], ['snippet']);
    expect(video?.snippet?.tags).toContain('x');
    const other = String(yt.createSandboxAccount('@stranger').credentials['accessToken']);
    yt.videos.get(id)!.status['privacyStatus'] = 'private';
    expect(await client.playlistVideos(other, playlist!, 50)).toEqual([]);
    const bad = await request(`${yt.url}/youtube/v3/channels?part=contentDetails`, { headers: { authorization: `Bearer ${token}` } });
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();
  });

  it('access tokens expire after 3599 s (401 authError, UNAUTHENTICATED)', async () => {
    const { id, token } = await uploadedVideo();
    clock.advance(3599_000);
    const res = await request(`${yt.url}/youtube/v3/videos?part=status&id=${id}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.body.json()) as { error: { status: string; errors: { reason: string }[] } };
    expect([res.statusCode, body.error.status, body.error.errors[0]!.reason]).toEqual([401, 'UNAUTHENTICATED', 'authError']);
  });

  it('thumbnails.set checks type, magic bytes and the 2 MB / 50 MB limit by date', async () => {
    const { id, token, channelId } = await uploadedVideo();
    let bearer = token;
    const set = (body: Buffer, type = 'image/jpeg') => request(`${yt.url}/upload/youtube/v3/thumbnails/set?videoId=${id}&uploadType=media`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': type }, body });
    const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(size - 3)]);
    expect(await reasonOf(await set(Buffer.from('not an image')))).toBe('invalidImage');
    expect(await reasonOf(await set(jpeg(100), 'text/plain'))).toBe('invalidImage');
    const big = await set(jpeg(3 * 1024 * 1024));
    expect(big.statusCode).toBe(400); // 2 MB until 14 Sep 2026
    await big.body.dump();
    clock.set(Date.UTC(2026, 8, 14, 0, 0, 0));
    bearer = freshToken(channelId);
    const ok = await set(jpeg(3 * 1024 * 1024));
    expect(ok.statusCode).toBe(200);
    expect(((await ok.body.json()) as { kind: string }).kind).toBe('youtube#thumbnailSetResponse');
  });

  it('charges invalid requests too and resets the units at Pacific midnight', async () => {
    await yt.close();
    yt = await createYouTubeEmulator({ clock, unitsPerDay: 3 });
    const sandbox = yt.createSandboxAccount();
    let token = String(sandbox.credentials['accessToken']);
    const list = () => request(`${yt.url}/youtube/v3/videos?part=bogus&id=x`, { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) expect(await reasonOf(await list())).toBe('unknownPart');
    const spent = await list();
    const body = (await spent.body.json()) as { error: { errors: { reason: string; domain: string }[] } };
    expect([spent.statusCode, body.error.errors[0]!.reason, body.error.errors[0]!.domain]).toEqual([403, 'quotaExceeded', 'youtube.quota']);
    clock.set(Date.UTC(2026, 6, 2, 6, 59, 59)); // 23:59:59 PDT
    token = freshToken(sandbox.externalId);
    expect((await list()).statusCode).toBe(403);
    clock.set(Date.UTC(2026, 6, 2, 7, 0, 0)); // midnight PDT
    expect(await reasonOf(await list())).toBe('unknownPart');
  });

  it('tokeninfo lists the granted scopes; the control API shows the state', async () => {
    const { token } = await uploadedVideo();
    const info = (await (await request(`${yt.url}/tokeninfo?access_token=${token}`)).body.json()) as { scope: string; expires_in: string };
    expect(info.scope).toContain('youtube.readonly');
    const state = (await (await request(`${yt.url}/__sandbox/state`)).body.json()) as { name: string; state: { videos: unknown[] } };
    expect(state.name).toBe('youtube');
    expect(state.state.videos).toHaveLength(1);
    const page = await request(yt.published()[0]!.permalink);
    expect([page.statusCode, String(page.headers['content-type'])]).toEqual([200, 'text/html; charset=utf-8']);
    await page.body.dump();
  });
});
