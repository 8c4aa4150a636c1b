import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { App } from '../app/open-app.js';

/** An API key as listed: never the key itself nor its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The parts of the app the key functions use. */
export type ApiKeyApp = Pick<App, 'store' | 'clock' | 'newId'>;

const KEY_PATTERN = /^cc_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

/**
 * Creates an API key. The full key (`cc_<prefix>_<secret>`) is returned once and never stored: only its
 * sha256 is.
 *
 * @example
 * ```ts
 * const { key } = await createApiKey(app, 'dashboard');
 * console.log(`Authorization: Bearer ${key}`); // shown once
 * ```
 */
export async function createApiKey(app: ApiKeyApp, name: string): Promise<ApiKeyView & { key: string }> {
  const prefix = randomBytes(4).toString('hex');
  const key = `cc_${prefix}_${randomBytes(32).toString('base64url')}`;
  const now = app.clock.now();
  const id = app.newId('key');
  await app.store.db.insertInto('api_keys').values({ id, name, prefix, hash: sha256(key), created_at: now, revoked_at: null, last_used_at: null }).execute();
  return { id, name, prefix, createdAt: new Date(now).toISOString(), revokedAt: null, lastUsedAt: null, key };
}

/** Lists every key, revoked ones included, oldest first. */
export async function listApiKeys(app: ApiKeyApp): Promise<ApiKeyView[]> {
  const rows = await app.store.db.selectFrom('api_keys').select(['id', 'name', 'prefix', 'created_at', 'revoked_at', 'last_used_at']).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: iso(r.created_at), revokedAt: isoOrNull(r.revoked_at), lastUsedAt: isoOrNull(r.last_used_at) }));
}

/** Revokes a key by id or prefix; returns false when no active key matches. */
export async function revokeApiKey(app: ApiKeyApp, idOrPrefix: string): Promise<boolean> {
  const result = await app.store.db
    .updateTable('api_keys')
    .set({ revoked_at: app.clock.now() })
    .where((eb) => eb.or([eb('id', '=', idOrPrefix), eb('prefix', '=', idOrPrefix)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Checks a presented key: looks it up by prefix, compares the sha256 in constant time, refuses revoked
 * keys. Returns the key's id and name, or undefined.
 */
export async function verifyApiKey(app: ApiKeyApp, presented: string): Promise<{ id: string; name: string } | undefined> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return undefined;
  const rows = await app.store.db.selectFrom('api_keys').select(['id', 'name', 'hash', 'revoked_at']).where('prefix', '=', match[1] ?? '').execute();
  const presentedHash = Buffer.from(sha256(presented), 'hex');
  let found: { id: string; name: string } | undefined;
  for (const row of rows) {
    const stored = Buffer.from(row.hash, 'hex');
    if (stored.length === presentedHash.length && timingSafeEqual(stored, presentedHash) && row.revoked_at === null) found = { id: row.id, name: row.name };
  }
  return found;
}

/** Records that a key was used (callers throttle this; it is a write). */
export async function touchApiKey(app: ApiKeyApp, id: string): Promise<void> {
  await app.store.db.updateTable('api_keys').set({ last_used_at: app.clock.now() }).where('id', '=', id).execute();
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
