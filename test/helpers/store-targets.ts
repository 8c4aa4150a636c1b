import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { createTestDatabase, postgresAvailable } from './postgres.js';

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
        const store = await openStore({ url });
        return { store, url, cleanup: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); } };
      },
    },
  ];
  if (await postgresAvailable()) {
    targets.push({
      name: 'postgres',
      async open() {
        const db = await createTestDatabase();
        const store = await openStore({ url: db.url });
        return { store, url: db.url, cleanup: async () => { await store.close(); await db.drop(); } };
      },
    });
  }
  return targets;
}
