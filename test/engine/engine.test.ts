import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { newWebhookSecret, verifyWebhookSignature, WebhookNotifier } from '../../src/notify/webhook-notifier.js';
import { silentLogger } from '../../src/core/ports/notifier.js';
import { engineHarness } from '../helpers/engine-harness.js';
import type { PlatformAdapter, UploadCheckpoint } from '../../src/core/ports/platform-adapter.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

describe('Engine over the sandbox (real HTTP, real SQLite, fake clock)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('publishes every post of a campaign on three platforms exactly once, with an intact ledger', async () => {
    h = await engineHarness();
    const { campaign } = await h.schedule();
    const posts = await h.drive();
    expect(posts).toHaveLength(12);
    expect(posts.map((p) => p.state)).toEqual(Array(12).fill('published'));
    expect(posts.every((p) => p.permalink && p.remoteId)).toBe(true);
    const remote = h.sandbox.published();
    for (const p of posts) {
      const clip = await h.app.store.getClip(p.clipRowId);
      expect(remote.filter((r) => r.platform === p.platform && r.sha256 === clip!.mediaSha256)).toHaveLength(1);
    }
    const events = await h.app.store.listEvents({ postId: posts[0]!.id });
    const path = events.filter((e) => e.type === 'post.transition').map((e) => `${String(e.data.from)}>${String(e.data.to)}`);
    expect(path[0]).toBe('scheduled>preparing');
    expect(path.at(-1)).toMatch(/>published$/);
    expect(await h.app.store.verifyLedger()).toMatchObject({ ok: true });
    expect((await h.app.store.listCampaigns())[0]).toMatchObject({ id: campaign.id });
  });

  it("gives each step of a claim the upload session as the previous step's checkpoints left it", async () => {
    // The engine reads the session once per claim and follows the claim's own checkpoints from there.
    h = await engineHarness({ platforms: ['tiktok'] });
    const seen: (UploadCheckpoint | null)[] = [];
    const session = { protocol: 'test', url: 'http://127.0.0.1:9/session', totalBytes: 100, bytesAcked: 0, chunkSize: 50 };
    const adapter: PlatformAdapter = {
      platform: 'tiktok',
      async step(ctx) {
        seen.push(ctx.upload && { ...ctx.upload });
        if (ctx.state === 'preparing') {
          await ctx.checkpoint({ upload: session });
          return { status: 'continue', next: 'uploading', delayMs: 0 };
        }
        if (ctx.state === 'uploading' && ctx.upload!.bytesAcked === 0) {
          await ctx.checkpoint({ upload: { ...ctx.upload!, bytesAcked: 50 } });
          return { status: 'continue', next: 'uploading', delayMs: 0 };
        }
        if (ctx.state === 'uploading') {
          (ctx.upload as { bytesAcked: number }).bytesAcked = 99; // an adapter changing its copy without a checkpoint changes nothing
          return { status: 'continue', next: 'processing', delayMs: 0 };
        }
        if (ctx.state === 'processing') {
          await ctx.checkpoint({ upload: null });
          return { status: 'continue', next: 'publishing', delayMs: 0 };
        }
        return { status: 'published', remoteId: `v-${ctx.postId}` };
      },
    };
    const engine = h.makeEngine({ adapterFor: () => adapter, concurrency: 1 });
    await h.schedule('tiktok', '1h');
    const [post] = (await h.app.store.listPosts({ limit: 1 })).posts;
    await engine.claimAndStart();
    await engine.idle();
    expect(await h.app.store.getPost(post!.id)).toMatchObject({ state: 'published' });
    expect(seen).toEqual([null, session, { ...session, bytesAcked: 50 }, { ...session, bytesAcked: 50 }, null]);
    expect(await h.app.store.getUploadSession(post!.id)).toBeNull();
  });

  it('waits out a 429 for at least its Retry-After, backs off on 5xx, then publishes', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    h.sandbox.tiktok.server.faults.add({ method: 'POST', path: '/v2/post/publish/video/init/', times: 1, fault: { kind: 'status', status: 429, retryAfterSec: 90, body: { data: {}, error: { code: 'rate_limit_exceeded', message: 'slow down', log_id: 'x' } } } });
    h.sandbox.tiktok.server.faults.add({ method: 'POST', path: '/v2/post/publish/video/init/', times: 2, fault: { kind: 'status', status: 503 } });
    await h.schedule('tiktok', '1h');
    const t0 = h.clock.now();
    await h.engine.runDue();
    const [first] = (await h.app.store.listPosts({ limit: 1 })).posts;
    expect(first).toMatchObject({ state: 'retry_wait', attempt: 1 });
    expect(first!.nextAttemptAt - t0).toBeGreaterThanOrEqual(90_000);
    const posts = await h.drive();
    expect(posts.every((p) => p.state === 'published')).toBe(true);
    const retried = await h.app.store.getPost(first!.id);
    expect(retried!.attempt).toBe(3);
    expect(h.sandbox.tiktok.published()).toHaveLength(4);
  });

  it('fails a post after the maximum attempts with the last reason, and sends a signed webhook', async () => {
    const received: { body: string; signature: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['clipcast-signature']) });
        res.writeHead(received.length === 1 ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      h = await engineHarness({ platforms: ['youtube'], engine: { retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 } } });
      const secret = newWebhookSecret();
      const endpointId = h.app.newId('whe');
      await h.app.store.insertWebhookEndpoint({ id: endpointId, url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secretEnc: h.app.secrets.encrypt(secret, `webhook:${endpointId}`), events: 'post.failed', active: true, createdAt: h.clock.now() });
      const notifier = new WebhookNotifier({ store: h.app.store, secrets: h.app.secrets, clock: h.clock, logger: silentLogger, makeId: h.app.newId, baseDelayMs: 1_000 });
      const engine = h.makeEngine({ notifier });
      h.sandbox.youtube.server.faults.add({ method: 'POST', path: '/upload/youtube/v3/videos', times: Infinity, fault: { kind: 'status', status: 503, body: { error: { code: 503, message: 'backendError', errors: [{ reason: 'backendError', domain: 'global', message: 'Backend Error' }] } } } });
      await h.schedule('youtube', '1h', undefined);
      const posts = await h.drive(engine, 100, async () => (await h!.app.store.listPosts({ state: 'failed' })).posts.length > 0);
      const failed = posts.find((p) => p.state === 'failed')!;
      expect(failed.attempt).toBe(3);
      expect(failed.lastError?.message).toMatch(/gave up after 3 attempts/);
      expect(await notifier.deliverDue()).toBe(0); // the receiver answers 500 the first time
      h.clock.advance(1_000);
      expect(await notifier.deliverDue()).toBe(1);
      expect(received).toHaveLength(2);
      const { body, signature } = received[1]!;
      expect(JSON.parse(body)).toMatchObject({ type: 'post.failed', data: { postId: failed.id, platform: 'youtube' } });
      expect(verifyWebhookSignature(secret, signature, body, Math.floor(h.clock.now() / 1000))).toBe(true);
      expect(verifyWebhookSignature('whsec_other', signature, body, Math.floor(h.clock.now() / 1000))).toBe(false);
      const log = await h.app.store.listWebhookDeliveries();
      expect(log[0]).toMatchObject({ state: 'delivered', attempt: 2, lastStatus: 200 });
    } finally {
      receiver.close();
    }
  });

  it('pauses every post of an account that needs reauth, keeps the others going, and resumes after reconnecting', async () => {
    h = await engineHarness({ platforms: ['tiktok', 'instagram'] });
    h.sandbox.tiktok.revokeToken(String(h.credentials.tiktok!.accessToken));
    await h.schedule('tiktok,instagram', '1m');
    const posts = await h.drive();
    expect(posts.filter((p) => p.platform === 'instagram').every((p) => p.state === 'published')).toBe(true);
    expect(posts.filter((p) => p.platform === 'tiktok').map((p) => p.state)).toEqual(Array(4).fill('needs_reauth'));
    const account = await h.app.store.getAccount(h.accounts.tiktok!);
    expect(account?.status).toBe('needs_reauth');
    expect(h.sandbox.tiktok.published()).toHaveLength(0);
    // Reconnect: fresh credentials, then the paused posts resume.
    const fresh = h.sandbox.createAccount('tiktok', '@engine_test');
    await h.app.accounts.saveCredentials(h.accounts.tiktok!, fresh.credentials as Record<string, string>);
    expect(await h.app.store.resumeAccountPosts(h.accounts.tiktok!, h.clock.now())).toBe(4);
    const after = await h.drive();
    expect(after.every((p) => p.state === 'published')).toBe(true);
    expect(h.sandbox.tiktok.published()).toHaveLength(4);
  });

  it('refreshes once and goes on when the platform refuses an access token before its recorded expiry', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    h.sandbox.tiktok.expireAccessTokens();
    await h.schedule('tiktok', '1m');
    const posts = await h.drive();
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect((await h.app.store.getAccount(h.accounts.tiktok!))?.status).toBe('ok');
    expect((await h.app.store.listEvents({})).filter((e) => e.type === 'account.credentials_refreshed')).toHaveLength(1);
  });

  it('refreshes an expired token once per account however many posts are in flight', async () => {
    h = await engineHarness({ platforms: ['youtube'], engine: { concurrency: 8, perAccount: 4, perPlatform: 4 } });
    await h.schedule('youtube', '1s');
    h.clock.advance(2 * 3_600_000); // the sandbox access token (1 h) has expired
    const tokenCallsBefore = h.sandbox.youtube.server.requests.filter((r) => r.path === '/token').length;
    const posts = await h.drive();
    expect(posts.every((p) => p.state === 'published')).toBe(true);
    expect(h.sandbox.youtube.server.requests.filter((r) => r.path === '/token').length - tokenCallsBefore).toBe(1);
    const events = await h.app.store.listEvents({});
    expect(events.filter((e) => e.type === 'account.credentials_refreshed')).toHaveLength(1);
  });

  it('refuses to publish a clip whose file changed after the campaign was created', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    await h.schedule('tiktok', '1h');
    const [post] = (await h.app.store.listPosts({ limit: 1 })).posts;
    const clip = await h.app.store.getClip(post!.clipRowId);
    const { appendFile } = await import('node:fs/promises');
    await appendFile(clip!.mediaPath, Buffer.alloc(10));
    await h.engine.runDue();
    const after = await h.app.store.getPost(post!.id);
    expect(after).toMatchObject({ state: 'failed', lastError: { code: 'MEDIA_CHANGED' } });
    expect(after!.lastError!.message).toMatch(/changed since the campaign was created/);
    expect(h.sandbox.tiktok.published()).toHaveLength(0);
  });

  it('counts YouTube inserts per project and Pacific day in the store and defers what does not fit to the reset', async () => {
    h = await engineHarness({ platforms: ['youtube'] });
    const { youtubeQuotaRequirement } = await import('../../src/platforms/youtube/youtube-quota-gate.js');
    const need = youtubeQuotaRequirement(h.clock.now(), String(h.credentials.youtube!.clientId), { caption: '', options: {} });
    expect(await h.app.store.reserveQuota(need.bucket, need.windowKey, need.limit - 1, need.limit)).toBe(true);
    await h.schedule('youtube', '1m');
    const posts = await h.drive(h.engine, 200, async () => (await h!.app.store.listPosts({ state: 'published' })).posts.length === 1 && (await h!.app.store.listPosts({ state: 'deferred' })).posts.length === 3);
    expect(posts.filter((p) => p.state === 'published')).toHaveLength(1);
    const deferred = posts.filter((p) => p.state === 'deferred');
    expect(deferred).toHaveLength(3);
    expect(deferred.every((p) => p.nextAttemptAt === need.resetAt && p.attempt === 0)).toBe(true);
    expect(await h.app.store.quotaUsed(need.bucket, need.windowKey)).toBe(need.limit);
    expect(h.sandbox.youtube.published()).toHaveLength(1);
  });

  it('defers, without failing, posts beyond the live Instagram publishing quota', async () => {
    h = await engineHarness({ platforms: ['instagram'] });
    h.sandbox.instagram.knobs.quotaTotal = 2;
    await h.schedule('instagram', '1m');
    const posts = await h.drive(h.engine, 200, async () => (await h!.app.store.listPosts({ state: 'deferred' })).posts.length > 0 && (await h!.app.store.listPosts({ state: 'published' })).posts.length === 2);
    expect(posts.filter((p) => p.state === 'published')).toHaveLength(2);
    const deferred = posts.filter((p) => p.state === 'deferred');
    expect(deferred.length).toBeGreaterThan(0);
    expect(deferred.every((p) => p.nextAttemptAt > h!.clock.now() && p.attempt === 0)).toBe(true);
    const events = await h.app.store.listEvents({ postId: deferred[0]!.id });
    expect(events.some((e) => e.type === 'post.transition' && String(e.data.detail).startsWith('quota'))).toBe(true);
  });
});
