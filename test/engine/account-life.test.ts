import { afterEach, describe, expect, it } from 'vitest';
import { AccountService } from '../../src/core/accounts/account-service.js';
import { silentLogger } from '../../src/core/ports/notifier.js';
import { createWorker } from '../../src/worker/create-worker.js';
import { engineHarness, FAST_TUNE } from '../helpers/engine-harness.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

const ACTIVE = ['preparing', 'uploading', 'processing', 'publishing'];

/** A worker wired as `clipcast worker` wires it, on the harness's app, sandbox and fake clock. */
async function workerOf(h: Harness, tune: Parameters<typeof createWorker>[0]['tune'] = FAST_TUNE) {
  // Every notification is queued for this endpoint: the delivery log shows what was sent.
  const endpointId = h.app.newId('whe');
  await h.app.store.insertWebhookEndpoint({ id: endpointId, url: 'http://127.0.0.1:9/hook', secretEnc: h.app.secrets.encrypt('whsec_test', `webhook:${endpointId}`), events: '*', active: true, createdAt: h.clock.now() });
  const worker = await createWorker({ app: h.app, logger: silentLogger, sandbox: h.sandbox.urls, tune, engine: { random: () => 0.5, retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 } } });
  return worker;
}

async function notifications(h: Harness): Promise<string[]> {
  return (await h.app.store.listWebhookDeliveries(1_000)).map((d) => d.eventType);
}

describe('an account lives through its token refreshes', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('TikTok: 2-hour tokens refreshed (and rotated) three times keep the app key and secret; every post publishes', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    const worker = await workerOf(h);
    await h.schedule('tiktok', '3h');
    const posts = await h.drive(worker.engine);
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect(h.sandbox.tiktok.published()).toHaveLength(4);
    const refreshed = (await h.app.store.listEvents({})).filter((e) => e.type === 'account.credentials_refreshed');
    expect(refreshed.length).toBeGreaterThanOrEqual(3);
    const account = await h.app.store.getAccount(h.accounts.tiktok!);
    const creds = h.app.accounts.credentialsOf(account!);
    expect(creds.clientKey).toBe(h.sandbox.apps.tiktok.clientKey);
    expect(creds.clientSecret).toBe(h.sandbox.apps.tiktok.clientSecret);
    expect(creds.refreshToken).not.toBe(h.credentials.tiktok!.refreshToken);
  });
});

