import type { Credentials } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';

/** The two login products (§0): Instagram Login on graph.instagram.com, Facebook Login on graph.facebook.com. */
export type InstagramFlavour = 'instagram' | 'facebook';

/**
 * What clipcast stores for an Instagram account (encrypted by the core).
 *
 * - `accessToken`: the token the Graph calls use: the IG Login long-lived token, or (Facebook Login)
 *   the Page token, which has no expiry.
 * - `tokenExpiresAt`: ms since epoch, `0` = never; `tokenIssuedAt`: when it was issued or last refreshed
 *   (IG refresh needs it to be at least 24 h old).
 * - `igUserId`: the IG professional account id publishing uses.
 */
export interface InstagramCredentials {
  flavour: InstagramFlavour;
  accessToken: string;
  tokenIssuedAt: number;
  tokenExpiresAt: number;
  igUserId: string;
  username?: string;
  /** IG Login: the app-scoped user id from the code exchange (beyond 2^53, kept as a string). */
  appScopedUserId?: string;
  /** Facebook Login: the linked Page, and the long-lived user token it came from. */
  pageId?: string;
  userAccessToken?: string;
  userTokenExpiresAt?: number;
}

/**
 * Reads stored credentials, throwing `needs_reauth` when they are not Instagram credentials.
 *
 * @example
 * ```ts
 * const creds = parseInstagramCredentials(ctx.account.credentials);
 * ```
 */
export function parseInstagramCredentials(raw: Credentials): InstagramCredentials {
  const flavour = raw.flavour;
  if ((flavour !== 'instagram' && flavour !== 'facebook') || typeof raw.accessToken !== 'string' || typeof raw.igUserId !== 'string') {
    throw new PublishError('Instagram credentials are missing or malformed; reconnect the account', {
      platform: 'instagram',
      code: 'INSTAGRAM_CREDENTIALS_INVALID',
      kind: 'needs_reauth',
    });
  }
  return {
    flavour,
    accessToken: raw.accessToken,
    tokenIssuedAt: Number(raw.tokenIssuedAt ?? 0),
    tokenExpiresAt: Number(raw.tokenExpiresAt ?? 0),
    igUserId: raw.igUserId,
    username: typeof raw.username === 'string' ? raw.username : undefined,
    appScopedUserId: typeof raw.appScopedUserId === 'string' ? raw.appScopedUserId : undefined,
    pageId: typeof raw.pageId === 'string' ? raw.pageId : undefined,
    userAccessToken: typeof raw.userAccessToken === 'string' ? raw.userAccessToken : undefined,
    userTokenExpiresAt: raw.userTokenExpiresAt === undefined ? undefined : Number(raw.userTokenExpiresAt),
  };
}

/** The credentials as the store's flat record. */
export function toCredentials(c: InstagramCredentials): Credentials {
  const out: Credentials = {};
  for (const [k, v] of Object.entries(c)) if (v !== undefined) out[k] = v as string | number;
  return out;
}
