import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { OAuth2Server } from 'oauth2-mock-server';
import { FakeClock } from '../../../src/core/clock.js';
import { PublishError } from '../../../src/core/publish-error.js';
import { YouTubeAdapter } from '../../../src/platforms/youtube/youtube-adapter.js';
import { sandboxYouTubeConfig } from '../../../src/platforms/youtube/youtube-config.js';
import {
  buildYouTubeAuthorization,
  exchangeYouTubeCode,
  readYouTubeCallback,
  refreshYouTubeToken,
  revokeYouTubeToken,
  testingModeWarning,
} from '../../../src/platforms/youtube/youtube-oauth.js';
import { createYouTubeEmulator, SANDBOX_CLIENT_ID, type YouTubeEmulator } from '../../../src/sandbox/youtube/youtube-emulator.js';
import { accountOf } from './youtube-fixtures.js';

const DAY = 24 * 3600_000;
const REDIRECT = 'http://127.0.0.1:53682/callback';
let clock: FakeClock;
let yt: YouTubeEmulator;

async function consent(url: string): Promise<URL> {
  const res = await request(url, { method: 'GET' });
  await res.body.dump();
  expect(res.statusCode).toBe(302);
  return new URL(String(res.headers['location']));
}

async function rejects(promise: Promise<unknown>): Promise<PublishError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PublishError) return error;
    throw error;
  }
  throw new Error('expected a PublishError');
}

