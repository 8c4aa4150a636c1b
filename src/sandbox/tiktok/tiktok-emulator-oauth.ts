import { createHash } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from '../emulator-server.js';
import type { TikTokState, TikTokUser } from './tiktok-emulator-state.js';

/** Scopes the emulator knows (unknown ones → `invalid_scope`). */
export const KNOWN_SCOPES = ['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list', 'video.upload', 'video.publish'];

/** The token endpoint's success body (top level, no envelope). */
export interface TikTokTokenBody {
  access_token: string;
  expires_in: number;
  open_id: string;
  refresh_expires_in: number;
  refresh_token: string;
  scope: string;
  token_type: 'Bearer';
}

/**
 * Issues an access/refresh pair for a user, as the token endpoint does.
 *
 * @example
 * ```ts
 * const body = issueTokens(state, user.openId, new Set(['video.publish']));
 * ```
 */
export function issueTokens(state: TikTokState, openId: string, scopes: Set<string>, reuseRefresh?: string): TikTokTokenBody {
  const now = state.clock.now();
  const { accessTtlSec, refreshTtlSec } = state.options;
  const refreshToken = reuseRefresh ?? `rft.${state.random(16)}!${state.random(2)}.va`;
  const accessToken = `act.${state.random(16)}!${state.random(2)}.va`;
  state.accessTokens.set(accessToken, { token: accessToken, openId, scopes, expiresAt: now + accessTtlSec * 1000, revoked: false, refreshToken });
  if (!reuseRefresh) {
    state.refreshTokens.set(refreshToken, { token: refreshToken, openId, scopes, expiresAt: now + refreshTtlSec * 1000, revoked: false, rotated: false });
  }
  const refresh = state.refreshTokens.get(refreshToken)!;
  return {
    access_token: accessToken,
    expires_in: accessTtlSec,
    open_id: openId,
    refresh_expires_in: Math.max(0, Math.floor((refresh.expiresAt - now) / 1000)),
    refresh_token: refreshToken,
    scope: [...scopes].join(','),
    token_type: 'Bearer',
  };
}

/**
 * True when `uri` matches a registered one (exactly; a registered `:*` port matches any explicit port).
 *
 * @example
 * ```ts
 * redirectUriRegistered(['http://127.0.0.1:*\/callback/'], 'http://127.0.0.1:5000/callback/'); // true
 * ```
 */
export function redirectUriRegistered(registered: string[], uri: string): boolean {
  if (uri.includes('?') || uri.includes('#')) return false;
  return registered.some((r) => {
    if (!r.includes(':*')) return r === uri;
    const [head, tail] = r.split(':*') as [string, string];
    const m = /^:(\d{1,5})(.*)$/.exec(uri.slice(head.length));
    return uri.startsWith(head) && m !== null && m[2] === tail;
  });
}

/**
 * Registers authorize, token and revoke on the server.
 *
 * @example
 * ```ts
 * registerOAuthRoutes(server, state, ensureUser, onRevoke);
 * ```
 */
export function registerOAuthRoutes(server: EmulatorServer, state: TikTokState, ensureUser: (handle?: string) => TikTokUser, onRevoke: (openId: string) => void): void {
  server.route('GET', '/v2/auth/authorize/', (req) => authorize(state, req, ensureUser));
  server.route('POST', '/v2/oauth/token/', (req) => token(state, req));
  server.route('POST', '/v2/oauth/revoke/', (req) => revoke(state, req, onRevoke));
}

