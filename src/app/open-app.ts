import { AccountService } from '../core/accounts/account-service.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { ClipcastConfig } from '../config/load-config.js';
import { LocalMediaStore } from '../media/local-media-store.js';
import { loadSecretBox } from '../secrets/secret-box.js';
import { newId } from '../store/ids.js';
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
 * Opens the store, loads the secret key and wires the services.
 *
 * @example
 * ```ts
 * const app = await openApp(loadConfig());
 * try { console.log(await app.accounts.list()); } finally { await app.close(); }
 * ```
 */
export async function openApp(config: Readonly<ClipcastConfig>, options: { clock?: Clock; readOnlyIfMissing?: boolean } = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  // A dry run on a machine with no data dir yet must not create one: use a throwaway in-memory store.
  const ephemeral = options.readOnlyIfMissing && !isPostgresUrl(config.databaseUrl) && !existsSync(config.databaseUrl.replace(/^sqlite:(\/\/)?/i, ''));
  const secrets = ephemeral ? new SecretBox({ 1: randomBytes(32) }) : loadSecretBox({ envKey: config.secretKey, keyFile: config.keyFile });
  const store = await openStore({ url: ephemeral ? ':memory:' : config.databaseUrl });
  const makeId = (prefix: string) => newId(prefix, clock.now());
  return {
    config,
    clock,
    store,
    secrets,
    media: new LocalMediaStore(config.mediaDir),
    accounts: new AccountService(store, secrets, () => clock.now(), makeId),
    newId: makeId,
    close: () => store.close(),
  };
}
