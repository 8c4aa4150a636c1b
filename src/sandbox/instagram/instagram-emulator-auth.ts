import { randomBytes } from 'node:crypto';
import { rawJson, type EmulatorResponse } from '../emulator-server.js';
import { checkVersion, graphError, GraphFailure, tokenOf, authenticate } from './instagram-emulator-graph.js';
import { HOST_PREFIX, type RouteDeps } from './instagram-emulator-knobs.js';
import type { EmulatedAccount, Flavour } from './instagram-emulator-state.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Long-lived lifetime as Meta reports it (`expires_in` 5183944 s, about 60 days). */
export const LONG_LIVED_SECONDS = 5_183_944;
const IG_SCOPES = ['instagram_business_basic', 'instagram_business_content_publish'];
const FB_SCOPES = ['instagram_basic', 'instagram_content_publish', 'pages_show_list', 'pages_read_engagement'];

/** The non-Graph error shape of api.instagram.com (§2.1). */
function igOauthError(message: string): EmulatorResponse {
  return { status: 400, body: { error_type: 'OAuthException', code: 400, error_message: message } };
}

/**
 * Grants an authorization code as if the user approved the dialog (the demo and tests use this; the
 * `/oauth/authorize` routes call it too).
 */
export function grantCode(deps: RouteDeps, flavour: Flavour, account: EmulatedAccount, redirectUri: string, scopes?: string[]): string {
  const code = `${flavour === 'ig' ? 'AQ' : 'AQD'}${randomBytes(24).toString('base64url')}`;
  deps.state.codes.set(code, {
    flavour,
    accountKey: account.key,
    redirectUri,
    scopes: scopes ?? (flavour === 'ig' ? IG_SCOPES : FB_SCOPES),
    expiresAt: deps.state.clock.now() + HOUR,
    used: false,
  });
  return code;
}

/** The Page token of an account (issued once, never expires, like a Page token from a long-lived user token). */
export function pageTokenOf(deps: RouteDeps, account: EmulatedAccount): string {
  for (const t of deps.state.tokens.values()) if (t.accountKey === account.key && t.kind === 'page' && !t.revoked) return t.value;
  return deps.state.issueToken('fb', 'page', account.key, 0, FB_SCOPES).value;
}

