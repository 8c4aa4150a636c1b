import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOAuthProviders } from '../../src/app/oauth-providers.js';
import { FakeClock } from '../../src/core/clock.js';
import { buildServer } from '../../src/server/build-server.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

// The real OAuth providers against the sandbox's emulators, through the server's start + callback
// routes: accounts are keyed by the platform's own identity, never by a fixed handle.
let f: ServerFixture | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await f?.close();
  await sandbox?.close();
  f = undefined;
  sandbox = undefined;
});

async function setup(instagramFlavour: 'instagram' | 'facebook' = 'facebook') {
  sandbox = await startSandbox({ clock: new FakeClock(Date.UTC(2025, 11, 1, 9)) });
  f = await serverFixture({ expectWorker: false, publicUrl: 'http://127.0.0.1:8080' });
  const apps = { tiktok: sandbox.apps.tiktok, youtube: sandbox.apps.youtube, instagram: instagramFlavour === 'instagram' ? sandbox.apps.instagram : sandbox.apps.facebook };
  await f.server.close();
  f.server = buildServer({ app: f.app, expectWorker: false, publicUrl: 'http://127.0.0.1:8080', oauth: buildOAuthProviders({ clock: f.clock, apps, sandbox: sandbox.urls }) });
  await f.server.ready();
  return { f, sandbox };
}

/** Starts a connect, lets the emulator's consent page answer, and lands the callback on the server. */
async function connect(fx: ServerFixture, platform: string, extraQuery: Record<string, string> = {}) {
  const started = (await fx.server.inject({ url: `/oauth/${platform}/start?redirect=false`, headers: fx.auth })).json() as { authorizationUrl: string };
  const url = new URL(started.authorizationUrl);
  for (const [k, v] of Object.entries(extraQuery)) url.searchParams.set(k, v);
  const consent = await request(url.href, { method: 'GET' });
  await consent.body.dump();
  expect(consent.statusCode).toBe(302);
  const callback = new URL(String(consent.headers.location));
  const res = await fx.server.inject({ url: `${callback.pathname}${callback.search}` });
  return { status: res.statusCode, body: res.json() as { reconnected: boolean; account: { id: string; handle: string; externalId: string | null; credentialFields: string[] } } };
}

function addChannel(s: Sandbox, id: string, handle: string) {
  s.youtube.channels.set(id, { id, handle, title: handle.slice(1), hasChannel: true, verified: true });
}

