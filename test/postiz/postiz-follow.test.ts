import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { PostizClient } from '../../src/postiz/postiz-client.js';
import { sandboxPostizConfig } from '../../src/postiz/postiz-config.js';
import { PostizFollower, type FollowedPost } from '../../src/postiz/postiz-follow.js';
import { MemorySubmissionStore } from '../../src/postiz/postiz-submission-store.js';
import { PostizSubmitter } from '../../src/postiz/postiz-submit.js';
import type { PostizProvider } from '../../src/postiz/postiz-settings.js';
import { createPostizEmulator, type PostizEmulator } from '../../src/sandbox/postiz/postiz-emulator.js';
import type { EmulatedChannel } from '../../src/sandbox/postiz/postiz-state.js';
import { fixtureDir, mp4Bytes } from './postiz-fixtures.js';

const START = Date.UTC(2025, 11, 1, 8, 0, 0);
const MIN = 60_000;
let clock: FakeClock;
let emu: PostizEmulator;
let fx: Awaited<ReturnType<typeof fixtureDir>>;
let client: PostizClient;
let video: string;

beforeEach(async () => {
  clock = new FakeClock(START);
  emu = await createPostizEmulator({ clock });
  fx = await fixtureDir();
  client = new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey), clock });
  video = await fx.file('clip.mp4', mp4Bytes(10_000));
});
afterEach(async () => {
  await emu.close();
  await fx.cleanup();
});

/** Submits one clip to the given channels at `plannedAt`; returns what to follow. */
async function submit(chs: EmulatedChannel[], plannedAt: number, key = 'clip'): Promise<FollowedPost[]> {
  const submitter = new PostizSubmitter({ client, store: new MemorySubmissionStore(), clock });
  const out = await submitter.submit({
    clipKey: key, videoPath: video, plannedAt,
    targets: chs.map((c) => ({
      channelId: c.id, provider: c.identifier as PostizProvider,
      content: { caption: `caption for ${c.name}`, title: 'A title', options: {} },
    })),
  });
  if (out.status !== 'submitted') throw new Error('not submitted');
  return chs.map((c) => ({ postId: out.postIds[c.id]!, channelId: c.id, plannedAt }));
}

describe('PostizFollower', () => {
  it('mirrors PUBLISHED with the releaseURL, and ERROR with the reason from the matching notification', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok', name: 'TT main', profile: 'me' });
    const yt = emu.addChannel({ identifier: 'youtube', name: 'YT main', outcome: 'reject:The video is too long for Shorts' });
    const ig = emu.addChannel({ identifier: 'instagram', name: 'IG main', outcome: 'unconfirmed' });
    const followed = await submit([tt, yt, ig], START + 30 * MIN);
    const follower = new PostizFollower({ client, clock });
    expect((await follower.check(followed)).map((o) => o.status)).toEqual(['pending', 'pending', 'pending']);

    clock.set(START + 31 * MIN);
    const [t, y, i] = await follower.check(followed);
    expect(t).toMatchObject({ status: 'published', releaseURL: expect.stringMatching(/^https:\/\/www\.tiktok\.com\/@me\/video\/\d+$/), needsLinking: false });
    expect(y).toEqual({
      postId: followed[1]!.postId, status: 'failed', reason: 'The video is too long for Shorts', unconfirmed: false,
      notification: 'An error occurred while posting on youtube: The video is too long for Shorts',
    });
    expect(i).toMatchObject({ status: 'failed', unconfirmed: true, notification: expect.stringContaining('Your post was sent to Instagram') });
  });

  it('reports disabled and needs-reconnect channels with their reasons, and UPLOAD-mode TikTok as needing a link', async () => {
    const off = emu.addChannel({ identifier: 'tiktok', name: 'Off', disabled: true });
    const stale = emu.addChannel({ identifier: 'instagram', name: 'Stale', outcome: 'needs-reconnect' });
    const followed = await submit([off, stale], START + 5 * MIN);
    clock.set(START + 6 * MIN);
    const follower = new PostizFollower({ client, clock });
    const [a, b] = await follower.check(followed);
    expect(a).toMatchObject({ status: 'failed', reason: 'the channel is disabled in Postiz' });
    expect(b).toMatchObject({ status: 'failed', reason: 'the channel needs to be reconnected in Postiz' });

    const inbox = emu.addChannel({ identifier: 'tiktok', name: 'Inbox' });
    const submitter = new PostizSubmitter({ client, store: new MemorySubmissionStore(), clock });
    const out = await submitter.submit({
      clipKey: 'inbox', videoPath: video, plannedAt: START + 7 * MIN,
      targets: [{ channelId: inbox.id, provider: 'tiktok', content: { caption: 'to the inbox', options: { postingMethod: 'upload' } } }],
    });
    if (out.status !== 'submitted') throw new Error('not submitted');
    clock.set(START + 8 * MIN);
    const [c] = await follower.check([{ postId: out.postIds[inbox.id]!, channelId: inbox.id, plannedAt: START + 7 * MIN }]);
    expect(c).toMatchObject({ status: 'published', releaseId: 'missing', needsLinking: true });
  });

  it('flags a post still QUEUE well after its time as stuck (worker not running), pending before that', async () => {
    emu.setWorkerRunning(false);
    const tt = emu.addChannel({ identifier: 'tiktok', name: 'TT' });
    const followed = await submit([tt], START + 10 * MIN);
    const follower = new PostizFollower({ client, clock, stuckAfterMs: 15 * MIN });
    clock.set(START + 24 * MIN);
    expect((await follower.check(followed))[0]).toMatchObject({ status: 'pending' });
    clock.set(START + 26 * MIN);
    expect((await follower.check(followed))[0]).toEqual({ postId: followed[0]!.postId, status: 'stuck', overdueMs: 16 * MIN });
    emu.setWorkerRunning(true);
    expect((await follower.check(followed))[0]).toMatchObject({ status: 'published' });
  });

  it('matches each ERROR to its own notification when two channels of one provider fail', async () => {
    const a = emu.addChannel({ identifier: 'tiktok', name: 'A', outcome: 'reject:first reason' });
    const b = emu.addChannel({ identifier: 'tiktok', name: 'B', outcome: 'reject:second reason' });
    const followed = await submit([a, b], START + MIN);
    clock.set(START + 2 * MIN);
    const outcomes = await new PostizFollower({ client, clock }).check(followed);
    expect(outcomes.map((o) => (o.status === 'failed' ? o.reason : o.status)).sort()).toEqual(['first reason', 'second reason']);
  });

  it('says missing for a post deleted in Postiz', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok', name: 'TT' });
    const followed = await submit([tt], START + MIN);
    expect(await client.deletePost(followed[0]!.postId)).toBe('deleted');
    expect((await new PostizFollower({ client, clock }).check(followed))[0]).toMatchObject({ status: 'missing' });
  });

  it('a post re-armed with PUT status schedule after PUBLISHED publishes again (the quirk the client never triggers)', async () => {
    const tt = emu.addChannel({ identifier: 'tiktok', name: 'TT' });
    const followed = await submit([tt], START);
    expect(emu.published()).toHaveLength(1);
    const res = await fetchStatus(followed[0]!.postId);
    expect(res).toEqual({ id: followed[0]!.postId, state: 'QUEUE' });
    expect(emu.published()).toHaveLength(2);
  });
});

async function fetchStatus(id: string): Promise<unknown> {
  const { request } = await import('undici');
  const res = await request(`${emu.url}/public/v1/posts/${id}/status`, {
    method: 'PUT', headers: { authorization: emu.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'schedule' }),
  });
  return res.body.json();
}
