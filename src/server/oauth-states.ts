import type { App } from '../app/open-app.js';

/** What a state carries from `start` to `callback` (encrypted at rest: it holds the PKCE verifier). */
export interface OAuthStateData {
  redirectUri: string;
  codeVerifier?: string;
}

/** Why a state was refused. */
export type OAuthStateRefusal = 'unknown' | 'used' | 'expired';

/** The parts of the app the repository uses. */
export type OAuthStateApp = Pick<App, 'store' | 'clock' | 'secrets'>;

/**
 * Saves a fresh random `state` for `platform`, valid `ttlMs`; the data is encrypted with associated data
 * `oauth:<state>`. Expired states are pruned on the way.
 *
 * @example
 * ```ts
 * await saveOAuthState(app, 'tiktok', randomBytes(32).toString('base64url'), { redirectUri, codeVerifier }, 600_000);
 * ```
 */
export async function saveOAuthState(app: OAuthStateApp, platform: string, state: string, data: OAuthStateData, ttlMs: number): Promise<{ state: string; expiresAt: number }> {
  const now = app.clock.now();
  if (state.length < 32) throw new Error('an OAuth state needs at least 32 characters of randomness');
  await app.store.db.deleteFrom('oauth_states').where('expires_at', '<', now - 86_400_000).execute();
  await app.store.db
    .insertInto('oauth_states')
    .values({ state, platform, data_enc: app.secrets.encrypt(JSON.stringify(data), `oauth:${state}`), expires_at: now + ttlMs, used_at: null, created_at: now })
    .execute();
  return { state, expiresAt: now + ttlMs };
}

/**
 * Uses a state once: marks it used in the same statement that checks it is unused and unexpired, so two
 * callbacks racing with the same state cannot both pass. Returns its data, or why it was refused.
 */
export async function consumeOAuthState(app: OAuthStateApp, platform: string, state: string): Promise<{ ok: true; data: OAuthStateData } | { ok: false; reason: OAuthStateRefusal }> {
  const now = app.clock.now();
  const result = await app.store.db
    .updateTable('oauth_states')
    .set({ used_at: now })
    .where('state', '=', state)
    .where('platform', '=', platform)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  const row = await app.store.db.selectFrom('oauth_states').select(['data_enc', 'used_at', 'expires_at', 'platform']).where('state', '=', state).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1 || !row) {
    if (!row || row.platform !== platform) return { ok: false, reason: 'unknown' };
    return { ok: false, reason: row.used_at !== null ? 'used' : 'expired' };
  }
  return { ok: true, data: JSON.parse(app.secrets.decrypt(row.data_enc, `oauth:${state}`)) as OAuthStateData };
}
