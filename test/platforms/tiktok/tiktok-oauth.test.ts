import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/core/clock.js';
import { sandboxTikTokConfig } from '../../../src/platforms/tiktok/tiktok-config.js';
import { createTikTokAdapter } from '../../../src/platforms/tiktok/tiktok-adapter.js';
import {
  createTikTokPkce,
  exchangeTikTokCode,
  parseTikTokCallback,
  refreshTikTokToken,
  revokeTikTokToken,
  startTikTokAuthorization,
  tiktokCredentials,
} from '../../../src/platforms/tiktok/tiktok-oauth.js';
import { TikTokClient } from '../../../src/platforms/tiktok/tiktok-client.js';
import { createTikTokEmulator, type TikTokEmulator } from '../../../src/sandbox/tiktok/tiktok-emulator.js';
import type { TikTokEmulatorOptions } from '../../../src/sandbox/tiktok/tiktok-emulator-options.js';
import { publishError } from './tiktok-fixtures.js';

let emulator: TikTokEmulator;
afterEach(async () => emulator?.close());

async function setup(options: TikTokEmulatorOptions = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 20, 9, 0, 0));
  emulator = await createTikTokEmulator({ clock, ...options });
  const config = sandboxTikTokConfig(emulator.url, { clientKey: emulator.settings.clientKey, clientSecret: emulator.settings.clientSecret, redirectUri: 'http://127.0.0.1:53682/callback/' });
  return { clock, config };
}

/** Follows the consent page like a browser would (auto-approve in the sandbox), returning the callback URL. */
async function consent(url: string): Promise<URL> {
  const res = await request(url);
  await res.body.dump();
  expect(res.statusCode).toBe(302);
  return new URL(String(res.headers.location));
}

