import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Credentials } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';
import { httpRequest, parseJsonLossless, type HttpOptions } from '../../http/http.js';
import type { TikTokConfig } from './tiktok-config.js';
import { classifyTikTokOAuthError } from './tiktok-errors.js';

/** A token pair with absolute expiries (ms since epoch), from the returned lifetimes (never hard-coded). */
export interface TikTokTokens {
  accessToken: string;
  refreshToken: string;
  openId: string;
  /** Granted scopes, comma-separated as TikTok sends them. */
  scope: string;
  expiresAt: number;
  refreshExpiresAt: number;
}

/** What an authorization needs to remember until the callback (store it server-side, keyed by state). */
export interface TikTokAuthorizationStart {
  url: string;
  state: string;
  codeVerifier: string;
}

const VERIFIER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/**
 * TikTok's desktop PKCE pair: a fresh 64-character verifier from `A–Z a–z 0–9 - . _ ~` and its challenge,
 * the **lowercase hex** SHA-256 of the verifier (not RFC 7636's base64url).
 *
 * @example
 * ```ts
 * const { verifier, challenge } = createTikTokPkce(); // challenge: 64 hex chars
 * ```
 */
export function createTikTokPkce(): { verifier: string; challenge: string } {
  const bytes = randomBytes(64);
  let verifier = '';
  for (const b of bytes) verifier += VERIFIER_ALPHABET[b % VERIFIER_ALPHABET.length];
  return { verifier, challenge: createHash('sha256').update(verifier).digest('hex') };
}

/**
 * Builds the consent URL (`/v2/auth/authorize/`, comma-separated scopes, S256 hex PKCE, random state).
 *
 * @example
 * ```ts
 * const start = startTikTokAuthorization(config);
 * // open start.url; keep start.state and start.codeVerifier for the callback
 * ```
 */
export function startTikTokAuthorization(config: Readonly<TikTokConfig>, state = randomBytes(16).toString('base64url')): TikTokAuthorizationStart {
  const { verifier, challenge } = createTikTokPkce();
  const url = new URL(`${config.authBaseUrl}/v2/auth/authorize/`);
  url.searchParams.set('client_key', config.clientKey);
  url.searchParams.set('scope', config.scopes.join(','));
  url.searchParams.set('redirect_uri', config.redirectUri);
  url.searchParams.set('state', state);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.toString(), state, codeVerifier: verifier };
}

/**
 * Reads the redirect back: checks `state`, surfaces `error`, returns the (once-decoded) code and the
 * granted scopes (`scopes`, plural, comma-separated).
 *
 * @example
 * ```ts
 * const { code } = parseTikTokCallback(new URL(req.url, base), start.state);
 * ```
 */
export function parseTikTokCallback(callback: URL, expectedState: string): { code: string; scopes: string[] } {
  const q = callback.searchParams;
  if (q.get('state') !== expectedState) {
    throw new PublishError('TikTok authorization callback: state does not match (possible CSRF); start the connection again', { platform: 'tiktok', code: 'TIKTOK_OAUTH_STATE_MISMATCH', kind: 'invalid' });
  }
  const error = q.get('error');
  if (error) {
    throw classifyTikTokOAuthError({ status: 0, code: error, message: q.get('error_description') ?? undefined }, { what: 'TikTok authorization', now: 0, rateLimitDelayMs: 0, dailyCapDeferMs: 0 });
  }
  const code = q.get('code'); // URLSearchParams decodes exactly once
  if (!code) throw new PublishError('TikTok authorization callback: no code', { platform: 'tiktok', code: 'TIKTOK_OAUTH_NO_CODE', kind: 'invalid' });
  return { code, scopes: (q.get('scopes') ?? '').split(',').filter(Boolean) };
}

/**
 * Exchanges the authorization code (form-encoded, with the PKCE verifier).
 *
 * @example
 * ```ts
 * const tokens = await exchangeTikTokCode(config, { code, codeVerifier: start.codeVerifier }, clock);
 * ```
 */
export async function exchangeTikTokCode(config: Readonly<TikTokConfig>, input: { code: string; codeVerifier?: string }, clock: Clock, http?: HttpOptions): Promise<TikTokTokens> {
  const form = new URLSearchParams({ client_key: config.clientKey, client_secret: config.clientSecret, code: input.code, grant_type: 'authorization_code', redirect_uri: config.redirectUri });
  if (input.codeVerifier) form.set('code_verifier', input.codeVerifier);
  return tokenCall(config, form, 'TikTok code exchange', clock, http);
}

/**
 * Refreshes with the most recent refresh token. The answer carries a (rotated) refresh token that must
 * be stored; the old one stops working.
 *
 * @example
 * ```ts
 * const next = await refreshTikTokToken(config, tokens.refreshToken, clock);
 * ```
 */
