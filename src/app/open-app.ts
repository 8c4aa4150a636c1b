import { AccountService } from '../core/accounts/account-service.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { ClipcastConfig } from '../config/load-config.js';
import { LocalMediaStore } from '../media/local-media-store.js';
import { loadSecretBox } from '../secrets/secret-box.js';
import { newId } from '../store/ids.js';
import type { KyselyStore } from '../store/kysely-store.js';
import { openStore } from '../store/open-store.js';
import type { SecretBox } from '../secrets/secret-box.js';

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
export async function openApp(config: Readonly<ClipcastConfig>, options: { clock?: Clock } = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const secrets = loadSecretBox({ envKey: config.secretKey, keyFile: config.keyFile });
  const store = await openStore({ url: config.databaseUrl });
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
