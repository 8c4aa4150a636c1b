import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from '../emulator-server.js';
import { googleError, MESSAGES, oauthError } from './youtube-envelope.js';

/** A registered OAuth client (one Cloud project each, for quota). */
export interface GoogleClient {
  clientId: string;
  clientSecret: string;
  /** `desktop`: any loopback redirect; `web`: exact match with `redirectUris`. */
  type: 'desktop' | 'web';
  redirectUris?: string[];
  /** "Testing" publishing status with External users: refresh tokens die 7 days after consent. */
  testingMode?: boolean;
}

/** A granted refresh token. */
export interface Grant {
  refreshToken: string;
  clientId: string;
  channelId: string;
  scopes: string[];
  consentedAt: number;
  lastUsedAt: number;
  revoked: boolean;
}

/** A live access token. */
export interface AccessToken {
  token: string;
  clientId: string;
  channelId: string;
  scopes: string[];
  expiresAt: number;
  refreshToken?: string;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  channelId: string;
  scopes: string[];
  challenge?: string;
  method?: string;
  issueRefresh: boolean;
  expiresAt: number;
  used: boolean;
}

const ACCESS_TTL_S = 3599;
/** Authorization-code lifetime: "roughly minutes" (unconfirmed); 10 minutes here. */
const CODE_TTL_MS = 10 * 60_000;
const SEVEN_DAYS_MS = 7 * 24 * 3600_000;
/** A refresh token unused for six months dies. */
const UNUSED_MS = 183 * 24 * 3600_000;
/** Live refresh tokens per Google account and client; the oldest is invalidated silently beyond it. */
const MAX_GRANTS = 100;
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d+(\/.*)?$/;
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** What the next consent does (test hook; no UI). */
export interface ConsentPlan {
  deny?: boolean;
  /** Scopes the user leaves ticked (granular consent); default all requested. */
  grant?: string[];
  /** Google account (channel id) that consents; default the first channel. */
  channelId?: string;
}

/**
 * Google's OAuth 2.0 endpoints (reference §1.9): `/o/oauth2/v2/auth`, `/token`, `/revoke`, `/tokeninfo`.
 *
 * @example
 * ```ts
 * const oauth = new GoogleOAuthEmulator(server, clock);
 * oauth.registerClient({ clientId: 'c.apps.googleusercontent.com', clientSecret: 's', type: 'desktop' });
 * ```
 */
export class GoogleOAuthEmulator {
  readonly clients = new Map<string, GoogleClient>();
  readonly grants = new Map<string, Grant>();
  readonly tokens = new Map<string, AccessToken>();
  readonly revoked: string[] = [];
  nextConsent: ConsentPlan = {};
  #codes = new Map<string, AuthCode>();
  #consented = new Set<string>();

