import { PublishError } from '../../core/publish-error.js';
import type { InstagramClient } from './instagram-client.js';
import type { InstagramCredentials, InstagramFlavour } from './instagram-credentials.js';

/** Scopes clipcast asks for, per flavour (§0). */
export const INSTAGRAM_SCOPES: Readonly<Record<InstagramFlavour, readonly string[]>> = Object.freeze({
  instagram: ['instagram_business_basic', 'instagram_business_content_publish'],
  facebook: ['instagram_basic', 'instagram_content_publish', 'pages_show_list', 'pages_read_engagement', 'business_management'],
});

/** Lifetime assumed when Meta leaves out `expires_in` (observed on fb_exchange_token): about 60 days. */
const DEFAULT_LONG_LIVED_SEC = 5_184_000;

/**
 * The connect flows of both login products: authorize URL, code exchange to a long-lived token, the
 * IG account to publish as, and (IG Login) refresh.
 *
 * @example
 * ```ts
 * const oauth = new InstagramOAuth(client, () => clock.now());
 * const url = oauth.authorizeUrl('instagram', csrfState);
 * const credentials = await oauth.connect('instagram', codeFromRedirect);
 * ```
 */
export class InstagramOAuth {
  constructor(
    private readonly client: InstagramClient,
    private readonly now: () => number,
  ) {}

