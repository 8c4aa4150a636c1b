import type { KyselyStore } from '../store/kysely-store.js';
import { countEnvelopes, findEnvelopes } from './envelope-columns.js';
import { createKeyFile, keyFingerprint, readKeySource, type KeySource } from './key-source.js';
import { secretBoxFrom, type SecretBox } from './secret-box.js';

/** A secret key that does not belong to the data: refused with one line naming the key source. */
export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

/** Where the keys come from, as the config says. */
export function keySourceOf(config: { secretKey: string | undefined; keyFile: string }): KeySource {
  return config.secretKey
    ? { kind: 'env', name: 'CLIPCAST_SECRET_KEY' }
    : { kind: 'file', name: `key file ${config.keyFile}`, path: config.keyFile };
}

/**
 * Loads the secret keys and checks them against the fingerprints stored with the data (`secret_keys`):
 *
 * - a store that has never seen a key and holds no envelope gets one (the key file is created 0600 when
 *   missing) and its fingerprint recorded;
 * - a store from before fingerprints existed has its key tried on an envelope of each table first;
 * - otherwise every key version the data still uses must be in the source with the same fingerprint.
 *
 * A missing or different key is refused with a {@link SecretKeyError}; a key is never created over
 * existing data. Newer versions in the source (a rotation under way) are recorded.
 */
export async function openSecretKeys(
  store: KyselyStore,
  source: KeySource,
  envValue: string | undefined,
  now: number,
): Promise<SecretBox> {
  const registered = await store.db.selectFrom('secret_keys').selectAll().orderBy('version').execute();
  let keys = readKeySource(source, envValue);
  const where = store.dialect === 'postgres' ? 'the database (PostgreSQL)' : 'the database';
  if (!registered.length) {
    const envelopes = await countEnvelopes(store.db);
    if (!keys.size) {
      if (envelopes > 0 || (await store.getSetting('ledger.key'))) {
        throw new SecretKeyError(
          `no secret key: ${source.name} is missing, but ${where} holds ${envelopes} encrypted value(s); restore the key that encrypted them (clipcast never creates a new key over existing data)`,
        );
      }
      if (source.kind === 'env')
        throw new SecretKeyError(
          'CLIPCAST_SECRET_KEY is empty; set it to 32 random bytes as base64 (openssl rand -base64 32) or unset it to use the key file',
        );
      createKeyFile(source.path!);
      keys = readKeySource(source);
    } else if (envelopes > 0) {
      const box = secretBoxFrom(source, envValue);
      for (const e of await findEnvelopes(store.db, { limit: 20 })) {
        try {
          box.decrypt(e.envelope, e.at.aad(e.id));
        } catch {
          throw new SecretKeyError(
            `${source.name} holds a different secret key from the one that encrypted the data in ${where} (it cannot decrypt ${e.at.table} ${e.id}); restore the right key`,
          );
        }
      }
    }
  } else {
    for (const r of registered) {
      if (r.state === 'retired') continue;
      const key = keys.get(r.version);
      if (!key) {
        throw new SecretKeyError(
          `${source.name} lacks secret key version ${r.version} (fingerprint ${r.fingerprint}) that encrypted the data in ${where}; restore it (clipcast never creates a new key over existing data)`,
        );
      }
      const fp = keyFingerprint(key);
      if (fp !== r.fingerprint) {
        throw new SecretKeyError(
          `${source.name} holds a different secret key (fingerprint ${fp}) from the one that encrypted the data in ${where} (version ${r.version}, fingerprint ${r.fingerprint}); restore the right key`,
        );
      }
    }
  }
  const known = new Map(registered.map((r) => [r.version, r]));
  const newest = Math.max(0, ...registered.map((r) => r.version));
  for (const [version, key] of keys) {
    const r = known.get(version);
    if (r?.state === 'retired' && keyFingerprint(key) !== r.fingerprint) {
      throw new SecretKeyError(
        `${source.name} holds a key of version ${version}, a version already retired with another key; give new keys a version above ${newest}`,
      );
    }
    if (!r && version < newest) {
      throw new SecretKeyError(
        `${source.name} holds an unknown key of version ${version}, below the newest (${newest}); give new keys a version above ${newest}`,
      );
    }
  }
  const fresh = [...keys].filter(([v]) => !known.has(v));
  if (fresh.length) {
    await store.db
      .insertInto('secret_keys')
      .values(
        fresh.map(([version, key]) => ({
          version,
          fingerprint: keyFingerprint(key),
          state: 'active',
          created_at: now,
          retired_at: null,
        })),
      )
      .onConflict((oc) => oc.column('version').doNothing())
      .execute();
    const again = await store.db
      .selectFrom('secret_keys')
      .select(['version', 'fingerprint'])
      .where(
        'version',
        'in',
        fresh.map(([v]) => v),
      )
      .execute();
    for (const r of again) {
      if (r.fingerprint !== keyFingerprint(keys.get(r.version)!))
        throw new SecretKeyError(
          `${source.name}: another process recorded a different key of version ${r.version}; check the key source`,
        );
    }
  }
  return secretBoxFrom(source, envValue);
}
