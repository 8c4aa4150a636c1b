import { findNulByte } from '../find-nul-byte.js';
import { InputError } from '../input-error.js';
import { PublishError } from '../publish-error.js';
import { PLATFORM_IDS, parsePlatformId, platformGuess, type PlatformId } from '../platform-id.js';
import type { Credentials } from '../ports/platform-adapter.js';
import type { Secrets } from '../ports/secrets.js';
import type { AccountRecord, Store } from '../ports/store.js';
import { canonicalField, CREDENTIAL_SPECS, POSTIZ_CHANNEL_SPEC, isPostizCredentials } from './credential-fields.js';

/** What `accounts add` takes. Credentials come from a prompt, stdin or a file, never a visible flag. */
export interface NewAccountInput {
  platform: string;
  handle: string;
  externalId?: string | null;
  displayName?: string | null;
  isMain?: boolean;
  sandbox?: boolean;
  credentials: Record<string, unknown>;
}

/** An account as shown to users: never a secret, only which credential fields are present. */
export interface AccountView {
  id: string;
  platform: PlatformId;
  handle: string;
  externalId: string | null;
  displayName: string | null;
  isMain: boolean;
  active: boolean;
  status: AccountRecord['status'];
  sandbox: boolean;
  tokenExpiresAt: string | null;
  credentialFields: string[];
  /** The user's settings kept with the credentials (not secrets), e.g. YouTube's made-for-kids default. */
  settings: AccountSettings;
}

/** Per-account settings a user chooses (stored with the credentials, shown in views; never tokens). */
export interface AccountSettings {
  /** YouTube: every upload declares whether it is made for kids; required before a campaign is created. */
  selfDeclaredMadeForKids?: boolean;
}

/**
 * Accounts: validated per platform, credentials encrypted with associated data `account:<id>`.
 *
 * @example
 * ```ts
 * const accounts = new AccountService(store, secrets, clock, newId);
 * await accounts.add({ platform: 'TikTok', handle: '@me', credentials: { client_key, client_secret, access_token } });
 * ```
 */
