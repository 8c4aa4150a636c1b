import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/core/clock.js';
import { YouTubeAdapter } from '../../../src/platforms/youtube/youtube-adapter.js';
import { YouTubeAuth, YouTubeClient } from '../../../src/platforms/youtube/youtube-client.js';
import { sandboxYouTubeConfig } from '../../../src/platforms/youtube/youtube-config.js';
import { findLostUpload, uploadMarker, withMarker } from '../../../src/platforms/youtube/youtube-lost-upload.js';
import { planYouTubeUpload, youtubeTagLength } from '../../../src/platforms/youtube/youtube-metadata.js';
import { createYouTubeEmulator, type YouTubeEmulator } from '../../../src/sandbox/youtube/youtube-emulator.js';
import { accountOf, contentOf, makeClip, postOf, tempDir } from './youtube-fixtures.js';

let yt: YouTubeEmulator;
let clock: FakeClock;
beforeEach(async () => {
  clock = new FakeClock(Date.UTC(2026, 6, 1, 12));
  yt = await createYouTubeEmulator({ clock, audited: true });
});
afterEach(async () => yt.close());

describe('youtube lost-upload marker and lookup', () => {
  it('adds a short, post-derived marker tag when it fits, and leaves full tags alone', () => {
    const marker = uploadMarker('pst_1');
    expect(marker).toMatch(/^clipcast-[0-9a-f]{12}$/);
    expect(uploadMarker('pst_1')).toBe(marker);
    expect(uploadMarker('pst_2')).not.toBe(marker);
    const resource = { snippet: { title: 't', tags: ['a'] }, status: {} };
    expect(withMarker(resource, marker)).toEqual({ resource: { snippet: { title: 't', tags: ['a', marker] }, status: {} }, marked: true });
    const full = Array.from({ length: 26 }, (_, i) => `tag${String(i).padStart(15, '0')}`); // 26 × 18 + 25 = 493
    expect(youtubeTagLength(full)).toBe(493);
    expect(withMarker({ snippet: { title: 't', tags: full }, status: {} }, marker)).toMatchObject({ marked: false });
  });

  it('finds the marked video among the channel uploads, and a markerless one by title and description; absent otherwise', async () => {
    const sandbox = yt.createSandboxAccount();
    const account = accountOf(sandbox);
    const config = sandboxYouTubeConfig(yt.url);
    const media = await makeClip(await tempDir(), 1000);
    const post = postOf(account, media, contentOf({}, { title: 'Lost one', caption: 'Lost one\nbody' }), clock);
    const since = clock.now();
    await new YouTubeAdapter({ config, clock }).step(post.context());
    const videoId = String(post.remote['videoId']);
    const client = new YouTubeClient(config, clock);
    const auth = new YouTubeAuth(post.context(), config);
    const plan = planYouTubeUpload(post.content, media, account.credentials, '22');
    const marker = uploadMarker(post.context().postId);
    expect(await findLostUpload(client, auth, { marker, marked: true, plan, since })).toMatchObject({ kind: 'found', video: { id: videoId } });
    expect(await findLostUpload(client, auth, { marker, marked: false, plan, since })).toMatchObject({ kind: 'found', video: { id: videoId } });
    expect(await findLostUpload(client, auth, { marker: uploadMarker('other'), marked: true, plan, since })).toEqual({ kind: 'absent' });
    // A video older than the lost session (beyond the clock skew) is not it.
    expect(await findLostUpload(client, auth, { marker, marked: true, plan, since: since + 3_600_000 })).toEqual({ kind: 'absent' });
  });
});
