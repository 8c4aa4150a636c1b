import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { PublishError } from '../../core/publish-error.js';
import type { Credentials } from '../../core/ports/platform-adapter.js';
import { httpRequest, type HttpOptions } from '../../http/http.js';
import type { YouTubeConfig } from './youtube-config.js';
import { classifyOAuthError } from './youtube-errors.js';

/** Scopes clipcast asks for: upload, poll processing, thumbnails/playlists/updates. */
export const YOUTUBE_SCOPES = ['youtube.upload', 'youtube.readonly', 'youtube'].map((s) => `https://www.googleapis.com/auth/${s}`);

/** Tokens as clipcast stores them (in the encrypted credentials blob). */
export interface YouTubeTokens {
  accessToken: string;
  /** Absent when Google sent none (a refresh keeps the one it had). */
  refreshToken?: string;
  /** ms since epoch, from `expires_in`. */
  expiresAt: number;
  scope: string;
}

/** A prepared consent request: send the user to `url`, keep `state` and `codeVerifier` for the callback. */
export interface YouTubeAuthorization {
  url: string;
  state: string;
  codeVerifier: string;
}

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]):\d{1,5}(\/[^?#]*)?$/;

/**
 * Builds the consent URL for a loopback redirect (`http://127.0.0.1:PORT/path` or `[::1]`), with PKCE
 * S256 and a random `state`; `access_type=offline` and `prompt=consent` so a refresh token is issued.
 *
 * @example
 * ```ts
 * const auth = buildYouTubeAuthorization(config, { clientId, redirectUri: 'http://127.0.0.1:53682/callback' });
 * ```
 */
export function buildYouTubeAuthorization(
  config: Pick<YouTubeConfig, 'authUrl'>,
  options: { clientId: string; redirectUri: string; scopes?: string[]; loginHint?: string; allowAnyRedirect?: boolean },
): YouTubeAuthorization {
  if (!options.allowAnyRedirect && !LOOPBACK.test(options.redirectUri)) {
    throw new PublishError(`redirect URI must be a loopback URI like http://127.0.0.1:PORT/callback (got ${options.redirectUri})`, {
      platform: 'youtube',
      code: 'YOUTUBE_BAD_REDIRECT',
      kind: 'invalid',
    });
  }
  const codeVerifier = randomBytes(48).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(config.authUrl);
  const q = url.searchParams;
  q.set('client_id', options.clientId);
  q.set('redirect_uri', options.redirectUri);
  q.set('response_type', 'code');
  q.set('scope', (options.scopes ?? YOUTUBE_SCOPES).join(' '));
  q.set('access_type', 'offline');
  q.set('prompt', 'consent');
  q.set('include_granted_scopes', 'true');
  q.set('state', state);
  q.set('code_challenge', pkceChallenge(codeVerifier));
  q.set('code_challenge_method', 'S256');
  if (options.loginHint) q.set('login_hint', options.loginHint);
  // URLSearchParams writes spaces as '+'; Google asks for %20 between scopes.
  return { url: url.href.replace(/scope=[^&]*/, (m) => m.replace(/\+/g, '%20')), state, codeVerifier };
}

/** `BASE64URL(SHA256(verifier))`, unpadded (RFC 7636). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Reads the loopback callback: checks `state`, surfaces `error=access_denied`, returns the code and the
 * granted scopes.
 *
 * @example
 * ```ts
 * const { code } = readYouTubeCallback(new URL(req.url, 'http://127.0.0.1'), auth.state);
 * ```
 */
export function readYouTubeCallback(callback: URL, expectedState: string): { code: string; scope: string[] } {
  const q = callback.searchParams;
  const fail = (message: string, code: string) => new PublishError(message, { platform: 'youtube', code, kind: 'invalid' });
  if (q.get('state') !== expectedState) throw fail('OAuth callback state does not match the request (possible CSRF); start again', 'YOUTUBE_OAUTH_STATE');
  const error = q.get('error');
  if (error) throw fail(`consent was not given (${error})`, 'YOUTUBE_OAUTH_DENIED');
  const code = q.get('code');
  if (!code) throw fail('OAuth callback carries no code', 'YOUTUBE_OAUTH_NO_CODE');
  return { code, scope: (q.get('scope') ?? '').split(' ').filter(Boolean) };
}

async function tokenRequest(config: Pick<YouTubeConfig, 'tokenUrl'>, form: Record<string, string | undefined>, what: string, clock: Clock, http?: HttpOptions): Promise<YouTubeTokens> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined && v !== '') body.set(k, v);
  const res = await httpRequest(
    { method: 'POST', url: config.tokenUrl, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: body.toString() },
    { platform: 'youtube', safe: true, what },
    http,
  );
  if (res.status !== 200) throw classifyOAuthError(res.status, res.text, what);
  const json = JSON.parse(res.text) as { access_token?: string; refresh_token?: string; expires_in?: number | string; scope?: string; token_type?: string };
  if (!json.access_token || json.token_type?.toLowerCase() !== 'bearer') {
    throw new PublishError(`${what}: token response without a Bearer access_token`, { platform: 'youtube', code: 'YOUTUBE_OAUTH_BAD_RESPONSE', kind: 'retryable', status: res.status });
  }
  return {
    accessToken: json.access_token,
    refreshToken: json.refresh_token,
    expiresAt: clock.now() + Number(json.expires_in ?? 3599) * 1000,
    scope: json.scope ?? '',
  };
}

