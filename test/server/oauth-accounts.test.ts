import { createHash, randomBytes } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OAuthProvider } from '../../src/server/server-parts.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

// An independent OAuth server (PKCE checked) and a small real client for it: the server under test
// drives a real authorization-code exchange over HTTP.
const issuer = new OAuth2Server();
let issuerUrl = '';
beforeAll(async () => {
  await issuer.issuer.keys.generate('RS256');
  await issuer.start(0, '127.0.0.1');
  issuerUrl = issuer.issuer.url ?? '';
});
afterAll(async () => {
  await issuer.stop();
});

const CLIENT = { id: 'yt-client', secret: 'yt-client-secret-value' };

function mockGoogle(pkce = true): OAuthProvider & { exchanges: number } {
  const provider = {
    exchanges: 0,
    start({ state, redirectUri }: { state: string; redirectUri: string }) {
      const url = new URL(`${issuerUrl}/authorize`);
      const codeVerifier = pkce ? randomBytes(32).toString('base64url') : undefined;
      const pkceParams: Record<string, string> = codeVerifier ? { code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'), code_challenge_method: 'S256' } : {};
      url.search = new URLSearchParams({ response_type: 'code', client_id: CLIENT.id, redirect_uri: redirectUri, state, scope: 'youtube.upload', ...pkceParams }).toString();
      return { url: url.href, ...(codeVerifier ? { codeVerifier } : {}) };
    },
    async exchangeCode({ code, redirectUri, codeVerifier }: { code: string; redirectUri: string; codeVerifier?: string }) {
      provider.exchanges++;
      const res = await request(`${issuerUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: CLIENT.id, ...(codeVerifier ? { code_verifier: codeVerifier } : {}) }).toString(),
      });
      const body = (await res.body.json()) as { refresh_token?: string; access_token?: string };
      if (res.statusCode !== 200 || !body.refresh_token) throw Object.assign(new Error(`token endpoint answered ${res.statusCode}`), { code: 'YOUTUBE_OAUTH_FAILED' });
      return { handle: '@johndoe', externalId: 'UC_johndoe', credentials: { clientId: CLIENT.id, clientSecret: CLIENT.secret, refreshToken: body.refresh_token, accessToken: body.access_token ?? '' } };
    },
  };
  return provider;
}

/** Follows the authorization URL to the issuer, returns the callback path + query it redirects to. */
async function consent(authorizationUrl: string): Promise<string> {
  const res = await request(authorizationUrl, { method: 'GET' });
  await res.body.dump();
  expect(res.statusCode).toBe(302);
  const location = new URL(String(res.headers.location));
  return `${location.pathname}${location.search}`;
}

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('OAuth connect', () => {
  it('redirects with a stored state and PKCE, exchanges the code once, and stores the account without showing its tokens', async () => {
    const google = mockGoogle();
    f = await serverFixture({ expectWorker: false, oauth: { youtube: google }, publicUrl: 'http://clipcast.test' });
    const start = await f.server.inject({ url: '/oauth/youtube/start', headers: f.auth });
    expect(start.statusCode).toBe(302);
    const location = new URL(String(start.headers.location));
    expect(location.searchParams.get('redirect_uri')).toBe('http://clipcast.test/oauth/youtube/callback');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const state = location.searchParams.get('state') ?? '';
    const row = await f.app.store.db.selectFrom('oauth_states').selectAll().where('state', '=', state).executeTakeFirstOrThrow();
    expect(row.expires_at).toBe(f.clock.now() + 600_000);
    expect(row.data_enc).not.toContain('codeVerifier');

    const callback = await consent(location.href);
    const connected = await f.server.inject({ url: callback });
    expect(connected.statusCode).toBe(201);
    expect(connected.json()).toMatchObject({ reconnected: false, account: { platform: 'youtube', handle: '@johndoe', externalId: 'UC_johndoe', credentialFields: ['accessToken', 'clientId', 'clientSecret', 'refreshToken'] } });
    expect(connected.body).not.toContain(CLIENT.secret);
    const [account] = await f.app.store.listAccounts({ platform: 'youtube' });
    expect(account && f.app.accounts.credentialsOf(account).clientSecret).toBe(CLIENT.secret);

    // The same callback again (a replay) is refused before any exchange.
    const replay = await f.server.inject({ url: callback });
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ type: 'https://clipcast.dev/problems/oauth-state-used' });
    expect(google.exchanges).toBe(1);
  });

  it('refuses expired, unknown, missing and other-platform states', async () => {
    const google = mockGoogle();
    f = await serverFixture({ expectWorker: false, oauth: { youtube: google, tiktok: mockGoogle(false) } });
    const started = (await f.server.inject({ url: '/oauth/youtube/start?redirect=false', headers: f.auth })).json() as { authorizationUrl: string; state: string };
    const callback = await consent(started.authorizationUrl);
    f.clock.advance(600_001);
    const expired = await f.server.inject({ url: callback });
    expect(expired.json()).toMatchObject({ status: 400, type: 'https://clipcast.dev/problems/oauth-state-expired' });
    const code = new URL(callback, 'http://x').searchParams.get('code');
    expect((await f.server.inject({ url: `/oauth/youtube/callback?code=${code}&state=madeup` })).json()).toMatchObject({ type: 'https://clipcast.dev/problems/oauth-state-unknown' });
    expect((await f.server.inject({ url: `/oauth/youtube/callback?code=${code}` })).json()).toMatchObject({ type: 'https://clipcast.dev/problems/oauth-state-missing' });
    const fresh = (await f.server.inject({ url: '/oauth/youtube/start?redirect=false', headers: f.auth })).json() as { state: string };
    expect((await f.server.inject({ url: `/oauth/tiktok/callback?code=${code}&state=${fresh.state}` })).json()).toMatchObject({ type: 'https://clipcast.dev/problems/oauth-state-unknown' });
    expect(google.exchanges).toBe(0);
    // A platform without PKCE gets no challenge.
    const tt = new URL(String((await f.server.inject({ url: '/oauth/tiktok/start', headers: f.auth })).headers.location));
    expect(tt.searchParams.has('code_challenge')).toBe(false);
    const ttRow = await f.app.store.db.selectFrom('oauth_states').select('data_enc').where('state', '=', tt.searchParams.get('state') ?? '').executeTakeFirstOrThrow();
    expect(JSON.parse(f.app.secrets.decrypt(ttRow.data_enc, `oauth:${tt.searchParams.get('state')}`))).not.toHaveProperty('codeVerifier');
    expect((await f.server.inject({ url: '/oauth/youtube/start' })).statusCode).toBe(401);
    expect((await f.server.inject({ url: '/oauth/instagram/start', headers: f.auth })).statusCode).toBe(501);
    expect((await f.server.inject({ url: '/oauth/myspace/start', headers: f.auth })).statusCode).toBe(404);
  });

  it('answers 502 when the platform refuses the code, without storing an account', async () => {
    f = await serverFixture({ expectWorker: false, oauth: { youtube: mockGoogle() } });
    issuer.service.once('beforeResponse', (response: { statusCode: number; body: unknown }) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant' };
    });
    const started = (await f.server.inject({ url: '/oauth/youtube/start?redirect=false', headers: f.auth })).json() as { authorizationUrl: string };
    const res = await f.server.inject({ url: await consent(started.authorizationUrl) });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ type: 'https://clipcast.dev/problems/oauth-exchange-failed' });
    expect(await f.app.store.listAccounts()).toHaveLength(0);
  });

  it('reconnects an account it knows: new credentials, waiting posts resumed', async () => {
    f = await serverFixture({ expectWorker: false, oauth: { youtube: mockGoogle() } });
    const first = (await f.server.inject({ url: '/oauth/youtube/start?redirect=false', headers: f.auth })).json() as { authorizationUrl: string };
    expect((await f.server.inject({ url: await consent(first.authorizationUrl) })).statusCode).toBe(201);
    const [account] = await f.app.store.listAccounts({ platform: 'youtube' });
    const before = f.app.accounts.credentialsOf(account!).refreshToken;
    await f.app.store.updateAccount(account!.id, { status: 'needs_reauth' });
    const second = (await f.server.inject({ url: '/oauth/youtube/start?redirect=false', headers: f.auth })).json() as { authorizationUrl: string };
    const again = await f.server.inject({ url: await consent(second.authorizationUrl) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ reconnected: true, account: { id: account!.id, status: 'ok' } });
    const [after] = await f.app.store.listAccounts({ platform: 'youtube' });
    expect(f.app.accounts.credentialsOf(after!).refreshToken).not.toBe(before);
  });
});

describe('accounts', () => {
  it('creates with write-only credentials, lists, shows and deletes', async () => {
    f = await serverFixture({ expectWorker: false });
    const secret = 'tt-client-secret-9f8e7d';
    const token = 'act.tt-access-token-1234567890';
    const created = await f.server.inject({ method: 'POST', url: '/accounts', headers: f.auth, payload: { platform: 'TikTok', handle: 'creator', credentials: { client_key: 'ck', client_secret: secret, access_token: token } } });
    expect(created.statusCode).toBe(201);
    const view = created.json() as { id: string; handle: string; credentialFields: string[] };
    expect(view).toMatchObject({ handle: '@creator', platform: 'tiktok', credentialFields: ['accessToken', 'clientKey', 'clientSecret'] });
    const list = await f.server.inject({ url: '/accounts', headers: f.auth });
    const shown = await f.server.inject({ url: `/accounts/${view.id}`, headers: f.auth });
    for (const body of [created.body, list.body, shown.body]) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(token);
    }
    expect(shown.json()).toMatchObject({ id: view.id });
    const dup = await f.server.inject({ method: 'POST', url: '/accounts', headers: f.auth, payload: { platform: 'tiktok', handle: '@creator', credentials: { client_key: 'ck', client_secret: secret, access_token: token } } });
    expect(dup.json()).toMatchObject({ status: 422, code: 'ACCOUNT_EXISTS' });
    expect(dup.body).not.toContain(secret);
    const missing = await f.server.inject({ method: 'POST', url: '/accounts', headers: f.auth, payload: { platform: 'youtube', handle: '@c', credentials: { client_id: 'x' } } });
    expect(missing.json()).toMatchObject({ status: 422, code: 'CREDENTIAL_MISSING' });
    expect((await f.server.inject({ method: 'POST', url: `/accounts/${view.id}/check`, headers: f.auth })).statusCode).toBe(501);
    expect((await f.server.inject({ method: 'DELETE', url: `/accounts/${view.id}`, headers: f.auth })).statusCode).toBe(204);
    expect((await f.server.inject({ url: `/accounts/${view.id}`, headers: f.auth })).statusCode).toBe(404);
    expect((await f.server.inject({ method: 'DELETE', url: `/accounts/${view.id}`, headers: f.auth })).statusCode).toBe(404);
  });
});