describe('google oauth against the emulator', () => {
  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2026, 6, 1, 12));
    yt = await createYouTubeEmulator({ clock });
    yt.createSandboxAccount('@owner');
  });
  afterEach(async () => yt.close());

  it('loopback + PKCE S256 code flow, single-use code, refresh, revoke → invalid_grant → needs_reauth', async () => {
    const config = sandboxYouTubeConfig(yt.url);
    const auth = buildYouTubeAuthorization(config, { clientId: SANDBOX_CLIENT_ID, redirectUri: REDIRECT });
    const q = new URL(auth.url).searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(auth.url).toContain('scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fyoutube.upload%20');
    const callback = await consent(auth.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    const { code, scope } = readYouTubeCallback(callback, auth.state);
    expect(scope).toContain('https://www.googleapis.com/auth/youtube.upload');
    const args = { clientId: SANDBOX_CLIENT_ID, clientSecret: 'sandbox-client-secret', code, codeVerifier: auth.codeVerifier, redirectUri: REDIRECT };
    const tokens = await exchangeYouTubeCode(config, args, clock);
    expect(tokens.expiresAt).toBe(clock.now() + 3599_000);
    expect(tokens.refreshToken).toBeTruthy();
    const reuse = await rejects(exchangeYouTubeCode(config, args, clock));
    expect([reuse.kind, reuse.code]).toEqual(['needs_reauth', 'YOUTUBE_INVALID_GRANT']);
    clock.advance(3000_000);
    const refreshed = await refreshYouTubeToken(config, { clientId: SANDBOX_CLIENT_ID, clientSecret: 'sandbox-client-secret', refreshToken: tokens.refreshToken! }, clock);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    await revokeYouTubeToken(config, refreshed.accessToken);
    const dead = await rejects(refreshYouTubeToken(config, { clientId: SANDBOX_CLIENT_ID, refreshToken: tokens.refreshToken! }, clock));
    expect([dead.kind, dead.code, dead.status]).toEqual(['needs_reauth', 'YOUTUBE_INVALID_GRANT', 400]);
    expect(dead.message).not.toContain(tokens.refreshToken!);
  });

  it('rejects a wrong PKCE verifier, a redirect mismatch, a non-loopback redirect and JSON bodies', async () => {
    const config = sandboxYouTubeConfig(yt.url);
    const auth = buildYouTubeAuthorization(config, { clientId: SANDBOX_CLIENT_ID, redirectUri: REDIRECT });
    const { code } = readYouTubeCallback(await consent(auth.url), auth.state);
    const wrongVerifier = await rejects(exchangeYouTubeCode(config, { clientId: SANDBOX_CLIENT_ID, code, codeVerifier: 'x'.repeat(43), redirectUri: REDIRECT }, clock));
    expect(wrongVerifier.platformCode).toBe('invalid_grant');
    const auth2 = buildYouTubeAuthorization(config, { clientId: SANDBOX_CLIENT_ID, redirectUri: REDIRECT });
    const { code: code2 } = readYouTubeCallback(await consent(auth2.url), auth2.state);
    const mismatch = await rejects(exchangeYouTubeCode(config, { clientId: SANDBOX_CLIENT_ID, code: code2, codeVerifier: auth2.codeVerifier, redirectUri: 'http://127.0.0.1:1/other' }, clock));
    expect(mismatch.platformCode).toBe('redirect_uri_mismatch');
    const webRedirect = buildYouTubeAuthorization(config, { clientId: SANDBOX_CLIENT_ID, redirectUri: 'https://evil.example/cb', allowAnyRedirect: true });
    const page = await request(webRedirect.url);
    expect(page.statusCode).toBe(400);
    expect(await page.body.text()).toContain('redirect_uri_mismatch');
    expect(() => buildYouTubeAuthorization(config, { clientId: SANDBOX_CLIENT_ID, redirectUri: 'http://localhost:8080/cb' })).toThrow(/loopback/);
    const json = await request(`${yt.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([json.statusCode, ((await json.body.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
  });

  it('web clients need an exact registered redirect, and a refresh token only with access_type=offline', async () => {
    yt.oauth.registerClient({ clientId: 'web.apps.googleusercontent.com', clientSecret: 'web-secret', type: 'web', redirectUris: ['https://app.example/cb'] });
    const url = (redirect: string, extra = '') =>
      `${yt.url}/o/oauth2/v2/auth?client_id=web.apps.googleusercontent.com&response_type=code&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fyoutube.upload&redirect_uri=${encodeURIComponent(redirect)}${extra}`;
    const slash = await request(url('https://app.example/cb/'));
    expect([slash.statusCode, (await slash.body.text()).includes('redirect_uri_mismatch')]).toEqual([400, true]);
    const config = sandboxYouTubeConfig(yt.url);
    const online = new URL(String((await request(url('https://app.example/cb'))).headers['location'])).searchParams.get('code')!;
    const noRefresh = await exchangeYouTubeCode(config, { clientId: 'web.apps.googleusercontent.com', clientSecret: 'web-secret', code: online, codeVerifier: '', redirectUri: 'https://app.example/cb' }, clock);
    expect(noRefresh.refreshToken).toBeUndefined();
    const offline = new URL(String((await request(url('https://app.example/cb', '&access_type=offline&prompt=consent'))).headers['location'])).searchParams.get('code')!;
    const withRefresh = await exchangeYouTubeCode(config, { clientId: 'web.apps.googleusercontent.com', clientSecret: 'web-secret', code: offline, codeVerifier: '', redirectUri: 'https://app.example/cb' }, clock);
    expect(withRefresh.refreshToken).toBeTruthy();
    const wrongSecret = await rejects(refreshYouTubeToken(config, { clientId: 'web.apps.googleusercontent.com', clientSecret: 'nope', refreshToken: withRefresh.refreshToken! }, clock));
    expect(wrongSecret.platformCode).toBe('invalid_client');
  });

  it('refresh tokens die after 6 months unused, and beyond 100 live ones per account and client', async () => {
    const config = sandboxYouTubeConfig(yt.url);
    const channelId = [...yt.channels.keys()][0]!;
    const issue = () => yt.oauth.issueDirect(SANDBOX_CLIENT_ID, channelId, ['https://www.googleapis.com/auth/youtube.upload']).grant.refreshToken;
    const refresh = (refreshToken: string) => refreshYouTubeToken(config, { clientId: SANDBOX_CLIENT_ID, refreshToken }, clock);
    const oldest = issue();
    clock.advance(1000);
    const tokens = Array.from({ length: 99 }, issue);
    // With the sandbox account's grant that made 101: the oldest (the sandbox account's) went silently.
    await refresh(oldest);
    clock.advance(1000);
    issue(); // 101 live again: now `oldest` is the oldest
    expect((await rejects(refresh(oldest))).code).toBe('YOUTUBE_INVALID_GRANT');
    await refresh(tokens[50]!);
    clock.advance(183 * DAY);
    expect((await rejects(refresh(tokens[50]!))).code).toBe('YOUTUBE_INVALID_GRANT');
  });

  it('denial and a forged state are refused', async () => {
    const config = sandboxYouTubeConfig(yt.url);
    const auth = buildYouTubeAuthorization(config, { clientId: SANDBOX_CLIENT_ID, redirectUri: REDIRECT });
    yt.oauth.nextConsent = { deny: true };
    const denied = await consent(auth.url);
    expect(() => readYouTubeCallback(denied, auth.state)).toThrow(/access_denied/);
    const ok = await consent(auth.url);
    expect(() => readYouTubeCallback(ok, 'forged')).toThrow(/state/);
  });

  it('testing mode: refresh tokens die 7 days after consent; the adapter says needs_reauth, and the warning helper says so ahead', async () => {
    await yt.close();
    yt = await createYouTubeEmulator({ clock, testingMode: true });
    const sandbox = yt.createSandboxAccount('@testing');
    expect(sandbox.credentials['appMode']).toBe('testing');
    const adapter = new YouTubeAdapter({ config: sandboxYouTubeConfig(yt.url), clock });
    clock.advance(6 * DAY);
    expect(await adapter.refreshCredentials(accountOf(sandbox), 60_000)).not.toBeNull();
    clock.advance(DAY);
    const error = await rejects(adapter.refreshCredentials(accountOf(sandbox), 60_000));
    expect([error.kind, error.code]).toEqual(['needs_reauth', 'YOUTUBE_INVALID_GRANT']);
    const consentedAt = Number(sandbox.credentials['consentedAt']);
    expect(testingModeWarning(sandbox.credentials, { campaignEndsAt: consentedAt + 10 * DAY, now: consentedAt })).toMatch(/Testing.*7 days/);
    expect(testingModeWarning(sandbox.credentials, { campaignEndsAt: consentedAt + 3 * DAY, now: consentedAt })).toBeUndefined();
    expect(testingModeWarning({ appMode: 'production' }, { campaignEndsAt: consentedAt + 30 * DAY, now: consentedAt })).toBeUndefined();
    expect(testingModeWarning({}, { campaignEndsAt: Date.now() + 30 * DAY, now: Date.now(), testingMode: true })).toMatch(/In production/);
  });
});

describe('oauth interop with oauth2-mock-server (an independent OAuth 2.0 server)', () => {
  let server: OAuth2Server;
  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2026, 6, 1, 12));
    server = new OAuth2Server();
    await server.issuer.keys.generate('RS256');
    await server.start(0, '127.0.0.1');
  });
  afterEach(async () => server.stop());

  it('the same code exchange (PKCE S256 checked by the server) and refresh work; invalid_grant → needs_reauth', async () => {
    const base = server.issuer.url!;
    const config = { authUrl: `${base}/authorize`, tokenUrl: `${base}/token`, revokeUrl: `${base}/revoke` };
    const auth = buildYouTubeAuthorization(config, { clientId: 'interop-client', redirectUri: REDIRECT });
    const callback = await consent(auth.url);
    const { code } = readYouTubeCallback(callback, auth.state);
    const tokens = await exchangeYouTubeCode(config, { clientId: 'interop-client', clientSecret: 's', code, codeVerifier: auth.codeVerifier, redirectUri: REDIRECT }, clock);
    expect(tokens.accessToken.split('.')).toHaveLength(3); // the mock server issues JWTs
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresAt).toBeGreaterThan(clock.now());
    const refreshed = await refreshYouTubeToken(config, { clientId: 'interop-client', clientSecret: 's', refreshToken: tokens.refreshToken! }, clock);
    expect(refreshed.accessToken).toBeTruthy();
    await revokeYouTubeToken(config, refreshed.accessToken);
    // A wrong verifier is refused by the independent server: proof the challenge we send is S256-correct.
    const auth2 = buildYouTubeAuthorization(config, { clientId: 'interop-client', redirectUri: REDIRECT });
    const { code: code2 } = readYouTubeCallback(await consent(auth2.url), auth2.state);
    await expect(exchangeYouTubeCode(config, { clientId: 'interop-client', code: code2, codeVerifier: auth.codeVerifier, redirectUri: REDIRECT }, clock)).rejects.toBeInstanceOf(PublishError);
    server.service.once('beforeResponse', (response: { statusCode: number; body: unknown }) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
    });
    const dead = await rejects(refreshYouTubeToken(config, { clientId: 'interop-client', refreshToken: tokens.refreshToken! }, clock));
    expect([dead.kind, dead.code]).toEqual(['needs_reauth', 'YOUTUBE_INVALID_GRANT']);
  });
});