export async function refreshTikTokToken(config: Readonly<TikTokConfig>, refreshToken: string, clock: Clock, http?: HttpOptions): Promise<TikTokTokens> {
  const form = new URLSearchParams({ client_key: config.clientKey, client_secret: config.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken });
  return tokenCall(config, form, 'TikTok token refresh', clock, http);
}

/**
 * Revokes the user's access token (the app is disconnected; the refresh token dies too).
 *
 * @example
 * ```ts
 * await revokeTikTokToken(config, tokens.accessToken, clock);
 * ```
 */
export async function revokeTikTokToken(config: Readonly<TikTokConfig>, accessToken: string, clock: Clock, http?: HttpOptions): Promise<void> {
  const form = new URLSearchParams({ client_key: config.clientKey, client_secret: config.clientSecret, token: accessToken });
  const res = await post(config, '/v2/oauth/revoke/', form, 'TikTok revoke', http);
  // Documented as an empty body; the example shows `{}`. Either is success at 200.
  const body = res.text.trim() ? safeJson(res.text) : {};
  if (res.status === 200 && !(body && typeof body === 'object' && 'error' in body && (body as { error: unknown }).error)) return;
  throw oauthFailure(res, body, 'TikTok revoke', clock);
}

/**
 * Credentials as the store keeps them for a TikTok account.
 *
 * @example
 * ```ts
 * await ctx.saveCredentials(tiktokCredentials(tokens), tokens.expiresAt);
 * ```
 */
export function tiktokCredentials(tokens: TikTokTokens): Credentials {
  return { ...tokens };
}

/**
 * Reads stored credentials back, or throws `needs_reauth` when they are unusable.
 *
 * @example
 * ```ts
 * const { accessToken } = readTikTokCredentials(account.credentials);
 * ```
 */
export function readTikTokCredentials(credentials: Credentials): TikTokTokens {
  const { accessToken, refreshToken, openId, scope, expiresAt, refreshExpiresAt } = credentials;
  if (typeof accessToken !== 'string' || !accessToken) {
    throw new PublishError('TikTok account has no access token; connect it again', { platform: 'tiktok', code: 'TIKTOK_NO_CREDENTIALS', kind: 'needs_reauth' });
  }
  return {
    accessToken,
    refreshToken: typeof refreshToken === 'string' ? refreshToken : '',
    openId: typeof openId === 'string' ? openId : '',
    scope: typeof scope === 'string' ? scope : '',
    expiresAt: typeof expiresAt === 'number' ? expiresAt : Number.POSITIVE_INFINITY,
    refreshExpiresAt: typeof refreshExpiresAt === 'number' ? refreshExpiresAt : Number.POSITIVE_INFINITY,
  };
}

async function tokenCall(config: Readonly<TikTokConfig>, form: URLSearchParams, what: string, clock: Clock, http?: HttpOptions): Promise<TikTokTokens> {
  const res = await post(config, '/v2/oauth/token/', form, what, http);
  const body = safeJson(res.text) as Record<string, unknown> | undefined;
  // A failure whenever there is an `error` field or no access_token, whatever the HTTP status (§2.8).
  if (!body || body.error || typeof body.access_token !== 'string') throw oauthFailure(res, body, what, clock);
  const now = clock.now();
  return {
    accessToken: body.access_token,
    refreshToken: String(body.refresh_token ?? ''),
    openId: String(body.open_id ?? ''),
    scope: String(body.scope ?? ''),
    expiresAt: now + Number(body.expires_in ?? 0) * 1000,
    refreshExpiresAt: now + Number(body.refresh_expires_in ?? 0) * 1000,
  };
}

async function post(config: Readonly<TikTokConfig>, path: string, form: URLSearchParams, what: string, http?: HttpOptions) {
  return httpRequest(
    { method: 'POST', url: `${config.apiBaseUrl}${path}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
    // A refresh that got lost may have rotated the token: not safe to call blindly, but the only retry is another refresh.
    { platform: 'tiktok', safe: true, what },
    http,
  );
}

function safeJson(text: string): unknown {
  try {
    return parseJsonLossless(text);
  } catch {
    return undefined;
  }
}

function oauthFailure(res: { status: number; headers: Record<string, string> }, body: unknown, what: string, clock: Clock): PublishError {
  const b = (body ?? {}) as { error?: unknown; error_description?: unknown; log_id?: unknown };
  return classifyTikTokOAuthError(
    {
      status: res.status,
      code: typeof b.error === 'string' ? b.error : undefined,
      message: typeof b.error_description === 'string' ? b.error_description : undefined,
      logId: typeof b.log_id === 'string' ? b.log_id : undefined,
      retryAfter: res.headers['retry-after'],
      raw: body,
    },
    { what, now: clock.now(), rateLimitDelayMs: 10_000, dailyCapDeferMs: 0 },
  );
}
