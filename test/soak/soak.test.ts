import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOAuthProviders } from '../../src/app/oauth-providers.js';
import { openApp, type App } from '../../src/app/open-app.js';
import type { PlatformApps } from '../../src/app/platform-apps.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createCampaign } from '../../src/core/campaigns/create-campaign.js';
import { prepareCampaign } from '../../src/core/campaigns/prepare-campaign.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/ports/notifier.js';
import { isFinalState } from '../../src/core/post-state.js';
import type { PostRecord } from '../../src/core/ports/store.js';
import { probeMp4 } from '../../src/media/probe.js';
import { nextYouTubeQuotaReset } from '../../src/platforms/youtube/youtube-quota.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { buildServer } from '../../src/server/build-server.js';
import { createWorker } from '../../src/worker/create-worker.js';
import { EXAMPLE_CAMPAIGN, EXAMPLE_CLIPS, makeSizedMp4 } from '../helpers/cliper-fixtures.js';
import { FAST_TUNE } from '../helpers/engine-harness.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CLIPS = 20; // × 5 accounts = 100 posts over 30 days
const LEASE_MS = 60_000;
const RETRY = { maxAttempts: 6, baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 };
const ACTIVE = new Set(['preparing', 'uploading', 'processing', 'publishing']);
const TESTING_APP = { clientId: 'soak-testing.apps.googleusercontent.com', clientSecret: 'soak-testing-secret' };

/**
 * A month of real-shaped accounts in simulated time: every account connected through the server's OAuth
 * routes against the sandbox's emulators, every post published by the worker's engine, one fake clock
 * shared by clipcast and the emulators. No sleeps: the clock jumps to each next wake-up.
 */