describe('OAuth connect keys accounts by the platform identity', () => {
  it('YouTube: the channel id and handle come from channels.list; a second channel is a second account; reconnecting updates the first', async () => {
    const { f: fx, sandbox: s } = await setup();
    addChannel(s, 'UCaaaaaaaaaaaaaaaaaaaaaa', '@ChannelA');
    addChannel(s, 'UCbbbbbbbbbbbbbbbbbbbbbb', '@ChannelB');
    s.youtube.oauth.nextConsent = { channelId: 'UCaaaaaaaaaaaaaaaaaaaaaa' };
    const a = await connect(fx, 'youtube');
    expect(a.status).toBe(201);
    expect(a.body.account).toMatchObject({ handle: '@channela', externalId: 'UCaaaaaaaaaaaaaaaaaaaaaa' });
    expect(a.body.account.credentialFields).toEqual(expect.arrayContaining(['clientId', 'clientSecret', 'refreshToken']));
    s.youtube.oauth.nextConsent = { channelId: 'UCbbbbbbbbbbbbbbbbbbbbbb' };
    const b = await connect(fx, 'youtube');
    expect(b.status).toBe(201);
    expect(b.body.account).toMatchObject({ handle: '@channelb', externalId: 'UCbbbbbbbbbbbbbbbbbbbbbb' });
    expect(b.body.account.id).not.toBe(a.body.account.id);
    const before = fx.app.accounts.credentialsOf((await fx.app.store.getAccount(a.body.account.id))!).refreshToken;
    s.youtube.oauth.nextConsent = { channelId: 'UCaaaaaaaaaaaaaaaaaaaaaa' };
    const again = await connect(fx, 'youtube');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ reconnected: true, account: { id: a.body.account.id } });
    const accounts = await fx.app.store.listAccounts({ platform: 'youtube' });
    expect(accounts).toHaveLength(2);
    expect(accounts.some((x) => x.handle === '@youtube')).toBe(false);
    // Channel B's tokens were not touched by A's reconnect, and A's changed.
    const credsA = fx.app.accounts.credentialsOf(accounts.find((x) => x.id === a.body.account.id)!);
    expect(credsA.refreshToken).not.toBe(before);
    expect(s.youtube.oauth.grants.get(String(credsA.refreshToken))?.channelId).toBe('UCaaaaaaaaaaaaaaaaaaaaaa');
    const credsB = fx.app.accounts.credentialsOf(accounts.find((x) => x.id === b.body.account.id)!);
    expect(s.youtube.oauth.grants.get(String(credsB.refreshToken))?.channelId).toBe('UCbbbbbbbbbbbbbbbbbbbbbb');
  });

  it('YouTube: connecting a channel added by hand (accounts add, no external id) adopts it instead of duplicating', async () => {
    const { f: fx, sandbox: s } = await setup();
    addChannel(s, 'UCcccccccccccccccccccccc', '@ChannelC');
    const manual = await fx.app.accounts.add({ platform: 'youtube', handle: '@channelc', credentials: { clientId: 'old', clientSecret: 'old-secret', refreshToken: 'old-token' } });
    s.youtube.oauth.nextConsent = { channelId: 'UCcccccccccccccccccccccc' };
    const res = await connect(fx, 'youtube');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reconnected: true, account: { id: manual.id, externalId: 'UCcccccccccccccccccccccc' } });
    expect(await fx.app.store.listAccounts({ platform: 'youtube' })).toHaveLength(1);
    // And one added by hand with the channel id as its external id is matched by that id.
    addChannel(s, 'UCdddddddddddddddddddddd', '@ChannelD');
    const byId = await fx.app.accounts.add({ platform: 'youtube', handle: '@my-name-for-d', externalId: 'UCdddddddddddddddddddddd', credentials: { clientId: 'old', clientSecret: 'old-secret', refreshToken: 'old-token' } });
    s.youtube.oauth.nextConsent = { channelId: 'UCdddddddddddddddddddddd' };
    const d = await connect(fx, 'youtube');
    expect(d.body).toMatchObject({ reconnected: true, account: { id: byId.id, handle: '@channeld' } });
    expect(await fx.app.store.listAccounts({ platform: 'youtube' })).toHaveLength(2);
  });

  it('TikTok: keyed by open_id with the creator username as handle; two creators, two accounts', async () => {
    const { f: fx, sandbox: s } = await setup();
    s.tiktok.state.authorize.handle = 'creator_one';
    const one = await connect(fx, 'tiktok');
    s.tiktok.state.authorize.handle = 'creator_two';
    const two = await connect(fx, 'tiktok');
    s.tiktok.state.authorize.handle = 'creator_one';
    const oneAgain = await connect(fx, 'tiktok');
    expect(one.body.account).toMatchObject({ handle: '@creator_one' });
    expect(two.body.account).toMatchObject({ handle: '@creator_two' });
    expect(one.body.account.externalId).toMatch(/\S{8,}/);
    expect(two.body.account.externalId).not.toBe(one.body.account.externalId);
    expect(oneAgain.body).toMatchObject({ reconnected: true, account: { id: one.body.account.id } });
    const creds = fx.app.accounts.credentialsOf((await fx.app.store.getAccount(one.body.account.id))!);
    expect(creds).toMatchObject({ clientKey: s.apps.tiktok.clientKey, clientSecret: s.apps.tiktok.clientSecret, openId: one.body.account.externalId });
    expect((await fx.app.store.getAccount(one.body.account.id))?.sandbox).toBe(true);
  });

  it.each(['instagram', 'facebook'] as const)('Instagram (%s login): keyed by the IG user id; the app is stored with the tokens', async (flavour) => {
    const { f: fx, sandbox: s } = await setup(flavour);
    s.instagram.addAccount('reels_one');
    s.instagram.addAccount('reels_two');
    const one = await connect(fx, 'instagram', { sandbox_handle: 'reels_one' });
    const two = await connect(fx, 'instagram', { sandbox_handle: 'reels_two' });
    const again = await connect(fx, 'instagram', { sandbox_handle: 'reels_one' });
    if (flavour === 'facebook') {
      // Facebook Login picks the Page's linked account from /me/accounts; the emulator's dialog logs the chosen handle in.
      expect([one.status, two.status]).toEqual([201, 201]);
    }
    expect(one.body.account.handle).toBe('@reels_one');
    expect(two.body.account.handle).toBe('@reels_two');
    expect(again.body).toMatchObject({ reconnected: true, account: { id: one.body.account.id } });
    const creds = fx.app.accounts.credentialsOf((await fx.app.store.getAccount(one.body.account.id))!);
    const app = flavour === 'instagram' ? s.apps.instagram : s.apps.facebook;
    expect(creds).toMatchObject({ appId: app.appId, appSecret: app.appSecret, flavour, igUserId: one.body.account.externalId });
  });
});