export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly secrets: Secrets,
    private readonly now: () => number,
    private readonly makeId: (prefix: string) => string,
    /** Whether a platform's app is configured (its id and secret then need not be in each account's credentials). */
    private readonly appConfigured: (platform: PlatformId) => boolean = () => false,
  ) {}

  /** Validates and stores an account; returns its public view. */
  async add(input: NewAccountInput): Promise<AccountView> {
    const nul = findNulByte({ platform: input.platform, handle: input.handle, externalId: input.externalId, displayName: input.displayName, credentials: input.credentials }, '');
    if (nul) throw new InputError('NUL_BYTE', `${nul} contains a NUL character (\\0)`, 'remove the NUL character; no handle, id or credential holds one', nul);
    const platform = parsePlatformId(input.platform);
    if (!platform) {
      throw new InputError('PLATFORM_UNSUPPORTED', `platform "${input.platform}" is not supported`, `${platformGuess(input.platform)}use one of ${PLATFORM_IDS.join(', ')}`, 'platform');
    }
    const handle = normalizeHandle(input.handle);
    if (!handle || handle === '@') throw new InputError('HANDLE_MISSING', 'the account needs a handle', 'pass --handle @name', 'handle');
    const credentials = validateCredentials(platform, input.credentials, input.externalId ?? null, this.appConfigured(platform));
    const existing = (await this.store.listAccounts({ platform })).find((a) => sameHandle(a.handle, handle) && a.active);
    if (existing) {
      throw new InputError('ACCOUNT_EXISTS', `a ${platform} account ${handle} already exists (${existing.id})`, `remove it first: clipcast accounts remove ${existing.id}`, 'handle');
    }
    const now = this.now();
    const id = this.makeId('acct');
    const first = (await this.store.listAccounts({ platform })).filter((a) => a.active).length === 0;
    const record: AccountRecord = {
      id,
      platform,
      handle,
      externalId: input.externalId ?? null,
      displayName: input.displayName ?? null,
      isMain: input.isMain ?? first,
      active: true,
      status: 'ok',
      tokenExpiresAt: expiryOf(credentials),
      credentialsEnc: this.secrets.encrypt(JSON.stringify(credentials), `account:${id}`),
      keyVersion: this.secrets.currentVersion,
      sandbox: input.sandbox ?? false,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insertAccount(record);
    return toView(record, credentials);
  }

  /**
   * Stores an account that came back from an OAuth connect, keyed by the platform's own identity
   * (`externalId`: YouTube channel id, TikTok open_id, Instagram user id). The same identity again
   * updates that account (new credentials, the platform's handle, status ok, its waiting posts resumed);
   * an account added by hand with the same handle and no external id is adopted, not duplicated;
   * another identity makes another account.
   *
   * @example
   * ```ts
   * const { account, reconnected } = await accounts.connect({ platform: 'youtube', handle: '@chan', externalId: 'UC…', credentials });
   * ```
   */
  async connect(input: NewAccountInput & { externalId: string }): Promise<{ account: AccountView; reconnected: boolean; resumedPosts: number }> {
    const platform = parsePlatformId(input.platform);
    if (!platform) throw new InputError('PLATFORM_UNSUPPORTED', `platform "${input.platform}" is not supported`, `use one of ${PLATFORM_IDS.join(', ')}`, 'platform');
    if (!input.externalId) throw new InputError('IDENTITY_MISSING', `the ${platform} connect returned no account id`, 'connect again', 'externalId');
    const active = (await this.store.listAccounts({ platform })).filter((a) => a.active);
    const handle = normalizeHandle(input.handle);
    const existing = active.find((a) => a.externalId === input.externalId) ?? active.find((a) => a.externalId === null && sameHandle(a.handle, handle));
    if (!existing) {
      const taken = active.find((a) => sameHandle(a.handle, handle));
      // Another identity under a handle we already use (a renamed channel): keep both, the new one under its id.
      const view = await this.add({ ...input, platform, handle: taken ? `${handle}-${input.externalId.slice(-6)}` : handle });
      return { account: view, reconnected: false, resumedPosts: 0 };
    }
    const fresh = validateCredentials(platform, input.credentials, input.externalId);
    // The account's own settings (made-for-kids) outlive a reconnect; tokens and the app are replaced.
    let kept: Credentials = {};
    try {
      const old = this.credentialsOf(existing);
      kept = Object.fromEntries(ACCOUNT_SETTINGS.filter((k) => old[k] !== undefined).map((k) => [k, old[k]]));
    } catch {
      // unreadable old credentials: nothing to keep, the reconnect replaces them
    }
    const credentials: Credentials = { ...kept, ...fresh };
    const handleFree = !active.some((a) => a.id !== existing.id && sameHandle(a.handle, handle));
    const now = this.now();
    await this.store.updateAccount(
      existing.id,
      {
        externalId: input.externalId,
        ...(handleFree ? { handle } : {}),
        ...(input.displayName ? { displayName: input.displayName } : {}),
        credentialsEnc: this.secrets.encrypt(JSON.stringify(credentials), `account:${existing.id}`),
        keyVersion: this.secrets.currentVersion,
        tokenExpiresAt: expiryOf(credentials),
        status: 'ok',
        updatedAt: now,
      },
      { type: 'account.reconnected', data: { externalId: input.externalId } },
    );
    const resumedPosts = await this.store.resumeAccountPosts(existing.id, now);
    const record = await this.store.getAccount(existing.id);
    return { account: toView(record ?? existing, credentials), reconnected: true, resumedPosts };
  }

  async list(): Promise<AccountView[]> {
    const rows = await this.store.listAccounts();
    return rows.filter((a) => a.active).map((a) => toView(a, this.#tryDecrypt(a)));
  }

  /** Finds an account by id, or `platform:@handle`, or a bare platform (its main account). */
  async resolve(spec: string): Promise<AccountRecord> {
    const all = (await this.store.listAccounts()).filter((a) => a.active);
    const byId = all.find((a) => a.id === spec);
    if (byId) return byId;
    const [platformText, handleText] = spec.split(':', 2) as [string, string | undefined];
    const platform = parsePlatformId(platformText);
    const known = all.length ? all.map((a) => `${a.platform}:${a.handle}${a.isMain ? ' (main)' : ''} [${a.id}]`).join(', ') : 'none yet (add one with clipcast accounts add)';
    if (!platform) {
      throw new InputError('TARGET_UNKNOWN', `"${spec}" is neither a platform nor an account id`, `${platformGuess(platformText)}use tiktok, instagram, youtube, platform:@handle or an account id; known accounts: ${known}`, '--platforms');
    }
    const candidates = all.filter((a) => a.platform === platform);
    const found = handleText ? candidates.find((a) => sameHandle(a.handle, handleText)) : (candidates.find((a) => a.isMain) ?? (candidates.length === 1 ? candidates[0] : undefined));
    if (!found) {
      throw new InputError('TARGET_UNKNOWN', handleText ? `no ${platform} account ${normalizeHandle(handleText)}` : `no main ${platform} account`, `known accounts: ${known}`, '--platforms');
    }
    return found;
  }

  async remove(idOrSpec: string): Promise<AccountRecord> {
    const account = await this.resolve(idOrSpec);
    if (!(await this.store.deleteAccount(account.id))) {
      throw new InputError('ACCOUNT_IN_USE', `account ${account.platform}:${account.handle} still has posts waiting to publish`, 'cancel them first (clipcast posts cancel …) or wait until they are final', 'account');
    }
    return account;
  }

  /** The decrypted credentials (for adapters only; never print them). */
  credentialsOf(account: AccountRecord): Credentials {
    try {
      return JSON.parse(this.secrets.decrypt(account.credentialsEnc, `account:${account.id}`)) as Credentials;
    } catch (cause) {
      // Never the secret, only what to do: the stored blob is unreadable (another key, or damaged).
      throw new PublishError(`the credentials of account ${account.platform}:${account.handle} cannot be read (encrypted with another key, or damaged); connect the account again`, {
        platform: account.platform,
        code: 'CREDENTIALS_UNREADABLE',
        kind: 'needs_reauth',
        cause,
      });
    }
  }

  /** Re-encrypts and stores new credentials (a rotated refresh token) and their expiry. */
  async saveCredentials(accountId: string, credentials: Credentials, expiresAt?: number): Promise<void> {
    try {
      await this.#saveCredentials(accountId, credentials, expiresAt);
    } catch (error) {
      // A key rotation retired the key this envelope was made with between encrypting and writing (the
      // store refuses it): encrypt again, now under the new key, rather than lose a rotated refresh token.
      if (!(error instanceof Error && /retired secret key/.test(error.message))) throw error;
      await this.#saveCredentials(accountId, credentials, expiresAt);
    }
  }

  async #saveCredentials(accountId: string, credentials: Credentials, expiresAt?: number): Promise<void> {
    await this.store.updateAccount(
      accountId,
      {
        credentialsEnc: this.secrets.encrypt(JSON.stringify(credentials), `account:${accountId}`),
        keyVersion: this.secrets.currentVersion,
        tokenExpiresAt: expiresAt ?? expiryOf(credentials),
        status: 'ok',
        updatedAt: this.now(),
      },
      { type: 'account.credentials_refreshed', data: expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {} },
    );
  }

  /**
   * Merges `patch` (refreshed token fields) over the account's stored credentials and stores the result:
   * fields the patch does not name (the app's client key and secret, the open id…) are kept, so a refresh
   * can never drop them.
   */
  async updateCredentials(accountId: string, patch: Credentials, expiresAt?: number): Promise<Credentials> {
    const account = await this.store.getAccount(accountId);
    if (!account) throw new Error(`account ${accountId} does not exist`);
    const merged: Credentials = { ...this.credentialsOf(account) };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) merged[k] = v;
    await this.saveCredentials(accountId, merged, expiresAt);
    return merged;
  }

  /**
   * Sets an account's publishing defaults (today YouTube's `selfDeclaredMadeForKids`), kept with its
   * credentials where the adapter reads them; its status and tokens are untouched.
   *
   * @example
   * ```ts
   * await accounts.setDefaults('youtube:@chan', { selfDeclaredMadeForKids: false });
   * ```
   */
  async setDefaults(spec: string, defaults: { selfDeclaredMadeForKids?: boolean }): Promise<AccountView> {
    const account = await this.resolve(spec);
    if (defaults.selfDeclaredMadeForKids !== undefined && account.platform !== 'youtube') {
      throw new InputError('SETTING_UNSUPPORTED', `--made-for-kids is a YouTube setting; ${account.platform}:${account.handle} is not a YouTube account`, 'name a YouTube account (clipcast accounts list)', '--made-for-kids');
    }
    const credentials = { ...this.credentialsOf(account) };
    for (const [k, v] of Object.entries(defaults)) if (v !== undefined) credentials[k] = v;
    const now = this.now();
    await this.store.updateAccount(
      account.id,
      { credentialsEnc: this.secrets.encrypt(JSON.stringify(credentials), `account:${account.id}`), keyVersion: this.secrets.currentVersion, updatedAt: now },
      { type: 'account.defaults_set', data: { ...defaults } },
    );
    return toView({ ...account, updatedAt: now }, credentials);
  }

  #tryDecrypt(a: AccountRecord): Credentials {
    try {
      return this.credentialsOf(a);
    } catch {
      return {};
    }
  }
}

