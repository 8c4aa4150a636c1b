import { isPostizCredentials } from '../accounts/credential-fields.js';
import type { AccountService } from '../accounts/account-service.js';
import { InputError } from '../input-error.js';
import type { Store } from '../ports/store.js';
import type { CampaignRequest, ResolvedTarget } from './campaign-request.js';

/** A target account that cannot publish the campaign as it stands, with the fix. */
export interface AccountIssue {
  accountId: string;
  platform: ResolvedTarget['platform'];
  handle: string | null;
  code: string;
  message: string;
  fix: string;
}

/**
 * What must be settled on the target accounts before a campaign is created. Today: YouTube's
 * `selfDeclaredMadeForKids`, which the API requires on every upload and clipcast never guesses. It is
 * settled by the campaign (`publish --made-for-kids`), or by the account's default (asked at connect on a
 * terminal, or `clipcast accounts set <account> --made-for-kids`). Postiz channels carry their own settings.
 *
 * @example
 * ```ts
 * const issues = await accountIssues({ accounts, store }, preview.targets, request);
 * ```
 */
export async function accountIssues(deps: { accounts: AccountService; store: Pick<Store, 'getAccount'> }, targets: readonly ResolvedTarget[], request: Pick<CampaignRequest, 'options'>): Promise<AccountIssue[]> {
  const out: AccountIssue[] = [];
  if (typeof request.options?.youtube?.selfDeclaredMadeForKids === 'boolean') return out;
  for (const t of targets) {
    if (t.platform !== 'youtube' || t.accountId.startsWith('dry-run:')) continue;
    const account = await deps.store.getAccount(t.accountId);
    if (!account) continue;
    let credentials: Record<string, unknown>;
    try {
      credentials = deps.accounts.credentialsOf(account);
    } catch {
      continue; // unreadable credentials are the worker's needs_reauth, not a planning question
    }
    if (isPostizCredentials(credentials) || typeof credentials.selfDeclaredMadeForKids === 'boolean') continue;
    out.push({
      accountId: account.id,
      platform: 'youtube',
      handle: account.handle,
      code: 'YOUTUBE_MADE_FOR_KIDS_UNSET',
      message: `youtube:${account.handle} has no made-for-kids setting (YouTube requires selfDeclaredMadeForKids on every upload)`,
      fix: `set it once for the account: clipcast accounts set ${account.id} --made-for-kids false (or true), or for this campaign: publish --made-for-kids false`,
    });
  }
  return out;
}

/**
 * Refuses a campaign whose accounts are not ready ({@link accountIssues}), naming the fix.
 *
 * @example
 * ```ts
 * assertAccountsReady(preview.accountIssues);
 * ```
 */
export function assertAccountsReady(issues: readonly AccountIssue[]): void {
  const first = issues[0];
  if (!first) return;
  const rest = issues.length > 1 ? ` (and ${issues.length - 1} more: ${issues.slice(1).map((i) => `${i.platform}:${i.handle}`).join(', ')})` : '';
  throw new InputError('ACCOUNT_NOT_READY', `${first.message}${rest}; no campaign was created`, first.fix, `${first.platform}:${first.handle ?? first.accountId}`);
}