describe('soak: a 30-day campaign on real-shaped accounts', () => {
  let root = '';
  let sandbox: Sandbox | undefined;
  let app: App | undefined;
  afterAll(async () => {
    await sandbox?.close();
    await app?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('publishes every post exactly once or waits visibly on a reauth, through refreshes, a testing-mode app, quota resets and creator changes', async () => {
    const started = Date.now();
    root = await mkdtemp(join(tmpdir(), 'clipcast-soak-'));
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 17, 0, 0));
    sandbox = await startSandbox({ clock, processingMs: 5_000 });
    const s = sandbox;
    app = await openApp(loadConfig({}, { home: join(root, 'home') }), { clock });
    const a = app;
    // A second Google project whose OAuth app is in "Testing" mode: its refresh tokens die after 7 days.
    s.youtube.oauth.registerClient({ ...TESTING_APP, type: 'desktop', testingMode: true });
    const { key } = await createApiKey(a, 'soak');
    const auth = { authorization: `Bearer ${key}` };
    const endpointId = a.newId('whe');
    await a.store.insertWebhookEndpoint({ id: endpointId, url: 'http://127.0.0.1:9/hook', secretEnc: a.secrets.encrypt('whsec_soak', `webhook:${endpointId}`), events: '*', active: true, createdAt: clock.now() });

    // Connects through GET /oauth/:platform/start, the emulator's consent page, and the callback.
    async function connect(platform: 'tiktok' | 'instagram' | 'youtube', apps: PlatformApps, consent: () => void, query: Record<string, string> = {}) {
      const server = buildServer({ app: a, expectWorker: false, publicUrl: 'http://127.0.0.1:8080', oauth: buildOAuthProviders({ clock, apps, sandbox: s.urls }) });
      await server.ready();
      try {
        const start = (await server.inject({ url: `/oauth/${platform}/start?redirect=false`, headers: auth })).json() as { authorizationUrl: string };
        const url = new URL(start.authorizationUrl);
        for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
        consent();
        const page = await request(url.href);
        await page.body.dump();
        expect(page.statusCode).toBe(302);
        const back = new URL(String(page.headers.location));
        const res = await server.inject({ url: `${back.pathname}${back.search}` });
        expect([200, 201]).toContain(res.statusCode);
        return (res.json() as { account: { id: string; handle: string } }).account;
      } finally {
        await server.close();
      }
    }

    // Day -25: the Instagram accounts connect (both login products); their 60-day tokens end on day 35.
    s.instagram.addAccount('soak_reels_ig');
    s.instagram.addAccount('soak_reels_fb');
    const igLogin = await connect('instagram', { instagram: s.apps.instagram }, () => undefined, { sandbox_handle: 'soak_reels_ig' });
    const fbLogin = await connect('instagram', { instagram: s.apps.facebook }, () => undefined, { sandbox_handle: 'soak_reels_fb' });
    clock.advance(25 * DAY);
    const campaignStart = clock.now();

    // Day 0: TikTok and two YouTube channels (one through the production app, one through the testing one).
    s.tiktok.createSandboxAccount('soak_creator'); // the creator exists on TikTok; clipcast only learns of it by OAuth
    const tiktok = await connect('tiktok', { tiktok: s.apps.tiktok }, () => (s.tiktok.state.authorize.handle = 'soak_creator'));
    const firstRefreshToken = a.accounts.credentialsOf((await a.store.getAccount(tiktok.id))!).refreshToken;
    s.youtube.channels.set('UCsoakProductionChannel', { id: 'UCsoakProductionChannel', handle: '@SoakMain', title: 'Soak main', hasChannel: true, verified: true });
    s.youtube.channels.set('UCsoakTestingAppChannel', { id: 'UCsoakTestingAppChannel', handle: '@SoakSide', title: 'Soak side', hasChannel: true, verified: true });
    const ytMain = await connect('youtube', { youtube: s.apps.youtube }, () => (s.youtube.oauth.nextConsent = { channelId: 'UCsoakProductionChannel' }));
    const ytSide = await connect('youtube', { youtube: TESTING_APP }, () => (s.youtube.oauth.nextConsent = { channelId: 'UCsoakTestingAppChannel' }));
    const accountIds = [tiktok.id, igLogin.id, fbLogin.id, ytMain.id, ytSide.id];
    expect(new Set(accountIds).size).toBe(5);

    // 20 distinct clips, one every 36 h: 100 posts over 28.5 days.
    const dir = join(root, 'clips');
    await mkdir(join(dir, 'copys'), { recursive: true });
    const json = JSON.parse(await readFile(join(EXAMPLE_CAMPAIGN, 'copys/clips_copys.json'), 'utf8')) as { clips: Record<string, unknown>[] };
    json.clips = Array.from({ length: CLIPS }, (_, i) => ({ ...json.clips[i % json.clips.length], clip_id: i + 1 }));
    await writeFile(join(dir, 'copys/clips_copys.json'), JSON.stringify(json));
    for (let i = 1; i <= CLIPS; i++) await makeSizedMp4(EXAMPLE_CLIPS[(i - 1) % EXAMPLE_CLIPS.length]!, join(dir, `${i}.mp4`), 60_000 + i * 1_000);
    const preview = await prepareCampaign(
      { accounts: a.accounts, store: a.store, now: () => clock.now(), probe: (f) => probeMp4(f), defaultTimezone: 'UTC' },
      { source: dir, targets: [accountIds.join(',')], startDate: 'now', interval: '36h', options: { youtube: { privacyStatus: 'public', selfDeclaredMadeForKids: false } } },
    );
    expect(preview.accountIssues).toEqual([]);
    const { posts: created } = await createCampaign({ store: a.store, now: () => clock.now(), newId: a.newId, importMedia: (f) => a.media.importFile(f) }, preview);
    expect(created).toBe(CLIPS * 5);

    // The worker alone: it serves the signed media route Instagram Login pulls video_url from.
    const worker = await createWorker({ app: a, logger: silentLogger, sandbox: s.urls, tune: FAST_TUNE, serveMedia: { host: '127.0.0.1', port: 0 }, engine: { leaseMs: LEASE_MS, retry: RETRY, random: () => 0.5 } });
    const engine = worker.engine;
    let reconnects = 0;
    let reconnectAt: number | undefined;
    let creatorChanged = false;
    let quotaExhaustedAt: number | undefined;
    const seenActiveSince = new Map<string, number>();
    let longestActiveMs = 0;
    const quotaTarget = (await a.store.listPosts({ accountId: ytMain.id, limit: 1_000 })).posts.filter((p) => p.scheduledAt >= campaignStart + 12 * DAY).sort((x, y) => x.scheduledAt - y.scheduledAt)[0]!;
    for (let i = 0; i < 20_000; i++) {
      // Day 12: as a YouTube post comes due, the production project's daily inserts are already used up
      // (by something else); they reset at Pacific midnight.
      if (quotaExhaustedAt === undefined && clock.now() >= quotaTarget.scheduledAt) {
        s.youtube.quota.exhaust(s.apps.youtube.clientId, clock.now(), 'inserts');
        quotaExhaustedAt = clock.now();
      }
      await engine.runDue();
      const now = clock.now();
      const { posts } = await a.store.listPosts({ limit: 1_000 });
      for (const p of posts) {
        if (ACTIVE.has(p.state)) {
          const since = seenActiveSince.get(p.id) ?? now;
          seenActiveSince.set(p.id, since);
          longestActiveMs = Math.max(longestActiveMs, now - since);
        } else seenActiveSince.delete(p.id);
      }
      // Mid-month the TikTok creator turns private and switches duet, stitch and comments off.
      if (!creatorChanged && now >= campaignStart + 15 * DAY) {
        s.tiktok.setCreator('soak_creator', { privateAccount: true, duetDisabled: true, stitchDisabled: true, commentDisabled: true });
        creatorChanged = true;
      }
      // The user reconnects a paused account half a day after being told; the worker goes on meanwhile.
      const side = await a.store.getAccount(ytSide.id);
      if (side?.status === 'needs_reauth' && reconnectAt === undefined) reconnectAt = now + 12 * HOUR;
      if (reconnectAt !== undefined && now >= reconnectAt) {
        await connect('youtube', { youtube: TESTING_APP }, () => (s.youtube.oauth.nextConsent = { channelId: 'UCsoakTestingAppChannel' }));
        reconnects++;
        reconnectAt = undefined;
        continue;
      }
      if (posts.every((p) => isFinalState(p.state))) break;
      const wake = await a.store.nextWakeAt();
      if (wake === null && reconnectAt === undefined) break;
      clock.set(Math.max(Math.min(wake ?? Infinity, reconnectAt ?? Infinity), now + 1));
    }
    await worker.media?.close();
    const { posts } = await a.store.listPosts({ limit: 1_000 });
    const events = await a.store.listEvents({});
    const byState = count(posts.map((p) => p.state));

    // Every post published exactly once on the emulator that holds it, or visibly waiting on a reauth.
    const remote = s.published();
    let exactlyOnce = 0;
    for (const p of posts) {
      const clip = (await a.store.getClip(p.clipRowId))!;
      const held = remote.filter((r) => r.platform === p.platform && r.sha256 === clip.mediaSha256 && r.remoteId === p.remoteId);
      const anyHeld = remote.filter((r) => r.platform === p.platform && r.sha256 === clip.mediaSha256 && owner(p, r.remoteId, posts));
      if (p.state === 'published') {
        expect(held, `${p.platform} clip ${p.clipId} on ${p.accountId}`).toHaveLength(1);
        expect(anyHeld).toHaveLength(1);
        exactlyOnce++;
      } else expect(p.state, `${p.platform} clip ${p.clipId}: ${p.lastError?.message ?? ''}`).toBe('needs_reauth');
    }
    // YouTube: per channel, as many videos as published posts (none twice, none lost).
    for (const [id, channel] of [[ytMain.id, 'UCsoakProductionChannel'], [ytSide.id, 'UCsoakTestingAppChannel']] as const) {
      const videos = [...s.youtube.videos.values()].filter((v) => v.channelId === channel);
      expect(videos.length).toBe(posts.filter((p) => p.accountId === id && p.state === 'published').length);
    }

    // TikTok: 2-hour tokens refreshed all month with rotating refresh tokens, app key kept.
    const refreshes = events.filter((e) => e.type === 'account.credentials_refreshed');
    const tiktokRefreshEvents = refreshes.filter((e) => e.accountId === tiktok.id);
    const tiktokRefreshes = tiktokRefreshEvents.length;
    // A post every 36 h with 2-hour tokens: about one refresh per post, to the end of the month.
    expect(tiktokRefreshes).toBeGreaterThanOrEqual(CLIPS - 5);
    expect(tiktokRefreshEvents.at(-1)!.at).toBeGreaterThanOrEqual(campaignStart + 25 * DAY);
    const ttCreds = a.accounts.credentialsOf((await a.store.getAccount(tiktok.id))!);
    expect(ttCreds.clientKey).toBe(s.apps.tiktok.clientKey);
    expect(s.tiktok.state.refreshTokens.get(String(ttCreds.refreshToken))).toBeDefined();
    expect(ttCreds.refreshToken).not.toBe(firstRefreshToken); // rotated
    // Instagram Login: refreshed before day 60 would end it; Facebook Login's Page token never expires.
    const igRefreshes = refreshes.filter((e) => e.accountId === igLogin.id).length;
    expect(igRefreshes).toBeGreaterThanOrEqual(1);
    const igCreds = a.accounts.credentialsOf((await a.store.getAccount(igLogin.id))!);
    expect(Number(igCreds.tokenExpiresAt)).toBeGreaterThan(campaignStart + 35 * DAY);
    // The testing-mode app lost its refresh token after 7 days: needs_reauth, notified, resumed by reconnecting.
    const reauths = events.filter((e) => e.type === 'account.needs_reauth' && e.accountId === ytSide.id);
    expect(reauths.length).toBeGreaterThanOrEqual(1);
    expect(reauths[0]!.at).toBeGreaterThanOrEqual(campaignStart + 7 * DAY);
    expect(reconnects).toBeGreaterThanOrEqual(1);
    const paused = events.filter((e) => e.type === 'post.transition' && e.data.to === 'needs_reauth' && posts.find((p) => p.id === e.postId)?.accountId === ytSide.id);
    expect(paused.length).toBeGreaterThanOrEqual(1);
    expect(posts.find((p) => p.id === paused[0]!.postId)?.state).toBe('published'); // resumed by the reconnect
    const deliveries = await a.store.listWebhookDeliveries(10_000);
    expect(deliveries.filter((d) => d.eventType === 'account.needs_reauth').length).toBeGreaterThanOrEqual(reauths.length);
    expect(events.filter((e) => e.type === 'account.reauth' || e.type === 'account.reconnected').length).toBeGreaterThanOrEqual(reconnects);
    // YouTube's quota: the post refused on day 12 waited for Pacific midnight, then published.
    const deferred = events.filter((e) => e.type === 'post.transition' && e.data.to === 'deferred' && posts.find((p) => p.id === e.postId)?.accountId === ytMain.id);
    expect(deferred.length).toBeGreaterThanOrEqual(1);
    const deferredPost = posts.find((p) => p.id === deferred[0]!.postId)!;
    const publishedAt = events.find((e) => e.postId === deferredPost.id && e.type === 'post.transition' && e.data.to === 'published')!.at;
    expect(publishedAt).toBeGreaterThanOrEqual(nextYouTubeQuotaReset(quotaExhaustedAt!));
    // TikTok creator options changed mid-month: posts after the change still published, reading fresh creator_info.
    expect(posts.filter((p) => p.accountId === tiktok.id && p.scheduledAt > campaignStart + 15 * DAY).every((p) => p.state === 'published')).toBe(true);
    // No post stayed in an active state longer than its lease plus the retry budget: from the ledger's
    // transitions (every span a post spent in preparing…publishing without a wait state in between),
    // and from what each wake-up saw.
    const retryBudget = RETRY.maxAttempts * RETRY.maxDelayMs;
    const ledgerLongest = longestActiveSpan(events);
    expect(ledgerLongest).toBeLessThanOrEqual(LEASE_MS + retryBudget);
    expect(longestActiveMs).toBeLessThanOrEqual(LEASE_MS + retryBudget);
    expect(await a.store.verifyLedger()).toMatchObject({ ok: true });

    const wallMs = Date.now() - started;
    console.log(
      `soak: ${posts.length} posts over ${Math.round((clock.now() - campaignStart) / DAY)} simulated days; ${exactlyOnce} published exactly once, ` +
        `${byState.needs_reauth ?? 0} waiting on reauth; states ${JSON.stringify(byState)}; token refreshes: tiktok ${tiktokRefreshes}, instagram-login ${igRefreshes}, ` +
        `youtube ${refreshes.filter((e) => e.accountId === ytMain.id || e.accountId === ytSide.id).length}; reauths ${reauths.length}, reconnects ${reconnects}; ` +
        `quota deferrals ${deferred.length}; longest active ${Math.round(Math.max(ledgerLongest, longestActiveMs) / 1000)} s (budget ${Math.round((LEASE_MS + retryBudget) / 1000)} s); ledger intact; wall ${Math.round(wallMs / 1000)} s`,
    );
    expect(posts.length).toBeGreaterThanOrEqual(90);
  }, 180_000);
});

/** The longest time any post spent in active states in one go, from the ledger's transitions. */
function longestActiveSpan(events: { postId: string | null; type: string; at: number; data: Record<string, unknown> }[]): number {
  const since = new Map<string, number>();
  let longest = 0;
  for (const e of events) {
    if (!e.postId || e.type !== 'post.transition') continue;
    const to = String(e.data.to);
    const start = since.get(e.postId);
    if (ACTIVE.has(to)) {
      if (start === undefined) since.set(e.postId, e.at);
      else longest = Math.max(longest, e.at - start);
    } else if (start !== undefined) {
      longest = Math.max(longest, e.at - start);
      since.delete(e.postId);
    }
  }
  return longest;
}

function count(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** True when the remote item belongs to this post's account (same remote id recorded on a post of it). */
function owner(p: PostRecord, remoteId: string, posts: PostRecord[]): boolean {
  const holder = posts.find((x) => x.remoteId === remoteId);
  return !holder || holder.accountId === p.accountId;
}