/** Credential fields that are the user's settings, not tokens: kept across a reconnect. */
const ACCOUNT_SETTINGS = ['selfDeclaredMadeForKids'] as const;

/** Checks the credentials of a platform; returns the cleaned record (known fields only, canonical names). */
export function validateCredentials(platform: PlatformId, input: Record<string, unknown>, externalId: string | null, appConfigured = false): Credentials {
  const spec = isPostizCredentials(input) ? POSTIZ_CHANNEL_SPEC : CREDENTIAL_SPECS[platform];
  const known = [...spec.required, ...spec.optional];
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) raw[canonicalField(k)] = v;
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new InputError('CREDENTIAL_UNKNOWN', `unknown ${platform} credential field(s): ${unknown.join(', ')}`, spec.help, unknown[0]);
  }
  const out: Credentials = {};
  for (const key of known) {
    const v = raw[key];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new InputError('CREDENTIAL_INVALID', `credential field "${key}" must be a string, number or boolean`, spec.help, key);
    }
    out[key] = v;
  }
  if (spec.fromExternalId && out[spec.fromExternalId] === undefined && externalId) out[spec.fromExternalId] = externalId;
  // With the platform's app configured, an account may carry neither of the app's fields (both or none:
  // half an app would pair one app's id with another's secret).
  const appFields: readonly string[] = spec.app ?? [];
  const appAbsent = appFields.every((k) => out[k] === undefined);
  const missing = spec.required.filter((k) => out[k] === undefined && !(appConfigured && appAbsent && appFields.includes(k)));
  if (missing.length) {
    throw new InputError('CREDENTIAL_MISSING', `${platform} credentials lack ${missing.map(snake).join(', ')}`, spec.help, missing[0]);
  }
  if (spec.defaults) for (const [k, v] of Object.entries(spec.defaults(out))) if (out[k] === undefined) out[k] = v as string | number | boolean;
  return out;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function expiryOf(c: Credentials): number | null {
  const v = c.expiresAt ?? c.tokenExpiresAt;
  return typeof v === 'number' && v > 0 ? v : typeof v === 'string' && v ? Date.parse(v) || null : null;
}

function normalizeHandle(handle: string): string {
  const h = handle.trim();
  return h.startsWith('@') ? h : `@${h}`;
}

function sameHandle(a: string, b: string): boolean {
  return normalizeHandle(a).toLowerCase() === normalizeHandle(b).toLowerCase();
}

function toView(a: AccountRecord, credentials: Credentials): AccountView {
  return {
    id: a.id,
    platform: a.platform,
    handle: a.handle,
    externalId: a.externalId,
    displayName: a.displayName,
    isMain: a.isMain,
    active: a.active,
    status: a.status,
    sandbox: a.sandbox,
    tokenExpiresAt: a.tokenExpiresAt ? new Date(a.tokenExpiresAt).toISOString() : null,
    credentialFields: Object.keys(credentials).sort(),
    settings: Object.fromEntries(ACCOUNT_SETTINGS.filter((k) => typeof credentials[k] === 'boolean').map((k) => [k, credentials[k]])),
  };
}

