import type { PlatformId } from '../platform-id.js';

/** The credential fields each platform needs, and those it may have. */
export interface CredentialSpec {
  required: readonly string[];
  optional: readonly string[];
  /** Required fields that may be taken from the account's external id when absent. */
  fromExternalId?: string;
  /** What the user should paste, for prompts and errors. */
  help: string;
}

/**
 * Credentials per platform (see the issue and the references):
 * - TikTok: app client key + secret and the creator's access token (+ refresh token to stay connected).
 * - Instagram: a (long-lived) access token and the Instagram professional account id.
 * - YouTube: OAuth client id + secret and the channel's refresh token.
 */
export const CREDENTIAL_SPECS: Readonly<Record<PlatformId, CredentialSpec>> = Object.freeze({
  tiktok: {
    required: ['client_key', 'client_secret', 'access_token'],
    optional: ['refresh_token', 'open_id', 'access_token_expires_at', 'refresh_token_expires_at', 'scope', 'audited', 'api_base_url', 'auth_base_url'],
    help: 'TikTok needs client_key, client_secret and access_token (refresh_token to stay connected)',
  },
  instagram: {
    required: ['access_token', 'ig_user_id'],
    optional: ['flavour', 'page_id', 'access_token_expires_at', 'app_id', 'app_secret', 'api_base_url'],
    fromExternalId: 'ig_user_id',
    help: 'Instagram needs access_token and ig_user_id (the Instagram professional account id; the external id is used when absent)',
  },
  youtube: {
    required: ['client_id', 'client_secret', 'refresh_token'],
    optional: ['access_token', 'access_token_expires_at', 'testing_mode', 'made_for_kids', 'project_id', 'channel_id', 'api_base_url', 'auth_base_url', 'upload_base_url'],
    help: 'YouTube needs client_id, client_secret and refresh_token',
  },
});

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