describe('an error while building an adapter or reading credentials ends the step, classified', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it.each(['tiktok', 'instagram', 'youtube'] as const)('%s: unreadable credentials pause the posts as needs_reauth, with a notification', async (platform) => {
    h = await engineHarness({ platforms: [platform] });
    const worker = await workerOf(h);
    // Encrypted for another account: the blob decrypts nowhere else (associated data is the account id).
    await h.app.store.updateAccount(h.accounts[platform]!, { credentialsEnc: h.app.secrets.encrypt('{"accessToken":"x"}', 'account:someone-else') });
    await h.schedule(platform, '1m');
    const posts = await h.drive(worker.engine, 50);
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('needs_reauth'));
    expect(posts.every((p) => p.leaseOwner === null)).toBe(true);
    expect((await h.app.store.getAccount(h.accounts[platform]!))?.status).toBe('needs_reauth');
    const events = await h.app.store.listEvents({});
    expect(events.find((e) => e.type === 'account.needs_reauth')?.data).toMatchObject({ code: 'CREDENTIALS_UNREADABLE' });
    expect(await notifications(h)).toContain('account.needs_reauth');
    expect(h.sandbox.published()).toHaveLength(0);
  });

  it.each(['tiktok', 'youtube'] as const)('%s: credentials without the app, and no app configured, pause the posts as needs_reauth naming the fix', async (platform) => {
    h = await engineHarness({ platforms: [platform] });
    const worker = await workerOf(h);
    const account = (await h.app.store.getAccount(h.accounts[platform]!))!;
    const creds = h.app.accounts.credentialsOf(account);
    const { clientKey: _k, clientId: _i, clientSecret: _s, ...tokensOnly } = creds;
    await h.app.accounts.saveCredentials(account.id, tokensOnly);
    await h.schedule(platform, '1m');
    const posts = await h.drive(worker.engine, 50);
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('needs_reauth'));
    const reason = (await h.app.store.listEvents({})).find((e) => e.type === 'account.needs_reauth')?.data;
    expect(reason).toMatchObject({ code: 'APP_CREDENTIALS_MISSING' });
    expect(String(reason?.message)).toMatch(platform === 'tiktok' ? /CLIPCAST_TIKTOK_CLIENT_KEY/ : /CLIPCAST_YOUTUBE_CLIENT_ID/);
    expect(await notifications(h)).toContain('account.needs_reauth');
  });

  it.each(['tiktok', 'youtube'] as const)('%s: an account added with tokens only, its app configured (CLIPCAST_*_CLIENT_*), publishes and refreshes through that app', async (platform) => {
    h = await engineHarness({ platforms: [platform] });
    const apps = { tiktok: h.sandbox.apps.tiktok, youtube: h.sandbox.apps.youtube };
    const account = (await h.app.store.getAccount(h.accounts[platform]!))!;
    const { clientKey: _k, clientId: _i, clientSecret: _s, ...tokensOnly } = h.app.accounts.credentialsOf(account);
    // The service a CLI or API opened with those apps configured accepts tokens alone, and says what is missing otherwise.
    const configured = new AccountService(h.app.store, h.app.secrets, () => h!.clock.now(), h.app.newId, (p) => p === platform);
    const unconfigured = new AccountService(h.app.store, h.app.secrets, () => h!.clock.now(), h.app.newId);
    await expect(unconfigured.add({ platform, handle: '@tokens', credentials: tokensOnly })).rejects.toMatchObject({
      message: platform === 'tiktok' ? /lack client_key, client_secret/ : /lack client_id, client_secret/,
      hint: platform === 'tiktok' ? /CLIPCAST_TIKTOK_CLIENT_KEY/ : /CLIPCAST_YOUTUBE_CLIENT_ID/,
    });
    const half = platform === 'tiktok' ? { clientKey: 'k' } : { clientId: 'i' };
    await expect(configured.add({ platform, handle: '@half', credentials: { ...tokensOnly, ...half } })).rejects.toThrow(/lack client_secret/);
    await h.app.store.updateAccount(account.id, { active: false });
    const added = await configured.add({ platform, handle: '@tokens', externalId: account.externalId, sandbox: true, credentials: tokensOnly });
    expect(added.credentialFields).not.toContain(platform === 'tiktok' ? 'clientKey' : 'clientId');
    h.accounts[platform] = added.id;
    const worker = await createWorker({ app: h.app, logger: silentLogger, sandbox: h.sandbox.urls, apps, tune: FAST_TUNE });
    await h.schedule(platform, '3h');
    const posts = await h.drive(worker.engine);
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('published'));
    expect(h.sandbox.published()).toHaveLength(4);
    expect((await h.app.store.listEvents({})).filter((e) => e.type === 'account.credentials_refreshed').length).toBeGreaterThan(0);
  });

  it.each([
    ['tiktok', { tiktok: { chunkSize: 1 } }],
    ['instagram', { instagram: { graphVersion: 'latest' } }],
    ['youtube', { youtube: { chunkSize: 1000 } }],
  ] as const)('%s: an adapter that cannot be built fails its posts with the message and a post.failed notification', async (platform, tune) => {
    h = await engineHarness({ platforms: [platform] });
    const worker = await workerOf(h, tune);
    await h.schedule(platform, '1m');
    const posts = await h.drive(worker.engine, 50);
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('failed'));
    expect(posts[0]!.lastError).toMatchObject({ code: 'ADAPTER_SETUP', retryable: false });
    expect(posts[0]!.lastError?.message).toMatch(new RegExp(`account ${platform}:@\\S+ cannot publish: .*(chunkSize|graphVersion)`));
    expect((await notifications(h)).filter((t) => t === 'post.failed')).toHaveLength(4);
    expect(posts.some((p) => ACTIVE.includes(p.state))).toBe(false);
  });

  it('postiz: a channel account with no Postiz server configured pauses as needs_reauth, with a notification', async () => {
    h = await engineHarness({ platforms: ['tiktok'] });
    const worker = await workerOf(h);
    await h.app.accounts.add({ platform: 'tiktok', handle: '@via_postiz', credentials: { backend: 'postiz', postizChannelId: 'chan1', postizProvider: 'tiktok' } });
    await h.schedule('tiktok:@via_postiz', '1m');
    const posts = await h.drive(worker.engine, 50);
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('needs_reauth'));
    expect(posts[0]!.lastError).toMatchObject({ code: 'POSTIZ_NOT_CONFIGURED' });
    expect(await notifications(h)).toContain('account.needs_reauth');
  });

  it('postiz: unreadable credentials of a channel account end the step classified too', async () => {
    h = await engineHarness({ platforms: ['youtube'] });
    const worker = await workerOf(h);
    const view = await h.app.accounts.add({ platform: 'youtube', handle: '@via_postiz', credentials: { backend: 'postiz', postizChannelId: 'chan2', postizProvider: 'youtube' } });
    await h.app.store.updateAccount(view.id, { credentialsEnc: 'v1:garbage' });
    await h.schedule('youtube:@via_postiz', '1m');
    const posts = await h.drive(worker.engine, 50);
    expect(posts.map((p) => p.state)).toEqual(Array(4).fill('needs_reauth'));
    expect(posts[0]!.lastError).toMatchObject({ code: 'CREDENTIALS_UNREADABLE' });
  });
});
