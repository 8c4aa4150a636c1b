import type { AccountService } from '../accounts/account-service.js';
import type { AdapterAccount, PlatformAdapter } from '../ports/platform-adapter.js';
import type { AccountRecord } from '../ports/store.js';

/**
 * Refreshes an account's tokens ahead of expiry, once per account however many posts are in flight:
 * concurrent callers share one refresh. The rotated credentials are stored before anyone uses them.
 *
 * @example
 * ```ts
 * const creds = await refresher.fresh(account, adapter);
 * ```
 */
export class TokenRefresher {
  #inFlight = new Map<string, Promise<AdapterAccount>>();

  constructor(
    private readonly accounts: AccountService,
    /** Refresh when the token expires within this many ms (default 10 min). */
    private readonly aheadMs = 10 * 60_000,
  ) {}

  /** The account with credentials fresh enough to use now. */
  fresh(account: AccountRecord, adapter: PlatformAdapter): Promise<AdapterAccount> {
    return this.#once(account, adapter, this.aheadMs);
  }

  /**
   * Refreshes now whatever the recorded expiry (the platform said the access token is no longer valid);
   * returns false when the adapter cannot refresh.
   */
  async force(account: AccountRecord, adapter: PlatformAdapter): Promise<boolean> {
    if (!adapter.refreshCredentials) return false;
    await this.#once(account, adapter, Number.POSITIVE_INFINITY);
    return true;
  }

  #once(account: AccountRecord, adapter: PlatformAdapter, withinMs: number): Promise<AdapterAccount> {
    const running = this.#inFlight.get(account.id);
    if (running) return running;
    const work = this.#refresh(account, adapter, withinMs).finally(() => this.#inFlight.delete(account.id));
    this.#inFlight.set(account.id, work);
    return work;
  }

  async #refresh(account: AccountRecord, adapter: PlatformAdapter, withinMs: number): Promise<AdapterAccount> {
    const view: AdapterAccount = {
      id: account.id,
      platform: account.platform,
      handle: account.handle,
      externalId: account.externalId,
      credentials: this.accounts.credentialsOf(account),
    };
    if (!adapter.refreshCredentials) return view;
    const refreshed = await adapter.refreshCredentials(view, withinMs);
    if (!refreshed) return view;
    // Merged over what is stored: an adapter that returns only the token fields never drops the app's.
    const credentials = await this.accounts.updateCredentials(account.id, refreshed.credentials, refreshed.expiresAt);
    return { ...view, credentials };
  }
}
