import type { App } from '../app/open-app.js';
import type { PlatformId } from '../core/platform-id.js';
import type { PlatformAdapter } from '../core/ports/platform-adapter.js';
import { PublishError } from '../core/publish-error.js';
import type { AccountChecker } from './server-parts.js';

/**
 * `POST /accounts/{id}/check` on the platform adapters: forces a credential refresh (the one call
 * that proves the stored grant still works without publishing), saves rotated credentials, and marks
 * the account `needs_reauth` when the platform refuses. Messages are the adapters' (secret-free).
 *
 * @example
 * ```ts
 * buildServer({ app, accountChecker: adapterAccountChecker(app, { tiktok: createTikTokAdapter({ config, clock }) }) });
 * ```
 */
export function adapterAccountChecker(app: App, adapters: Partial<Record<PlatformId, PlatformAdapter>>): AccountChecker {
  return {
    async check(account) {
      const adapter = adapters[account.platform];
      if (!adapter?.refreshCredentials) return { ok: account.status === 'ok', detail: `no live check for ${account.platform} on this server; the stored status is ${account.status}` };
      try {
        const credentials = app.accounts.credentialsOf(account);
        // withinMs beyond any expiry: the adapter refreshes now, whatever the token's age.
        const fresh = await adapter.refreshCredentials({ id: account.id, platform: account.platform, handle: account.handle, externalId: account.externalId, credentials }, Number.MAX_SAFE_INTEGER);
        if (fresh) await app.accounts.saveCredentials(account.id, fresh.credentials, fresh.expiresAt);
        return { ok: true, status: 'ok', detail: fresh ? 'the platform refreshed the credentials' : 'the credentials need no refresh' };
      } catch (error) {
        if (!(error instanceof PublishError)) throw error;
        if (error.kind !== 'needs_reauth') return { ok: false, detail: `${error.code}: ${error.message}` };
        await app.store.updateAccount(account.id, { status: 'needs_reauth', updatedAt: app.clock.now() }, { accountId: account.id, type: 'account.needs_reauth', data: { code: error.code } });
        return { ok: false, status: 'needs_reauth', detail: `${error.code}: ${error.message}` };
      }
    },
  };
}
