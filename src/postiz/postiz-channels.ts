import { createHash } from 'node:crypto';
import { isPostizCredentials } from '../core/accounts/credential-fields.js';
import { InputError } from '../core/input-error.js';
import type { PlatformId } from '../core/platform-id.js';
import type { Credentials } from '../core/ports/platform-adapter.js';
import type { Secrets } from '../core/ports/secrets.js';
import type { AccountRecord, Store } from '../core/ports/store.js';
import type { PostizClient } from './postiz-client.js';
import type { PostizConfig } from './postiz-config.js';
import { isPostizProvider, type PostizProvider } from './postiz-settings.js';
import type { PostizIntegration } from './postiz-types.js';

/** The platform a Postiz provider publishes to, or undefined for one clipcast does not map. */
export function platformOfProvider(identifier: string): PlatformId | undefined {
  if (identifier === 'tiktok' || identifier === 'tiktok-business') return 'tiktok';
  if (identifier === 'instagram' || identifier === 'instagram-standalone') return 'instagram';
  if (identifier === 'youtube') return 'youtube';
  return undefined;
}

/**
 * A stable, secret-free key of one Postiz organization (server + API key), scoping the pacer's send
 * history. Never contains the key itself.
 *
 * @example
 * ```ts
 * const org = postizOrgKey(client.config); // 'ptz-3f2a…'
 * ```
 */
export function postizOrgKey(config: Pick<PostizConfig, 'serverUrl' | 'apiKey'>): string {
  return `ptz-${createHash('sha256').update(`${config.serverUrl}\n${config.apiKey}`).digest('hex').slice(0, 16)}`;
}

/** A channel account: the account row plus which Postiz channel it is. */
export interface PostizChannelAccount {
  account: AccountRecord;
  channelId: string;
  provider: PostizProvider;
}

/** What {@link syncPostizChannels} and {@link listPostizChannelAccounts} need. */
export interface PostizChannelDeps {
  store: Store;
  secrets: Secrets;
  now: () => number;
  newId: (prefix: string) => string;
}

/** The outcome of a sync, per channel. */
export interface ChannelSyncResult {
  imported: PostizChannelAccount[];
  updated: PostizChannelAccount[];
  skipped: { id: string; name: string; identifier: string; reason: string }[];
}

/** Every active account that is a Postiz channel. */
export async function listPostizChannelAccounts(deps: Pick<PostizChannelDeps, 'store' | 'secrets'>): Promise<PostizChannelAccount[]> {
  const out: PostizChannelAccount[] = [];
  for (const account of await deps.store.listAccounts()) {
    if (!account.active || !account.credentialsEnc) continue;
    const c = decrypt(deps.secrets, account);
    if (!c || !isPostizCredentials(c)) continue;
    const provider = String(c.postizProvider);
    if (!isPostizProvider(provider)) continue;
    out.push({ account, channelId: String(c.postizChannelId), provider });
  }
  return out;
}

/**
 * Imports the server's channels (`GET /integrations`) as accounts: platform from the provider, handle =
 * channel name, external id = integration id, credentials with `backend: 'postiz'`, `postizChannelId`
 * and `postizProvider` (encrypted like any credentials; the API key itself stays in the config). A
 * channel already imported is updated (name, disabled → account status `disabled`); channels of
 * providers clipcast does not publish to are skipped.
 *
 * @example
 * ```ts
 * const { imported } = await syncPostizChannels(deps, client);
 * ```
 */
export async function syncPostizChannels(deps: PostizChannelDeps, client: PostizClient): Promise<ChannelSyncResult> {
  const integrations = await client.integrations();
  const existing = await listPostizChannelAccounts(deps);
  const all = await deps.store.listAccounts();
  const result: ChannelSyncResult = { imported: [], updated: [], skipped: [] };
  for (const ch of integrations) {
    const platform = platformOfProvider(ch.identifier);
    if (!platform || !isPostizProvider(ch.identifier)) {
      result.skipped.push({ id: ch.id, name: ch.name, identifier: ch.identifier, reason: `provider ${ch.identifier} is not one clipcast publishes to` });
      continue;
    }
    const now = deps.now();
    const status = ch.disabled ? 'disabled' : 'ok';
    const known = existing.find((e) => e.channelId === ch.id);
    if (known) {
      const handle = handleFor(ch, platform, all.filter((a) => a.id !== known.account.id));
      await deps.store.updateAccount(known.account.id, { handle, displayName: ch.profile ?? ch.name, status, updatedAt: now }, { type: 'account.postiz_synced', data: { channelId: ch.id, disabled: ch.disabled } });
      if (known.account.status === 'needs_reauth' && status === 'ok') await deps.store.resumeAccountPosts(known.account.id, now);
      result.updated.push({ ...known, account: { ...known.account, handle, status } });
      continue;
    }
    const id = deps.newId('acct');
    const credentials: Credentials = { backend: 'postiz', postizChannelId: ch.id, postizProvider: ch.identifier };
    const account: AccountRecord = {
      id, platform, handle: handleFor(ch, platform, all), externalId: ch.id, displayName: ch.profile ?? ch.name,
      isMain: false, active: true, status, tokenExpiresAt: null,
      credentialsEnc: deps.secrets.encrypt(JSON.stringify(credentials), `account:${id}`), keyVersion: deps.secrets.currentVersion,
      sandbox: false, createdAt: now, updatedAt: now,
    };
    await deps.store.insertAccount(account);
    all.push(account);
    result.imported.push({ account, channelId: ch.id, provider: ch.identifier });
  }
  return result;
}

/**
 * Resolves `--platforms` entries for `--backend postiz`: each a Postiz channel id, a channel name
 * (case-insensitive) or an account id of a synced channel. Throws `InputError` naming the unknown one.
 */
export function resolvePostizTargets(specs: string[], channels: PostizChannelAccount[]): PostizChannelAccount[] {
  const out: PostizChannelAccount[] = [];
  for (const spec of specs.map((s) => s.trim()).filter(Boolean)) {
    const lower = spec.toLowerCase();
    const found = channels.find((c) => c.channelId === spec || c.account.id === spec) ??
      channels.find((c) => c.account.handle.toLowerCase() === lower);
    if (!found) {
      const known = channels.map((c) => `${c.account.handle} (${c.provider}, ${c.channelId})`).join(', ') || 'none (clipcast channels sync imports them)';
      throw new InputError('CHANNEL_UNKNOWN', `"${spec}" is not a Postiz channel`, `use a channel id or name; known channels: ${known}`, '--platforms');
    }
    out.push(found);
  }
  return out;
}

function handleFor(ch: PostizIntegration, platform: PlatformId, others: AccountRecord[]): string {
  const taken = (h: string) => others.some((a) => a.platform === platform && a.handle.toLowerCase() === h.toLowerCase());
  return taken(ch.name) ? `${ch.name} [${ch.id}]` : ch.name;
}

function decrypt(secrets: Secrets, account: AccountRecord): Credentials | undefined {
  try {
    return JSON.parse(secrets.decrypt(account.credentialsEnc, `account:${account.id}`)) as Credentials;
  } catch {
    return undefined;
  }
}
