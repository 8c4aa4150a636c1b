import { AccountService } from '../core/accounts/account-service.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { ClipcastConfig } from '../config/load-config.js';
import { LocalMediaStore } from '../media/local-media-store.js';
import { keySourceOf, openSecretKeys } from '../secrets/key-check.js';
import { newId } from '../store/ids.js';
import { configuredApp, type PlatformApps } from './platform-apps.js';
import type { KyselyStore } from '../store/kysely-store.js';
import { isPostgresUrl, openStore } from '../store/open-store.js';
import { SecretBox } from '../secrets/secret-box.js';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** The wired core: what every shell (CLI, server, worker) works with. */
export interface App {
  config: Readonly<ClipcastConfig>;
  clock: Clock;
  store: KyselyStore;
  secrets: SecretBox;
  media: LocalMediaStore;
  accounts: AccountService;
  newId(prefix: string): string;
  close(): Promise<void>;
}

/**
 * Opens the store, loads the secret key (refusing one that does not match the data) and wires the services.
 *
 * @example
 * ```ts
 * const app = await openApp(loadConfig());
 * try { console.log(await app.accounts.list()); } finally { await app.close(); }
 * ```
 */
export async function openApp(config: Readonly<ClipcastConfig>, options: { clock?: Clock; readOnlyIfMissing?: boolean; apps?: PlatformApps } = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  // A dry run on a machine with no data dir yet must not create one: use a throwaway in-memory store.
  const ephemeral = options.readOnlyIfMissing && !isPostgresUrl(config.databaseUrl) && !existsSync(config.databaseUrl.replace(/^sqlite:(\/\/)?/i, ''));
  const store = await openStore({ url: ephemeral ? ':memory:' : config.databaseUrl });
  let secrets: SecretBox;
  try {
    // The key is checked against the fingerprints stored with the data before anything is decrypted,
    // and the ledger key (kept encrypted under it) unsealed before anything is appended.
    secrets = ephemeral ? new SecretBox({ 1: randomBytes(32) }) : await openSecretKeys(store, keySourceOf(config), config.secretKey, clock.now());
    await store.unsealLedger(secrets);
  } catch (error) {
    await store.close();
    throw error;
  }
  const makeId = (prefix: string) => newId(prefix, clock.now());
  return {
    config,
    clock,
    store,
    secrets,
    media: new LocalMediaStore(config.mediaDir),
    // An account may leave out its app's id and secret when the platform's app is configured.
    accounts: new AccountService(store, secrets, () => clock.now(), makeId, (platform) => configuredApp(platform, options.apps ?? {}) !== undefined),
    newId: makeId,
    close: () => store.close(),
  };
}
