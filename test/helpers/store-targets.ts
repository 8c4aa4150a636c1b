import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { createTestDatabase, postgresAvailable } from './postgres.js';
import { SecretBox } from '../../src/secrets/secret-box.js';

/** The secret key the store suites seal their ledgers with (openApp loads the real one from the data dir). */
export const TEST_SECRETS = new SecretBox({ 1: Buffer.alloc(32, 7) });

/** Opens a store the way openApp does: migrated, with its ledger key unsealed. */
export async function openTestStore(url: string, extra: { poolSize?: number } = {}): Promise<KyselyStore> {
  const store = await openStore({ url, ...extra });
  await store.unsealLedger(TEST_SECRETS);
  return store;
}

/** A store implementation under test: open a fresh one, and clean up. */
export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  open(): Promise<{ store: KyselyStore; url: string; cleanup(): Promise<void> }>;
}

/** The dialects the contract suites run on (PostgreSQL only when reachable, see postgresAvailable). */
export async function storeTargets(): Promise<StoreTarget[]> {
  const targets: StoreTarget[] = [
    {
      name: 'sqlite',
      async open() {
        const dir = await mkdtemp(join(tmpdir(), 'clipcast-store-'));
        const url = join(dir, 'clipcast.db');
        const store = await openTestStore(url);
        return { store, url, cleanup: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); } };
      },
    },
  ];
  if (await postgresAvailable()) {
    targets.push({
      name: 'postgres',
      async open() {
        const db = await createTestDatabase();
        const store = await openTestStore(db.url);
        return { store, url: db.url, cleanup: async () => { await store.close(); await db.drop(); } };
      },
    });
  }
  return targets;
}