  #app(flavour: InstagramFlavour) {
    const app = flavour === 'instagram' ? this.client.config.instagramApp : this.client.config.facebookApp;
    if (!app) throw new PublishError(`Instagram: no ${flavour} login app configured`, { platform: 'instagram', code: 'INSTAGRAM_APP_MISSING', kind: 'invalid' });
    return app;
  }

  /** Where to send the browser (§2.1 step 1, §2.2 step 1). */
  authorizeUrl(flavour: InstagramFlavour, state: string): string {
    const app = this.#app(flavour);
    const { urls, graphVersion } = this.client.config;
    const url = new URL(flavour === 'instagram' ? `${urls.wwwInstagram}/oauth/authorize` : `${urls.wwwFacebook}/${graphVersion}/dialog/oauth`);
    url.searchParams.set('client_id', app.clientId);
    url.searchParams.set('redirect_uri', app.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', INSTAGRAM_SCOPES[flavour].join(','));
    url.searchParams.set('state', state);
    return url.toString();
  }

  /** Exchanges the redirect's `code` (a trailing `#_` is stripped) for stored credentials. */
  async connect(flavour: InstagramFlavour, rawCode: string): Promise<InstagramCredentials> {
    const code = rawCode.replace(/#_$/, '');
    return flavour === 'instagram' ? this.#connectInstagram(code) : this.#connectFacebook(code);
  }

  async #connectInstagram(code: string): Promise<InstagramCredentials> {
    const app = this.#app('instagram');
    const { urls } = this.client.config;
    type Short = { access_token?: string; user_id?: string | number; permissions?: string | string[]; data?: Short[] };
    const answer = await this.client.raw<Short>('POST', `${urls.apiInstagram}/oauth/access_token`, {
      client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'authorization_code', redirect_uri: app.redirectUri, code,
    }, 'code exchange', true);
    // Both shapes: documented `{data:[…]}` and observed flat (with a numeric user_id, kept exact as a string).
    const short = answer.data?.[0] ?? answer;
    if (!short.access_token) throw badAnswer('code exchange');
    const granted = Array.isArray(short.permissions) ? short.permissions : String(short.permissions ?? '').split(',');
    const missing = INSTAGRAM_SCOPES.instagram.filter((s) => !granted.includes(s));
    if (missing.length) throw new PublishError(`Instagram: the user did not grant ${missing.join(', ')}`, { platform: 'instagram', code: 'INSTAGRAM_SCOPES_MISSING', kind: 'needs_reauth' });
    const long = await this.client.raw<{ access_token?: string; expires_in?: number }>('GET', `${urls.graphInstagram}/access_token`, {
      grant_type: 'ig_exchange_token', client_secret: app.clientSecret, access_token: short.access_token,
    }, 'long-lived token exchange');
    if (!long.access_token) throw badAnswer('long-lived token exchange');
    const me = await this.client.call<{ user_id?: string; username?: string; id?: string }>('instagram', long.access_token, 'GET', '/me', { fields: 'user_id,username' }, { what: 'read profile', safe: true });
    const issuedAt = this.now();
    return {
      flavour: 'instagram',
      accessToken: long.access_token,
      tokenIssuedAt: issuedAt,
      tokenExpiresAt: issuedAt + (long.expires_in ?? DEFAULT_LONG_LIVED_SEC) * 1000,
      igUserId: String(me.user_id ?? me.id ?? short.user_id),
      username: me.username,
      appScopedUserId: short.user_id === undefined ? undefined : String(short.user_id),
    };
  }

  async #connectFacebook(code: string): Promise<InstagramCredentials> {
    const app = this.#app('facebook');
    const base = this.client.graphBase('facebook');
    const user = await this.client.raw<{ access_token?: string }>('GET', `${base}/oauth/access_token`, {
      client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: app.redirectUri, code,
    }, 'code exchange');
    if (!user.access_token) throw badAnswer('code exchange');
    const long = await this.client.raw<{ access_token?: string; expires_in?: number }>('GET', `${base}/oauth/access_token`, {
      grant_type: 'fb_exchange_token', client_id: app.clientId, client_secret: app.clientSecret, fb_exchange_token: user.access_token,
    }, 'long-lived token exchange');
    if (!long.access_token) throw badAnswer('long-lived token exchange');
    type Page = { id: string; access_token?: string; instagram_business_account?: { id: string; username?: string } };
    const pages = await this.client.call<{ data?: Page[] }>('facebook', long.access_token, 'GET', '/me/accounts', {
      fields: 'id,name,access_token,instagram_business_account{id,username}', limit: '100',
    }, { what: 'list Pages', safe: true });
    const page = pages.data?.find((p) => p.instagram_business_account?.id && p.access_token);
    if (!page) throw new PublishError('Instagram: no Facebook Page with a linked Instagram professional account', { platform: 'instagram', code: 'INSTAGRAM_NO_LINKED_ACCOUNT', kind: 'needs_reauth' });
    const now = this.now();
    return {
      flavour: 'facebook',
      // The Page token from a long-lived user token has no expiry (§2.2); publishing uses it.
      accessToken: page.access_token!,
      tokenIssuedAt: now,
      tokenExpiresAt: 0,
      igUserId: page.instagram_business_account!.id,
      username: page.instagram_business_account!.username,
      pageId: page.id,
      userAccessToken: long.access_token,
      userTokenExpiresAt: now + (long.expires_in ?? DEFAULT_LONG_LIVED_SEC) * 1000,
    };
  }

  /**
   * Refreshes an IG Login long-lived token (`ig_refresh_token`); Meta requires it to be at least 24 h
   * old and unexpired. Any refusal means the user must log in again.
   */
  async refresh(credentials: InstagramCredentials): Promise<InstagramCredentials> {
    let res: { access_token?: string; expires_in?: number };
    try {
      res = await this.client.raw('GET', `${this.client.config.urls.graphInstagram}/refresh_access_token`, { grant_type: 'ig_refresh_token', access_token: credentials.accessToken }, 'token refresh');
    } catch (error) {
      if (error instanceof PublishError && error.kind === 'invalid') {
        throw new PublishError(`${error.message}; reconnect the account`, { platform: 'instagram', code: 'INSTAGRAM_REFRESH_REFUSED', kind: 'needs_reauth', status: error.status, platformCode: error.platformCode, cause: error });
      }
      throw error;
    }
    if (!res.access_token) throw badAnswer('token refresh');
    const now = this.now();
    // Store whatever comes back: the same string or a new one (unconfirmed which).
    return { ...credentials, accessToken: res.access_token, tokenIssuedAt: now, tokenExpiresAt: now + (res.expires_in ?? DEFAULT_LONG_LIVED_SEC) * 1000 };
  }
}

function badAnswer(what: string): PublishError {
  return new PublishError(`Instagram ${what}: answer without access_token`, { platform: 'instagram', code: 'INSTAGRAM_BAD_RESPONSE', kind: 'retryable' });
}