  constructor(
    server: EmulatorServer,
    private readonly clock: Clock,
    private readonly defaultChannel: () => string | undefined,
  ) {
    server.route('GET', '/o/oauth2/v2/auth', (req) => this.#authorize(req));
    server.route('POST', '/token', (req) => this.#token(req));
    server.route('POST', '/revoke', (req) => this.#revoke(req));
    server.route('GET', '/tokeninfo', (req) => this.#tokeninfo(req));
  }

  registerClient(client: GoogleClient): GoogleClient {
    this.clients.set(client.clientId, client);
    return client;
  }

  /** Issues a grant and an access token directly, as if consent had happened (sandbox accounts). */
  issueDirect(clientId: string, channelId: string, scopes: string[]): { grant: Grant; access: AccessToken } {
    const grant = this.#newGrant(clientId, channelId, scopes);
    return { grant, access: this.#newAccess(clientId, channelId, scopes, grant.refreshToken) };
  }

  /** Test hook: makes an access token expire now. */
  expireAccessToken(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.expiresAt = this.clock.now() - 1;
  }

  /** Test hook: revokes a refresh token (as the user would in Google Account settings). */
  revokeRefreshToken(refreshToken: string): void {
    const g = this.grants.get(refreshToken);
    if (g) g.revoked = true;
  }

  /** The live access token for a `Authorization: Bearer` header, or undefined. */
  resolve(authorization: string | undefined): AccessToken | 'missing' | undefined {
    if (!authorization) return 'missing';
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = m ? this.tokens.get(m[1]!) : undefined;
    if (!token || token.expiresAt <= this.clock.now()) return undefined;
    if (token.refreshToken && this.grants.get(token.refreshToken)?.revoked) return undefined;
    return token;
  }

  /** 401 for an unknown/expired token, or a missing header (`required`, unconfirmed for YouTube). */
  unauthenticated(missing: boolean): EmulatorResponse {
    return missing
      ? googleError(401, 'required', MESSAGES.required, { location: 'Authorization', locationType: 'header' })
      : googleError(401, 'authError', MESSAGES.authError, { location: 'Authorization', locationType: 'header' });
  }

  #authorize(req: EmulatorRequest): EmulatorResponse {
    const q = req.url.searchParams;
    const bad = (error: string, text: string): EmulatorResponse => ({
      status: 400,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<!doctype html><title>Error 400: ${error}</title><p>${error}: ${text}</p>`,
    });
    const client = this.clients.get(q.get('client_id') ?? '');
    if (!client) return bad('invalid_client', 'The OAuth client was not found.');
    const redirectUri = q.get('redirect_uri') ?? '';
    const redirectOk = client.type === 'desktop' ? LOOPBACK.test(redirectUri) : (client.redirectUris ?? []).includes(redirectUri);
    if (!redirectOk) return bad('redirect_uri_mismatch', 'The redirect URI in the request does not match.');
    if (q.get('response_type') !== 'code') return bad('invalid_request', 'response_type must be code.');
    const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0) return bad('invalid_request', 'Missing required parameter: scope');
    const challenge = q.get('code_challenge') ?? undefined;
    const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
    if (method && !['S256', 'plain'].includes(method)) return bad('invalid_request', 'Invalid code_challenge_method.');
    if (method && !challenge) return bad('invalid_request', 'code_challenge_method without code_challenge.');
    const prompt = (q.get('prompt') ?? '').split(' ').filter(Boolean);
    if (prompt.includes('none') && prompt.length > 1) return bad('invalid_request', 'prompt=none must appear alone.');
    const plan = this.nextConsent;
    this.nextConsent = {};
    const target = new URL(redirectUri);
    const state = q.get('state');
    if (plan.deny) {
      target.searchParams.set('error', 'access_denied');
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.href } };
    }
    const channelId = plan.channelId ?? this.defaultChannel();
    if (!channelId) return bad('invalid_request', 'No Google account in the emulator.');
    const granted = plan.grant ? scopes.filter((s) => plan.grant!.includes(s)) : scopes;
    const consentKey = `${client.clientId} ${channelId}`;
    // Installed apps get a refresh token on the first exchange anyway (corrections §1); web apps need
    // access_type=offline and a first consent or prompt=consent.
    const offline = client.type === 'desktop' || q.get('access_type') === 'offline';
    const issueRefresh = offline && (!this.#consented.has(consentKey) || prompt.includes('consent') || client.type === 'desktop');
    this.#consented.add(consentKey);
    const code = `4/0A${randomBytes(24).toString('base64url')}`;
    this.#codes.set(code, {
      clientId: client.clientId,
      redirectUri,
      channelId,
      scopes: granted,
      challenge,
      method,
      issueRefresh,
      expiresAt: this.clock.now() + CODE_TTL_MS,
      used: false,
    });
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('code', code);
    target.searchParams.set('scope', granted.join(' '));
    target.searchParams.set('authuser', '0');
    return { status: 302, headers: { location: target.href } };
  }

  async #token(req: EmulatorRequest): Promise<EmulatorResponse> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      req.raw.resume();
      return oauthError(400, 'invalid_request', 'Invalid Content-Type; expected application/x-www-form-urlencoded.');
    }
    const form = await req.form(64 * 1024);
    const basic = parseBasic(req.headers.authorization);
    const clientId = basic?.id ?? form.get('client_id') ?? '';
    const secret = basic?.secret ?? form.get('client_secret') ?? undefined;
    const client = this.clients.get(clientId);
    if (!client) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    // client_secret is optional for installed apps (corrections §3) but must match when sent.
    if ((secret !== undefined || client.type === 'web') && secret !== client.clientSecret) {
      return oauthError(401, 'invalid_client', 'Unauthorized');
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.#exchange(client, form);
    if (grantType === 'refresh_token') return this.#refresh(client, form);
    if (!grantType) return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  }

  #exchange(client: GoogleClient, form: URLSearchParams): EmulatorResponse {
    const codeValue = form.get('code');
    if (!codeValue) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
    const code = this.#codes.get(codeValue);
    if (!code || code.used || code.expiresAt <= this.clock.now() || code.clientId !== client.clientId) {
      return oauthError(400, 'invalid_grant', 'Malformed auth code.');
    }
    if (form.get('redirect_uri') !== code.redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    const verifier = form.get('code_verifier');
    if (code.challenge) {
      if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      if (!VERIFIER.test(verifier)) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
      const computed = code.method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
      if (computed !== code.challenge) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    code.used = true;
    const grant = code.issueRefresh ? this.#newGrant(client.clientId, code.channelId, code.scopes) : undefined;
    const access = this.#newAccess(client.clientId, code.channelId, code.scopes, grant?.refreshToken);
    const body: Record<string, unknown> = { access_token: access.token, expires_in: ACCESS_TTL_S, scope: code.scopes.join(' '), token_type: 'Bearer' };
    if (grant) body['refresh_token'] = grant.refreshToken;
    return { status: 200, headers: { 'cache-control': 'no-store' }, body };
  }

  #refresh(client: GoogleClient, form: URLSearchParams): EmulatorResponse {
    const token = form.get('refresh_token');
    if (!token) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const grant = this.grants.get(token);
    const dead =
      !grant ||
      grant.revoked ||
      grant.clientId !== client.clientId ||
      this.clock.now() - grant.lastUsedAt >= UNUSED_MS ||
      (client.testingMode === true && this.clock.now() >= grant.consentedAt + SEVEN_DAYS_MS);
    if (dead) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    grant.lastUsedAt = this.clock.now();
    const access = this.#newAccess(client.clientId, grant.channelId, grant.scopes, grant.refreshToken);
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: { access_token: access.token, expires_in: ACCESS_TTL_S, scope: grant.scopes.join(' '), token_type: 'Bearer' },
    };
  }

  async #revoke(req: EmulatorRequest): Promise<EmulatorResponse> {
    const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? await req.form(64 * 1024) : undefined;
    if (!form) req.raw.resume();
    const token = req.url.searchParams.get('token') ?? form?.get('token');
    const access = token ? this.tokens.get(token) : undefined;
    const grant = token ? (this.grants.get(token) ?? (access?.refreshToken ? this.grants.get(access.refreshToken) : undefined)) : undefined;
    const owner = grant ?? access;
    // The error code for an unknown token is unconfirmed; Google's revoke answers 400 invalid_token.
    if (!token || !owner) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    // Revocation removes every grant of the project for that user (reference §1.7).
    for (const g of this.grants.values()) if (g.clientId === owner.clientId && g.channelId === owner.channelId) g.revoked = true;
    for (const t of this.tokens.values()) if (t.clientId === owner.clientId && t.channelId === owner.channelId) t.expiresAt = 0;
    this.revoked.push(token);
    return { status: 200, body: {} };
  }

  #tokeninfo(req: EmulatorRequest): EmulatorResponse {
    const t = this.tokens.get(req.url.searchParams.get('access_token') ?? '');
    if (!t || t.expiresAt <= this.clock.now()) return oauthError(400, 'invalid_token', 'Invalid Value');
    return {
      status: 200,
      body: {
        azp: t.clientId,
        aud: t.clientId,
        scope: t.scopes.join(' '),
        exp: String(Math.floor(t.expiresAt / 1000)),
        expires_in: String(Math.floor((t.expiresAt - this.clock.now()) / 1000)),
        access_type: t.refreshToken ? 'offline' : 'online',
      },
    };
  }

  #newGrant(clientId: string, channelId: string, scopes: string[]): Grant {
    const now = this.clock.now();
    const grant: Grant = { refreshToken: `1//0g${randomBytes(32).toString('base64url')}`, clientId, channelId, scopes, consentedAt: now, lastUsedAt: now, revoked: false };
    this.grants.set(grant.refreshToken, grant);
    const live = [...this.grants.values()].filter((g) => !g.revoked && g.clientId === clientId && g.channelId === channelId);
    if (live.length > MAX_GRANTS) live.sort((a, b) => a.consentedAt - b.consentedAt)[0]!.revoked = true;
    return grant;
  }

  #newAccess(clientId: string, channelId: string, scopes: string[], refreshToken?: string): AccessToken {
    const access: AccessToken = {
      token: `ya29.a0${randomBytes(32).toString('base64url')}`,
      clientId,
      channelId,
      scopes,
      expiresAt: this.clock.now() + ACCESS_TTL_S * 1000,
      refreshToken,
    };
    this.tokens.set(access.token, access);
    return access;
  }
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
}
