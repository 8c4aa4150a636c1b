import { afterEach, describe, expect, it } from 'vitest';
import type { PostRecord } from '../../src/core/ports/store.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';
import { postgresAvailable } from '../helpers/postgres.js';
import { syncPostizChannels } from '../../src/postiz/postiz-channels.js';
import { openApp } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { Engine } from '../../src/core/engine/engine.js';
import { clipMediaInfo, postizAdapterFor } from '../../src/app/postiz-wiring.js';
import { PostizClient } from '../../src/postiz/postiz-client.js';
import { sandboxPostizConfig } from '../../src/postiz/postiz-config.js';
import { backendHarness, HOUR, START, type BackendHarness } from './postiz-backend-harness.js';

const dialects: ('sqlite' | 'postgres')[] = ['sqlite', ...((await postgresAvailable()) ? (['postgres'] as const) : [])];
let h: BackendHarness;
afterEach(async () => h?.close());

async function posts(campaignId: string): Promise<PostRecord[]> {
  return (await h.app.store.listPosts({ campaignId, limit: 1000 })).posts;
}

const live = () => [...h.emu.store.posts.values()].filter((p) => !p.deleted);
const uploads = () => h.emu.server.requests.filter((r) => r.path === '/public/v1/upload').length;

describe.each(dialects)('Postiz backend through the engine (emulator over HTTP, real %s)', (dialect) => {
  it('submits a whole campaign (one upload and one POST /posts per clip for all its channels) and mirrors PUBLISHED with permalinks', async () => {
    h = await backendHarness({ dialect });
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.channels.tiktok.id, 'Clips IG', h.accountIds.youtube]);
    const before = await posts(campaignId);
    expect(before).toHaveLength(12);
    expect(before.every((p) => p.nextAttemptAt === START)).toBe(true); // due at once: Postiz publishes at the date itself
    expect(before.every((p) => p.scheduledAt > START)).toBe(true);

    await h.engine().runDue();
    expect(uploads()).toBe(4);
    expect(h.postRequests()).toBe(4);
    expect(live()).toHaveLength(12);
    const submitted = await posts(campaignId);
    expect(submitted.every((p) => p.state === 'processing' && typeof p.remote.postizPostId === 'string')).toBe(true);
    // Each post points at its own channel's Postiz row, planned at its own time.
    for (const p of submitted) {
      const row = h.emu.store.posts.get(p.remote.postizPostId as string)!;
      expect(row.integrationId).toBe(p.remote.postizChannelId);
      expect(row.publishDate).toBe(p.scheduledAt);
    }
    expect(h.emu.published()).toEqual([]);

    h.clock.set(Math.max(...submitted.map((p) => p.scheduledAt)) + 1_000);
    await h.engine().runDue();
    const done = await posts(campaignId);
    if (done.some((p) => p.state !== 'published')) console.log(done.map((p) => [p.state, p.lastError, p.nextAttemptAt - START, p.scheduledAt - START]));
    expect(done.map((p) => p.state)).toEqual(Array(12).fill('published'));
    const pubs = h.emu.published();
    expect(pubs).toHaveLength(12);
    expect(new Set(pubs.map((p) => p.postId)).size).toBe(12);
    for (const p of done) {
      const pub = pubs.find((x) => x.postId === p.remote.postizPostId)!;
      expect(p.permalink).toBe(pub.releaseURL);
      expect(p.remoteId).toBe(h.emu.store.posts.get(pub.postId)!.releaseId);
    }
    const events = await h.app.store.listEvents({ postId: done[0]!.id, limit: 50 });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['postiz.submitted', 'post.transition']));
    expect(events.some((e) => e.type === 'post.transition' && e.data.to === 'published')).toBe(true);
    expect(h.notifications.filter((n) => n.type === 'post.published')).toHaveLength(12);
    expect((await h.app.store.verifyLedger()).ok).toBe(true);
  });

  it('mirrors ERROR as a failed post with the reason from /notifications, in the ledger', async () => {
    h = await backendHarness({ dialect });
    h.emu.setChannelOutcome(h.channels.youtube.id, 'reject:The video is too long for Shorts');
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok, h.accountIds.youtube]);
    await h.engine().runDue();
    h.clock.set(START + 3 * HOUR);
    await h.engine().runDue();
    const all = await posts(campaignId);
    const yt = all.filter((p) => p.accountId === h.accountIds.youtube);
    const tt = all.filter((p) => p.accountId === h.accountIds.tiktok);
    expect(tt.every((p) => p.state === 'published')).toBe(true);
    expect(yt.every((p) => p.state === 'failed')).toBe(true);
    expect(yt[0]!.lastError).toMatchObject({ code: 'POSTIZ_PUBLISH_FAILED', kind: 'invalid' });
    expect(yt[0]!.lastError!.message).toContain('The video is too long for Shorts');
    const events = await h.app.store.listEvents({ postId: yt[0]!.id, limit: 50 });
    const failed = events.find((e) => e.type === 'post.transition' && e.data.to === 'failed')!;
    expect(JSON.stringify(failed.data)).toContain('too long for Shorts');
    expect(h.notifications.filter((n) => n.type === 'post.failed')).toHaveLength(yt.length);
  });

  it('a channel disabled in Postiz (after a sync) fails its own posts only; its siblings are submitted without it', async () => {
    h = await backendHarness({ dialect });
    h.emu.store.channels.get(h.channels.youtube.id)!.disabled = true;
    const client = new PostizClient({ config: sandboxPostizConfig(h.emu.url, h.emu.apiKey), clock: h.clock });
    await syncPostizChannels({ store: h.app.store, secrets: h.app.secrets, now: () => h.clock.now(), newId: h.app.newId }, client);
    expect((await h.app.store.getAccount(h.accountIds.youtube))!.status).toBe('disabled');
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok, h.accountIds.youtube]);
    await h.engine().runDue();
    const all = await posts(campaignId);
    expect(all.filter((p) => p.accountId === h.accountIds.youtube).every((p) => p.state === 'failed' && p.lastError?.code === 'POSTIZ_CHANNEL_DISABLED')).toBe(true);
    expect(all.filter((p) => p.accountId === h.accountIds.tiktok).every((p) => p.state === 'processing')).toBe(true);
    expect(live().map((p) => p.integrationId)).toEqual(Array(4).fill(h.channels.tiktok.id));
  });

  it('a worker without the Postiz config pauses the channels\' posts (needs_reauth) until a sync with the server', async () => {
    h = await backendHarness({ dialect });
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok]);
    const { CLIPCAST_POSTIZ_URL: _u, CLIPCAST_POSTIZ_API_KEY: _k, ...env } = h.env;
    const bare = await openApp(loadConfig(env), { clock: h.clock });
    try {
      const postiz = postizAdapterFor(bare);
      const engine = new Engine({ store: bare.store, accounts: bare.accounts, adapterFor: (a) => postiz(a)!, mediaFor: clipMediaInfo, clock: h.clock, workerId: 'bare', renewEveryMs: 0 });
      await engine.runDue();
    } finally {
      await bare.close();
    }
    const paused = await posts(campaignId);
    expect(paused.every((p) => p.state === 'needs_reauth')).toBe(true);
    expect(paused[0]!.lastError).toMatchObject({ code: 'POSTIZ_NOT_CONFIGURED' });
    expect(paused[0]!.lastError!.message).toMatch(/CLIPCAST_POSTIZ_URL/);
    expect(h.postRequests()).toBe(0);
    const client = new PostizClient({ config: sandboxPostizConfig(h.emu.url, h.emu.apiKey), clock: h.clock });
    await syncPostizChannels({ store: h.app.store, secrets: h.app.secrets, now: () => h.clock.now(), newId: h.app.newId }, client);
    await h.engine().runDue();
    expect((await posts(campaignId)).every((p) => p.state === 'processing')).toBe(true);
    expect(h.postRequests()).toBe(4);
  });

  it('alerts once (post.stuck) for a post still QUEUE well after its time, and keeps waiting', async () => {
    h = await backendHarness({ dialect, emulator: { workerRunning: false } });
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok]);
    await h.engine().runDue();
    const first = (await posts(campaignId)).sort((a, b) => a.scheduledAt - b.scheduledAt)[0]!;
    h.clock.set(first.scheduledAt + 5 * 60_000);
    await h.engine().runDue();
    expect(h.notifications.filter((n) => n.type === 'post.stuck')).toHaveLength(0);
    h.clock.set(first.scheduledAt + 20 * 60_000); // past stuckAfterMs (15 min) for the first two clips
    await h.engine().runDue();
    const stuck = h.notifications.filter((n) => n.type === 'post.stuck');
    expect(stuck.length).toBeGreaterThanOrEqual(1);
    expect(stuck[0]!.payload).toMatchObject({ postId: first.id, postizPostId: first.remote.postizPostId, channelId: h.channels.tiktok.id });
    const count = stuck.length;
    h.clock.set(first.scheduledAt + 40 * 60_000);
    await h.engine().runDue();
    const again = h.notifications.filter((n) => n.type === 'post.stuck');
    expect(again.filter((n) => n.payload.postId === first.id)).toHaveLength(1);
    expect(again.length).toBeGreaterThanOrEqual(count);
    expect((await h.app.store.getPost(first.id))!.state).toBe('processing');
    // The Postiz workers come back: the post publishes and the engine mirrors it.
    h.emu.setWorkerRunning(true);
    h.clock.set(first.scheduledAt + 50 * 60_000);
    await h.engine().runDue();
    expect((await h.app.store.getPost(first.id))!.state).toBe('published');
  });

  it('reconciles a POST /posts whose answer was dropped (created server-side): no duplicate, no second request', async () => {
    h = await backendHarness({ dialect });
    h.emu.server.faults.add({ method: 'POST', path: '/public/v1/posts', after: 1, fault: { kind: 'drop-response' } });
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok, h.accountIds.instagram]);
    await h.engine().runDue();
    expect(h.emu.server.faults.fired).toHaveLength(1);
    expect(h.postRequests()).toBe(4);
    expect(live()).toHaveLength(8);
    const all = await posts(campaignId);
    expect(all.every((p) => p.state === 'processing')).toBe(true);
    const ids = all.map((p) => p.remote.postizPostId);
    expect(new Set(ids).size).toBe(8);
    const reconciled = (await h.submissions.list()).filter((s) => s.attempts === 1 && s.state === 'submitted');
    expect(reconciled).toHaveLength(4);
    const ev = (await Promise.all(all.map((p) => h.app.store.listEvents({ postId: p.id, limit: 20 })))).flat();
    expect(ev.filter((e) => e.type === 'postiz.submitted' && e.data.reconciled === true)).toHaveLength(1);
    h.clock.set(START + 3 * HOUR);
    await h.engine().runDue();
    expect((await posts(campaignId)).every((p) => p.state === 'published')).toBe(true);
    expect(h.emu.published()).toHaveLength(8);
  });

  it('restarts mid-campaign (lost connection, then a new process over the same database): continues without duplicates', async () => {
    h = await backendHarness({ dialect, postsPerHour: 3 });
    // The second submission loses its connection before the server reads it: unknown outcome, intent kept.
    h.emu.server.faults.add({ method: 'POST', path: '/public/v1/posts', after: 1, fault: { kind: 'reset' } });
    const campaignId = await h.campaign(EXAMPLE_CAMPAIGN, [h.accountIds.tiktok, h.accountIds.youtube], { interval: '2h' });
    await h.engine('w1').runDue();
    const mid = await posts(campaignId);
    // Posts claimed together reach the pacer in any order: look at what happened per clip.
    const perClip = [1, 2, 3, 4].map((id) => mid.filter((p) => p.clipId === id).map((p) => p.state).sort().join(','));
    expect(perClip.filter((s) => s === 'processing,processing')).toHaveLength(2); // two sends went through
    expect(perClip.filter((s) => s === 'preparing,retry_wait')).toHaveLength(1); // lost request; its sibling waits for that outcome
    expect(perClip.filter((s) => s === 'deferred,deferred')).toHaveLength(1); // paced: the hour is full (3 sends)
    const lost = [1, 2, 3, 4][perClip.indexOf('preparing,retry_wait')]!;
    const paced = [1, 2, 3, 4][perClip.indexOf('deferred,deferred')]!;
    expect(h.postRequests()).toBe(3);
    expect((await h.submissions.list()).filter((s) => s.state === 'intent')).toHaveLength(1);

    // "Crash": a new process (new store connection, new engine) later on.
    await h.reopen();
    h.clock.advance(10 * 60_000);
    await h.engine('w2').runDue();
    const after = await posts(campaignId);
    // Clip 2 reconciled first (nothing there), then paced like clip 4: no request in this full hour.
    expect(h.postRequests()).toBe(3);
    expect((await h.submissions.list()).filter((s) => s.state === 'intent')).toHaveLength(0);
    const deferred = after.filter((p) => p.state === 'deferred');
    expect(deferred.map((p) => p.clipId).sort()).toEqual([lost, lost, paced, paced].sort());
    expect(deferred.every((p) => p.lastError?.code === 'POSTIZ_PACED')).toBe(true);
    const until = Math.max(...deferred.map((p) => p.nextAttemptAt));
    expect(until).toBeGreaterThan(START + HOUR);

    await h.reopen();
    h.clock.set(until);
    await h.engine('w3').runDue();
    h.clock.set(START + 12 * HOUR);
    await h.engine('w3').runDue();
    const final = await posts(campaignId);
    expect(final.every((p) => p.state === 'published')).toBe(true);
    expect(live()).toHaveLength(8);
    const perChannelClip = new Set(live().map((p) => `${p.integrationId}@${p.publishDate}`));
    expect(perChannelClip.size).toBe(8);
    expect(h.emu.published()).toHaveLength(8);
    expect(h.postRequests()).toBe(5);
    expect(h.emu.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });
});
