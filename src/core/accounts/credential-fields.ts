import type { PlatformId } from '../platform-id.js';

/** The credential fields each platform needs, and those it may have. */
export interface CredentialSpec {
  required: readonly string[];
  optional: readonly string[];
  /** Required fields that may be taken from the account's external id when absent. */
  fromExternalId?: string;
  /**
   * The fields holding the app's id and secret (stored at connect, since a refresh token only works with
   * the app that issued it). Where they are `required`, they may be left out when the platform's app is
   * configured (environment): the worker then resolves the account's app from there.
   */
  app?: readonly [string, string];
  /** Defaults for fields the user need not give. */
  defaults?: (creds: Record<string, unknown>) => Record<string, unknown>;
  /** What the user should paste, for prompts and errors. */
  help: string;
}

/**
 * Credentials per platform, in the shape the adapters read (camelCase). Users may also write the
 * snake_case names (`client_key`, `access_token`, `ig_user_id`…): {@link canonicalField} maps them.
 * - TikTok: the app's client key + secret and the creator's access token (+ refresh token to stay connected).
 * - Instagram: a (long-lived) access token and the Instagram professional account id (+ the Meta app's
 *   id and secret it was issued to, stored at connect).
 * - YouTube: the OAuth client id + secret and the channel's refresh token.
 */
export const CREDENTIAL_SPECS: Readonly<Record<PlatformId, CredentialSpec & { app: readonly [string, string] }>> = Object.freeze({
  tiktok: {
    required: ['clientKey', 'clientSecret', 'accessToken'],
    optional: ['refreshToken', 'openId', 'scope', 'expiresAt', 'refreshExpiresAt', 'redirectUri'],
    app: ['clientKey', 'clientSecret'],
    help: 'TikTok needs client_key, client_secret and access_token (refresh_token to stay connected); client_key and client_secret may come from CLIPCAST_TIKTOK_CLIENT_KEY and CLIPCAST_TIKTOK_CLIENT_SECRET instead',
  },
  instagram: {
    required: ['accessToken', 'igUserId'],
    optional: ['appId', 'appSecret', 'flavour', 'tokenIssuedAt', 'tokenExpiresAt', 'username', 'appScopedUserId', 'pageId', 'userAccessToken', 'userTokenExpiresAt'],
    fromExternalId: 'igUserId',
    app: ['appId', 'appSecret'],
    // Instagram Login tokens start with "IG"; anything else is a Facebook Login (Page) token.
    defaults: (c) => ({ flavour: typeof c.accessToken === 'string' && c.accessToken.startsWith('IG') ? 'instagram' : 'facebook', tokenIssuedAt: 0, tokenExpiresAt: 0 }),
    help: 'Instagram needs access_token and ig_user_id (the Instagram professional account id; the external id is used when absent)',
  },
  youtube: {
    required: ['clientId', 'clientSecret', 'refreshToken'],
    optional: ['accessToken', 'expiresAt', 'scope', 'appMode', 'consentedAt', 'selfDeclaredMadeForKids'],
    app: ['clientId', 'clientSecret'],
    help: 'YouTube needs client_id, client_secret and refresh_token; client_id and client_secret may come from CLIPCAST_YOUTUBE_CLIENT_ID and CLIPCAST_YOUTUBE_CLIENT_SECRET instead',
  },
});

/** `access_token` → `accessToken`; camelCase names pass unchanged. */
export function canonicalField(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Credentials of an account that is a Postiz channel (`backend: 'postiz'`): no platform token (Postiz
 * holds it), only which channel it is. The Postiz server URL and API key come from the config.
 *
 * @example
 * ```ts
 * const creds = { backend: 'postiz', postizChannelId: 'cmi1', postizProvider: 'instagram-standalone' };
 * ```
 */
export const POSTIZ_CHANNEL_SPEC: CredentialSpec = Object.freeze({
  required: ['backend', 'postizChannelId', 'postizProvider'],
  optional: ['postizOrg'],
  help: 'a Postiz channel needs backend "postiz", postizChannelId and postizProvider (import them with clipcast channels sync)',
});

/** True for the credentials of a Postiz channel account. */
export function isPostizCredentials(credentials: Record<string, unknown>): boolean {
  return credentials.backend === 'postiz';
}