function page(status: number, text: string): EmulatorResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><title>TikTok (sandbox)</title><p>${text}</p>` };
}

function authorize(state: TikTokState, req: EmulatorRequest, ensureUser: (handle?: string) => TikTokUser): EmulatorResponse {
  const q = req.url.searchParams;
  const o = state.options;
  // Problems with the app itself are shown on TikTok's page: no redirect to an unverified URI.
  if (q.get('client_key') !== o.clientKey) return page(400, 'client_key: unknown app.');
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectUriRegistered(o.redirectUris, redirectUri)) return page(400, 'redirect_uri is not registered for this app.');
  const back = (params: Record<string, string>): EmulatorResponse => {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    return { status: 302, headers: { location: target.toString() } };
  };
  const stateParam = q.get('state');
  const fail = (error: string, description: string) => back({ error, error_description: description, ...(stateParam ? { state: stateParam } : {}) });
  if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code.');
  if (!stateParam) return fail('invalid_request', 'state is required.');
  const requested = (q.get('scope') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (requested.length === 0 || requested.some((s) => !KNOWN_SCOPES.includes(s))) return fail('invalid_scope', 'scope is missing or unknown.');
  const challenge = q.get('code_challenge') ?? undefined;
  if (challenge !== undefined || o.requirePkce) {
    if (!challenge) return fail('invalid_request', 'code_challenge is required.');
    if (q.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
  }
  if (state.authorize.deny) return fail('access_denied', 'The user denied the request.');
  const user = ensureUser(state.authorize.handle);
  const granted = state.authorize.grantScopes ? requested.filter((s) => state.authorize.grantScopes!.includes(s)) : requested;
  // Codes contain characters such as * and ! (clients must URL-decode once).
  const code = `${state.random(10)}*${state.random(6)}!${state.random(4)}`;
  state.codes.set(code, {
    code,
    openId: user.openId,
    scopes: new Set(granted),
    redirectUri,
    codeChallenge: challenge,
    expiresAt: state.clock.now() + o.codeTtlSec * 1000,
    used: false,
  });
  return back({ code, scopes: granted.join(','), state: stateParam });
}

async function token(state: TikTokState, req: EmulatorRequest): Promise<EmulatorResponse> {
  const ct = (req.headers['content-type'] ?? '').toLowerCase();
  if (!ct.startsWith('application/x-www-form-urlencoded')) {
    req.raw.resume();
    return state.oauthError('invalid_request', 'The request parameters are malformed (form encoding required).');
  }
  const form = await req.form();
  if (req.url.search) return state.oauthError('invalid_request', 'Parameters must be sent in the form body.');
  const o = state.options;
  if (form.get('client_key') !== o.clientKey || form.get('client_secret') !== o.clientSecret) {
    return state.oauthError('invalid_client', 'Client key or secret is invalid.');
  }
  const grant = form.get('grant_type');
  if (!grant) return state.oauthError('invalid_request', 'grant_type is required.');
  if (grant === 'authorization_code') return exchangeCode(state, form);
  if (grant === 'refresh_token') return refresh(state, form);
  return state.oauthError('unsupported_grant_type', 'Grant type not supported.');
}

function exchangeCode(state: TikTokState, form: URLSearchParams): EmulatorResponse {
  const code = state.codes.get(form.get('code') ?? '');
  if (!code || code.used || code.expiresAt <= state.clock.now()) {
    if (code) code.used = true;
    return state.oauthError('invalid_grant', 'Authorization code is invalid, expired or already used.');
  }
  if (form.get('redirect_uri') !== code.redirectUri) {
    // TikTok's token page says invalid_request, its error page lists invalid_grant (§18.3): configurable.
    return state.oauthError(state.options.redirectMismatchError, 'Redirect_uri is not matched with the uri when requesting code.');
  }
  if (code.codeChallenge !== undefined) {
    // TikTok's desktop PKCE: challenge = lowercase hex of SHA-256(verifier), not base64url.
    const verifier = form.get('code_verifier') ?? '';
    const ok = /^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) && createHash('sha256').update(verifier).digest('hex') === code.codeChallenge;
    if (!ok) return state.oauthError('invalid_request', 'Code verifier or code challenge is invalid.');
  }
  // A web client (no challenge) sending an unneeded code_verifier is ignored (observed).
  code.used = true;
  return { status: 200, body: issueTokens(state, code.openId, code.scopes) };
}

function refresh(state: TikTokState, form: URLSearchParams): EmulatorResponse {
  const record = state.refreshTokens.get(form.get('refresh_token') ?? '');
  if (!record || record.revoked || record.rotated || record.expiresAt <= state.clock.now()) {
    return state.oauthError('invalid_grant', 'Refresh token is invalid or expired.');
  }
  if (state.options.rotateRefreshTokens) {
    record.rotated = true;
    return { status: 200, body: issueTokens(state, record.openId, record.scopes) };
  }
  return { status: 200, body: issueTokens(state, record.openId, record.scopes, record.token) };
}

async function revoke(state: TikTokState, req: EmulatorRequest, onRevoke: (openId: string) => void): Promise<EmulatorResponse> {
  const ct = (req.headers['content-type'] ?? '').toLowerCase();
  if (!ct.startsWith('application/x-www-form-urlencoded')) {
    req.raw.resume();
    return state.oauthError('invalid_request', 'The request parameters are malformed (form encoding required).');
  }
  const form = await req.form();
  const o = state.options;
  if (form.get('client_key') !== o.clientKey || form.get('client_secret') !== o.clientSecret) {
    return state.oauthError('invalid_client', 'Client key or secret is invalid.');
  }
  const record = state.accessTokens.get(form.get('token') ?? '');
  if (!record) return state.oauthError('invalid_request', 'token is invalid.');
  revokeUser(state, record.openId);
  onRevoke(record.openId);
  return { status: 200, body: {} };
}

/**
 * Disconnects the app from a user: every access and refresh token of theirs dies.
 *
 * @example
 * ```ts
 * revokeUser(state, openId);
 * ```
 */
export function revokeUser(state: TikTokState, openId: string): void {
  for (const t of state.accessTokens.values()) if (t.openId === openId) t.revoked = true;
  for (const t of state.refreshTokens.values()) if (t.openId === openId) t.revoked = true;
}