/**
 * Exchanges the authorization code (with the PKCE verifier and the same redirect URI).
 *
 * @example
 * ```ts
 * const tokens = await exchangeYouTubeCode(config, { clientId, clientSecret, code, codeVerifier, redirectUri }, clock);
 * ```
 */
export function exchangeYouTubeCode(
  config: Pick<YouTubeConfig, 'tokenUrl'>,
  args: { clientId: string; clientSecret?: string; code: string; codeVerifier: string; redirectUri: string },
  clock: Clock,
  http?: HttpOptions,
): Promise<YouTubeTokens> {
  return tokenRequest(
    config,
    { grant_type: 'authorization_code', code: args.code, client_id: args.clientId, client_secret: args.clientSecret, redirect_uri: args.redirectUri, code_verifier: args.codeVerifier },
    'youtube code exchange',
    clock,
    http,
  );
}

/**
 * Refreshes an access token; keeps the old refresh token unless Google sends a new one.
 * `invalid_grant` (revoked, unused 6 months, Testing-mode 7 days) throws a `needs_reauth` PublishError.
 *
 * @example
 * ```ts
 * const tokens = await refreshYouTubeToken(config, { clientId, clientSecret, refreshToken }, clock);
 * ```
 */
export async function refreshYouTubeToken(
  config: Pick<YouTubeConfig, 'tokenUrl'>,
  args: { clientId: string; clientSecret?: string; refreshToken: string },
  clock: Clock,
  http?: HttpOptions,
): Promise<YouTubeTokens> {
  const tokens = await tokenRequest(
    config,
    { grant_type: 'refresh_token', refresh_token: args.refreshToken, client_id: args.clientId, client_secret: args.clientSecret },
    'youtube token refresh',
    clock,
    http,
  );
  return { ...tokens, refreshToken: tokens.refreshToken ?? args.refreshToken };
}

/**
 * Revokes a token (access or refresh); Google then drops every grant of the project for that user.
 *
 * @example
 * ```ts
 * await revokeYouTubeToken(config, credentials.refreshToken);
 * ```
 */
export async function revokeYouTubeToken(config: Pick<YouTubeConfig, 'revokeUrl'>, token: string, http?: HttpOptions): Promise<void> {
  const res = await httpRequest(
    { method: 'POST', url: config.revokeUrl, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() },
    { platform: 'youtube', safe: true, what: 'youtube token revoke' },
    http,
  );
  if (res.status !== 200) throw classifyOAuthError(res.status, res.text, 'youtube token revoke');
}

const SEVEN_DAYS_MS = 7 * 24 * 3600_000;

/**
 * A warning when a campaign runs past the 7-day refresh-token life of an app in "Testing" mode;
 * undefined when it does not (or the app is in production). The mode comes from the credentials
 * (`appMode: 'testing'`) or the config (`testingMode`); consent time from `consentedAt`.
 *
 * @example
 * ```ts
 * const warning = testingModeWarning(account.credentials, { campaignEndsAt, now: clock.now(), testingMode: config.testingMode });
 * ```
 */
export function testingModeWarning(credentials: Credentials, args: { campaignEndsAt: number; now: number; testingMode?: boolean }): string | undefined {
  const testing = credentials['appMode'] === 'testing' || (credentials['appMode'] === undefined && args.testingMode === true);
  if (!testing) return undefined;
  const consentedAt = typeof credentials['consentedAt'] === 'number' ? credentials['consentedAt'] : args.now;
  const expiresAt = consentedAt + SEVEN_DAYS_MS;
  if (args.campaignEndsAt < expiresAt) return undefined;
  return (
    `the Google OAuth app is in "Testing" mode: its refresh tokens expire 7 days after consent ` +
    `(${new Date(expiresAt).toISOString()}), before the campaign ends (${new Date(args.campaignEndsAt).toISOString()}); ` +
    `set the app to "In production" in the Google Cloud console, or reconnect the account before then`
  );
}

/**
 * Turns stored credentials into a refresh call's inputs, naming what is missing.
 *
 * @example
 * ```ts
 * const { clientId, refreshToken } = refreshInputs(account.credentials, config);
 * ```
 */
export function refreshInputs(credentials: Credentials, fallback: { clientId?: string; clientSecret?: string }): { clientId: string; clientSecret?: string; refreshToken: string } {
  const refreshToken = credentials['refreshToken'];
  const clientId = credentials['clientId'] ?? fallback.clientId;
  const clientSecret = credentials['clientSecret'] ?? fallback.clientSecret;
  if (typeof refreshToken !== 'string' || !refreshToken) {
    throw new PublishError('youtube credentials hold no refresh token; reconnect the account', { platform: 'youtube', code: 'YOUTUBE_NO_REFRESH_TOKEN', kind: 'needs_reauth' });
  }
  if (typeof clientId !== 'string' || !clientId) {
    throw new PublishError('youtube credentials name no OAuth client id (credentials.clientId or config.clientId)', { platform: 'youtube', code: 'YOUTUBE_NO_CLIENT', kind: 'invalid' });
  }
  return { clientId, clientSecret: typeof clientSecret === 'string' ? clientSecret : undefined, refreshToken };
}