describe('TikTok OAuth against the emulator', () => {
  it('desktop flow: hex PKCE, state, code exchange; lifetimes from the answer (newest profile: 2 h / 180 d)', async () => {
    const { clock, config } = await setup();
    const start = startTikTokAuthorization(config);
    const url = new URL(start.url);
    expect(url.pathname).toBe('/v2/auth/authorize/');
    expect(url.searchParams.get('scope')).toBe('user.info.basic,video.upload,video.publish');
    expect(url.searchParams.get('code_challenge')).toBe(createHash('sha256').update(start.codeVerifier).digest('hex'));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(start.codeVerifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    const callback = await consent(start.url);
    expect(callback.origin + callback.pathname).toBe(config.redirectUri);
    const { code, scopes } = parseTikTokCallback(callback, start.state);
    expect(code).toMatch(/[*!]/); // codes carry * and !: decoded exactly once
    expect(scopes).toEqual(['user.info.basic', 'video.upload', 'video.publish']);
    const tokens = await exchangeTikTokCode(config, { code, codeVerifier: start.codeVerifier }, clock);
    expect(tokens.expiresAt).toBe(clock.now() + 7_200_000);
    expect(tokens.refreshExpiresAt).toBe(clock.now() + 15_552_000_000);
    expect(tokens.scope).toBe('user.info.basic,video.upload,video.publish');
    const info = await new TikTokClient(config, clock).creatorInfo(tokens.accessToken);
    expect(info.creator_username).toBe('sandbox_creator');
  });

  it('rejects a base64url (RFC 7636) challenge at the token exchange, as TikTok does', async () => {
    const { clock, config } = await setup();
    const { verifier } = createTikTokPkce();
    const b64 = createHash('sha256').update(verifier).digest('base64url');
    const start = new URL(startTikTokAuthorization(config).url);
    start.searchParams.set('code_challenge', b64);
    const { code } = parseTikTokCallback(await consent(start.toString()), start.searchParams.get('state')!);
    const err = await publishError(() => exchangeTikTokCode(config, { code, codeVerifier: verifier }, clock));
    expect(err.code).toBe('TIKTOK_OAUTH_INVALID_REQUEST');
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('Code verifier or code challenge is invalid');
  });

  it('requires PKCE for the desktop app, an exact registered redirect_uri, and a matching state', async () => {
    const { config } = await setup();
    const start = new URL(startTikTokAuthorization(config).url);
    start.searchParams.delete('code_challenge');
    const noPkce = await consent(start.toString());
    expect(noPkce.searchParams.get('error')).toBe('invalid_request');
    expect(() => parseTikTokCallback(noPkce, start.searchParams.get('state')!)).toThrow(/malformed OAuth request/);
    const wrong = new URL(startTikTokAuthorization({ ...config, redirectUri: 'http://127.0.0.1:53682/other/' }).url);
    const page = await request(wrong.toString());
    expect(page.statusCode).toBe(400); // never redirected to an unregistered URI
    await page.body.dump();
    const good = startTikTokAuthorization(config);
    const tampered = await consent(good.url);
    tampered.searchParams.set('state', 'forged');
    expect(() => parseTikTokCallback(tampered, good.state)).toThrow(/state does not match/);
  });

  it('codes are single-use and expire after 5 minutes (invalid_grant → needs_reauth)', async () => {
    const { clock, config } = await setup();
    const a = startTikTokAuthorization(config);
    const { code } = parseTikTokCallback(await consent(a.url), a.state);
    await exchangeTikTokCode(config, { code, codeVerifier: a.codeVerifier }, clock);
    const reused = await publishError(() => exchangeTikTokCode(config, { code, codeVerifier: a.codeVerifier }, clock));
    expect(reused.kind).toBe('needs_reauth');
    expect(reused.code).toBe('TIKTOK_OAUTH_INVALID_GRANT');
    const b = startTikTokAuthorization(config);
    const late = parseTikTokCallback(await consent(b.url), b.state);
    clock.advance(301_000);
    expect((await publishError(() => exchangeTikTokCode(config, { code: late.code, codeVerifier: b.codeVerifier }, clock))).kind).toBe('needs_reauth');
  });

  it('token endpoint: form encoding only, client credentials checked, redirect_uri must match', async () => {
    const { clock, config } = await setup();
    const json = await request(`${emulator.url}/v2/oauth/token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token' }) });
    expect(((await json.body.json()) as { error: string }).error).toBe('invalid_request');
    expect((await publishError(() => refreshTikTokToken({ ...config, clientSecret: 'wrong' }, 'rft.x', clock))).code).toBe('TIKTOK_OAUTH_INVALID_CLIENT');
    const a = startTikTokAuthorization(config);
    const { code } = parseTikTokCallback(await consent(a.url), a.state);
    const mismatch = await publishError(() => exchangeTikTokCode({ ...config, redirectUri: 'http://127.0.0.1:9/callback/' }, { code, codeVerifier: a.codeVerifier }, clock));
    expect(mismatch.kind).toBe('invalid');
    expect(mismatch.message).toContain('Redirect_uri is not matched');
  });

  it('refresh rotates the refresh token (the old one dies); the adapter returns the new pair to save', async () => {
    const { clock, config } = await setup();
    const account = emulator.createSandboxAccount('rotating');
    const adapter = createTikTokAdapter({ config, clock });
    const acct = { id: 'a1', platform: 'tiktok' as const, handle: account.handle, externalId: account.externalId, credentials: account.credentials };
    expect(await adapter.refreshCredentials(acct, 60_000)).toBeNull(); // 2 h left: nothing to do
    clock.advance(7_200_000 - 30_000);
    const refreshed = await adapter.refreshCredentials(acct, 60_000);
    expect(refreshed).not.toBeNull();
    expect(refreshed!.credentials.refreshToken).not.toBe(account.credentials.refreshToken);
    expect(refreshed!.credentials.accessToken).not.toBe(account.credentials.accessToken);
    expect(refreshed!.expiresAt).toBe(clock.now() + 7_200_000);
    const old = await publishError(() => refreshTikTokToken(config, String(account.credentials.refreshToken), clock));
    expect(old.kind).toBe('needs_reauth');
    const again = await refreshTikTokToken(config, String(refreshed!.credentials.refreshToken), clock);
    expect(tiktokCredentials(again).accessToken).toBeTypeOf('string');
  });

  it('older profile: 24 h / 365 d, and (when not rotating) the same refresh token comes back', async () => {
    const { clock, config } = await setup({ tokenProfile: 'older', rotateRefreshTokens: false });
    const account = emulator.createSandboxAccount('older');
    expect(account.credentials.expiresAt).toBe(clock.now() + 86_400_000);
    expect(account.credentials.refreshExpiresAt).toBe(clock.now() + 31_536_000_000);
    const next = await refreshTikTokToken(config, String(account.credentials.refreshToken), clock);
    expect(next.refreshToken).toBe(account.credentials.refreshToken);
    expect(next.expiresAt).toBe(clock.now() + 86_400_000);
  });

  it('concurrent refreshes of one account share one call (rotation would otherwise kill one of them)', async () => {
    const { clock, config } = await setup();
    const account = emulator.createSandboxAccount('twice');
    const adapter = createTikTokAdapter({ config, clock });
    const acct = { id: 'a2', platform: 'tiktok' as const, handle: 'twice', externalId: null, credentials: account.credentials };
    const [a, b] = await Promise.all([adapter.refreshCredentials(acct, Number.POSITIVE_INFINITY), adapter.refreshCredentials(acct, Number.POSITIVE_INFINITY)]);
    expect(a!.credentials.refreshToken).toBe(b!.credentials.refreshToken);
    expect(emulator.requestCount('/v2/oauth/token/')).toBe(1);
  });

  it('an OAuth error sent with HTTP 200 (undocumented status) is still a failure', async () => {
    const { clock, config } = await setup({ oauthErrorStatus: 200 });
    const err = await publishError(() => refreshTikTokToken(config, 'rft.unknown', clock));
    expect([err.kind, err.status, err.platformCode]).toEqual(['needs_reauth', 200, 'invalid_grant']);
  });

  it('an expired refresh token → needs_reauth without calling TikTok', async () => {
    const { clock, config } = await setup({ refreshTtlSec: 60 });
    const account = emulator.createSandboxAccount('short');
    const adapter = createTikTokAdapter({ config, clock });
    clock.advance(61_000);
    const before = emulator.requestCount('/v2/oauth/token/');
    const err = await publishError(() => adapter.refreshCredentials({ id: 'a', platform: 'tiktok', handle: 'short', externalId: null, credentials: account.credentials }, Number.POSITIVE_INFINITY));
    expect(err.code).toBe('TIKTOK_REFRESH_EXPIRED');
    expect(emulator.requestCount('/v2/oauth/token/')).toBe(before);
  });

  it('revoke kills the access and refresh tokens', async () => {
    const { clock, config } = await setup();
    const account = emulator.createSandboxAccount('leaving');
    await revokeTikTokToken(config, String(account.credentials.accessToken), clock);
    const call = await publishError(() => new TikTokClient(config, clock).creatorInfo(String(account.credentials.accessToken)));
    expect(call.kind).toBe('needs_reauth');
    expect((await publishError(() => refreshTikTokToken(config, String(account.credentials.refreshToken), clock))).kind).toBe('needs_reauth');
  });

  it('user/info shows the connected account; profile fields need user.info.profile', async () => {
    const { clock, config } = await setup();
    const account = emulator.createSandboxAccount('shown_user');
    const me = await new TikTokClient(config, clock).userInfo(String(account.credentials.accessToken));
    expect(me).toMatchObject({ open_id: account.externalId, display_name: 'Shown User' });
    const res = await request(`${emulator.url}/v2/user/info/?fields=username`, { headers: { authorization: `Bearer ${account.credentials.accessToken}` } });
    expect([res.statusCode, ((await res.body.json()) as { error: { code: string } }).error.code]).toEqual([401, 'scope_not_authorized']);
  });

  it('the consent test switch: deny, or grant only some scopes', async () => {
    const { config } = await setup();
    emulator.setAuthorize({ grantScopes: ['user.info.basic', 'video.upload'] });
    const a = startTikTokAuthorization(config);
    expect(parseTikTokCallback(await consent(a.url), a.state).scopes).toEqual(['user.info.basic', 'video.upload']);
    emulator.setAuthorize({ deny: true });
    const b = startTikTokAuthorization(config);
    const err = await publishError(async () => parseTikTokCallback(await consent(b.url), b.state));
    expect(err.code).toBe('TIKTOK_OAUTH_ACCESS_DENIED');
  });
});