/** Registers the OAuth routes of both flavours. */
export function registerAuthRoutes(deps: RouteDeps): void {
  const { server, state, apps, knobs } = deps;
  const pickAccount = (handle: string | null): EmulatedAccount => {
    const all = [...state.accounts.values()];
    return all.find((a) => a.username === handle) ?? all[0] ?? state.addAccount(handle ?? 'sandbox_creator');
  };
  const redirect = (uri: string, query: Record<string, string>, fragment = ''): EmulatorResponse => {
    const u = new URL(uri);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return { status: 302, headers: { location: `${u.toString()}${fragment}` }, body: '' };
  };

  // Instagram Login authorize page: auto-approves (sandbox), `sandbox_handle` picks the account.
  server.route('GET', `${HOST_PREFIX.wwwIg}/oauth/authorize`, (req) => {
    const q = req.url.searchParams;
    const uri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== apps.instagram.clientId || !apps.instagram.redirectUris.includes(uri) || q.get('response_type') !== 'code' || !q.get('scope')) {
      return { status: 400, body: 'Invalid request: client_id, redirect_uri, response_type=code and scope are required' };
    }
    const scopes = (q.get('scope') ?? '').split(/[ ,]+/).filter(Boolean);
    const code = grantCode(deps, 'ig', pickAccount(q.get('sandbox_handle')), uri, scopes);
    return redirect(uri, { code, ...(q.get('state') ? { state: q.get('state')! } : {}) }, '#_');
  });
  server.route('GET', `${HOST_PREFIX.wwwFb}/:version/dialog/oauth`, (req) => {
    const q = req.url.searchParams;
    const uri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== apps.facebook.clientId || !apps.facebook.redirectUris.includes(uri)) {
      return { status: 400, body: 'URL blocked: the redirect URI is not whitelisted' };
    }
    const scopes = (q.get('scope') ?? '').split(/[ ,]+/).filter(Boolean);
    const code = grantCode(deps, 'fb', pickAccount(q.get('sandbox_handle')), uri, scopes.length ? scopes : undefined);
    return redirect(uri, { code, ...(q.get('state') ? { state: q.get('state')! } : {}) });
  });

  // api.instagram.com: code -> short-lived token (form POST; unversioned).
  server.route('POST', `${HOST_PREFIX.apiIg}/oauth/access_token`, async (req) => {
    const form = await req.form();
    if (form.get('client_id') !== apps.instagram.clientId) return igOauthError('Invalid platform app');
    if (form.get('client_secret') !== apps.instagram.clientSecret) return igOauthError('Error validating client secret.');
    if (form.get('grant_type') !== 'authorization_code') return igOauthError('Unsupported grant type');
    const grant = state.codes.get(form.get('code') ?? '');
    if (!grant || grant.used || grant.flavour !== 'ig' || state.clock.now() >= grant.expiresAt) {
      return igOauthError('Matching code was not found or was already used');
    }
    if (grant.redirectUri !== form.get('redirect_uri')) return igOauthError('Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request');
    grant.used = true;
    const account = state.accounts.get(grant.accountKey)!;
    const token = state.issueToken('ig', 'short', account.key, HOUR, grant.scopes);
    if (knobs.codeExchangeShape === 'wrapped') {
      return { status: 200, body: { data: [{ access_token: token.value, user_id: account.appScopedId, permissions: grant.scopes.join(',') }] } };
    }
    // Observed live shape: user_id as a bare number beyond 2^53.
    return { status: 200, body: rawJson(`{"access_token":${JSON.stringify(token.value)},"user_id":${account.appScopedId},"permissions":${JSON.stringify(grant.scopes)}}`) };
  });

  const tokenRoute = async (flavour: Flavour, version: string | undefined, req: Parameters<Parameters<typeof server.route>[2]>[0]): Promise<EmulatorResponse> => {
    try {
      checkVersion(version, state.clock.now(), knobs.versionPolicy);
      const q = req.url.searchParams;
      if (flavour === 'ig') return igTokenGrant(q, req.path.endsWith('/refresh_access_token'));
      return fbTokenGrant(q);
    } catch (error) {
      if (error instanceof GraphFailure) return error.response;
      throw error;
    }
  };

  const igTokenGrant = (q: URLSearchParams, refresh: boolean): EmulatorResponse => {
    if (refresh) {
      if (q.get('grant_type') !== 'ig_refresh_token') return graphError(400, 100, 'Unsupported grant_type, expected ig_refresh_token');
      const token = authenticate(state, 'ig', q.get('access_token') ?? undefined);
      if (token.kind !== 'long') return graphError(400, 100, 'Only long-lived tokens can be refreshed');
      if (state.clock.now() - token.issuedAt < DAY) {
        return knobs.earlyRefreshCode === 190
          ? graphError(400, 190, 'Error validating access token: the token must be at least 24 hours old to be refreshed')
          : graphError(400, 100, 'The access token must be at least 24 hours old to be refreshed');
      }
      const next = state.issueToken('ig', 'long', token.accountKey, LONG_LIVED_SECONDS * 1000, token.scopes);
      return { status: 200, body: { access_token: next.value, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS } };
    }
    if (q.get('grant_type') !== 'ig_exchange_token') return graphError(400, 100, 'Unsupported grant_type, expected ig_exchange_token');
    if (q.get('client_secret') !== apps.instagram.clientSecret) return graphError(400, 101, 'Error validating client secret.');
    const token = authenticate(state, 'ig', q.get('access_token') ?? undefined);
    if (token.kind !== 'short') return graphError(400, 100, 'The access token is not a short-lived token');
    const long = state.issueToken('ig', 'long', token.accountKey, LONG_LIVED_SECONDS * 1000, token.scopes);
    return { status: 200, body: { access_token: long.value, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS } };
  };

  const fbTokenGrant = (q: URLSearchParams): EmulatorResponse => {
    if (q.get('client_id') !== apps.facebook.clientId) return graphError(400, 101, 'Error validating application. Invalid application ID.');
    if (q.get('client_secret') !== apps.facebook.clientSecret) return graphError(400, 1, 'Error validating client secret.');
    if (q.get('grant_type') === 'fb_exchange_token') {
      const token = authenticate(state, 'fb', q.get('fb_exchange_token') ?? undefined);
      if (token.kind === 'page') return graphError(400, 100, 'Page tokens cannot be exchanged');
      const long = state.issueToken('fb', 'long', token.accountKey, LONG_LIVED_SECONDS * 1000, token.scopes);
      return { status: 200, body: { access_token: long.value, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS } };
    }
    const grant = state.codes.get(q.get('code') ?? '');
    if (!grant || grant.flavour !== 'fb' || state.clock.now() >= grant.expiresAt) return graphError(400, 100, 'Invalid verification code format.', 36007);
    if (grant.used) return graphError(400, 100, 'This authorization code has been used.', 36009);
    if (grant.redirectUri !== q.get('redirect_uri')) return graphError(400, 100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 36008);
    grant.used = true;
    // Short user token (2 h; the lifetime here is unconfirmed per §2.2).
    const token = state.issueToken('fb', 'short', grant.accountKey, 2 * HOUR, grant.scopes);
    return { status: 200, body: { access_token: token.value, token_type: 'bearer', expires_in: 7200 } };
  };

  for (const path of ['/access_token', '/refresh_access_token']) {
    server.route('GET', `${HOST_PREFIX.ig}${path}`, (req) => tokenRoute('ig', undefined, req));
    server.route('GET', `${HOST_PREFIX.ig}/:version${path}`, (req) => tokenRoute('ig', req.params.version, req));
  }
  server.route('GET', `${HOST_PREFIX.fb}/:version/oauth/access_token`, (req) => tokenRoute('fb', req.params.version, req));

  // IG Login: /me (user_id = professional id, id = app-scoped id).
  deps.graph('GET', '/me', ({ account, params }) => {
    const fields = (params.get('fields') ?? 'id').split(',');
    const all: Record<string, unknown> = { user_id: account.igUserId, username: account.username, id: account.appScopedId, account_type: 'BUSINESS', name: account.username };
    return { status: 200, body: pick(all, fields) };
  }, ['ig']);

  // FB Login: the user (or Page) behind the token, and its permissions.
  deps.graph('GET', '/me', ({ account, token, params }) => {
    const fields = (params.get('fields') ?? 'id,name').split(',');
    const all = token.kind === 'page' ? { id: account.pageId, name: `${account.username} Page` } : { id: account.fbUserId, name: account.username };
    return { status: 200, body: pick(all, fields) };
  }, ['fb']);
  deps.graph('GET', '/me/permissions', ({ token }) => ({
    status: 200,
    body: { data: token.scopes.map((permission) => ({ permission, status: 'granted' })) },
  }), ['fb']);

  // FB Login: Pages with their IG professional account.
  deps.graph('GET', '/me/accounts', ({ account, token }) => {
    if (token.kind === 'page') return graphError(400, 100, 'Tried accessing nonexisting field (accounts) on node type (Page)');
    return {
      status: 200,
      body: {
        data: [{ id: account.pageId, name: `${account.username} Page`, access_token: pageTokenOf(deps, account), instagram_business_account: { id: account.igUserId, username: account.username } }],
        paging: { cursors: { before: 'QVFIUk', after: 'QVFIUk' } },
      },
    };
  }, ['fb']);

  server.route('GET', `${HOST_PREFIX.fb}/:version/debug_token`, (req) => {
    const q = req.url.searchParams;
    if (tokenOf(req, q) !== `${apps.facebook.clientId}|${apps.facebook.clientSecret}`) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    const t = state.tokens.get(q.get('input_token') ?? '');
    const valid = !!t && t.flavour === 'fb' && !t.revoked && (t.expiresAt === 0 || state.clock.now() < t.expiresAt);
    return {
      status: 200,
      body: {
        data: {
          app_id: apps.facebook.clientId,
          type: t?.kind === 'page' ? 'PAGE' : 'USER',
          is_valid: valid,
          expires_at: t ? Math.floor(t.expiresAt / 1000) : 0,
          issued_at: t ? Math.floor(t.issuedAt / 1000) : 0,
          scopes: t?.scopes ?? [],
          ...(valid ? {} : { error: { code: 190, message: 'Error validating access token', subcode: t?.revoked ? 467 : 463 } }),
        },
      },
    };
  });
}

/** Only the requested fields (plus `id`, which Graph always returns). */
export function pick(all: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in all) out[f] = all[f];
  if ('id' in all) out.id = all.id;
  return out;
}
