import type { Clock } from '../clock.js';
import type { QuotaAnswer, QuotaGate, RemoteState } from '../ports/platform-adapter.js';
import type { AccountRecord, PostRecord, Store } from '../ports/store.js';
import type { QuotaRequirement } from './engine.js';

/** The settings key under which a bucket is marked spent (value: ms since epoch until which it is). */
export function spentKey(bucket: string): string {
  return `quota.spent:${bucket}`;
}

/** Until when the platform said `bucket` is used up, when that is still ahead of `now`. */
export async function spentUntil(store: Store, bucket: string, now: number): Promise<number | undefined> {
  const raw = await store.getSetting(spentKey(bucket));
  const until = raw === undefined ? NaN : Number(raw);
  return until > now ? until : undefined;
}

/**
 * Counts a post's quota per call in the store (see `PublishContext.quota`).
 *
 * @remarks
 * The engine reserves one unit before a post's first step (so a post that cannot fit is deferred before
 * it does anything); that unit pays for the first call made in the same window. Every further call
 * (retries, new sessions) reserves its own unit first, in the window of the moment it is made. A
 * bucket marked spent (the platform answered "quota exceeded") refuses every call until its reset.
 * Calls made so far are kept in the post's remote state (`quotaCalls`), so a post that fails before
 * any call can give its reservation back.
 */
export function quotaGateFor(o: {
  store: Store;
  clock: Clock;
  post: PostRecord;
  account: AccountRecord;
  quotaFor: (post: PostRecord, account: AccountRecord) => QuotaRequirement | null;
  checkpoint: (patch: { remote?: RemoteState; event?: { type: string; data?: Record<string, unknown> } }) => Promise<void>;
}): QuotaGate {
  let calls = Number(o.post.remote['quotaCalls'] ?? 0);
  const reserved = o.post.remote['quotaReserved'];
  return {
    async beforeCall(what: string): Promise<QuotaAnswer> {
      const need = o.quotaFor(o.post, o.account);
      if (!need) return { ok: true };
      const now = o.clock.now();
      const until = await spentUntil(o.store, need.bucket, now);
      if (until !== undefined) return { ok: false, resetAt: until, reason: `the platform reported this quota used up (${need.bucket}); no call before ${new Date(until).toISOString()}` };
      const covered = calls === 0 && reserved === `${need.bucket}@${need.windowKey}`;
      if (!covered && !(await o.store.reserveQuota(need.bucket, need.windowKey, need.amount, need.limit))) {
        return { ok: false, resetAt: need.resetAt, reason: need.reason };
      }
      calls += 1;
      await o.checkpoint({ remote: { quotaCalls: calls }, event: { type: 'quota.call', data: { bucket: need.bucket, window: need.windowKey, call: what, calls, covered } } });
      return { ok: true };
    },
    async spent(until: number, reason: string): Promise<void> {
      const need = o.quotaFor(o.post, o.account);
      if (!need) return;
      await o.store.setSetting(spentKey(need.bucket), String(until), o.clock.now());
      await o.store.appendEvents([{ postId: o.post.id, campaignId: o.post.campaignId, accountId: o.post.accountId, type: 'quota.spent', data: { bucket: need.bucket, until: new Date(until).toISOString(), reason } }], o.clock.now());
    },
  };
}

/**
 * Gives back the reservation of a post that made no call (it failed before reaching the platform) and
 * forgets it, so a person's retry reserves again. Call under the post's lease.
 */
export async function releaseUnusedQuota(store: Store, post: PostRecord, owner: string, now: number): Promise<void> {
  const reserved = post.remote['quotaReserved'];
  if (typeof reserved !== 'string' || Number(post.remote['quotaCalls'] ?? 0) > 0) return;
  const at = reserved.lastIndexOf('@');
  const amount = Number(post.remote['quotaAmount'] ?? 1);
  await store.releaseQuota(reserved.slice(0, at), reserved.slice(at + 1), amount);
  await store.checkpoint(post.id, owner, { remote: { quotaReserved: null, quotaAmount: null }, event: { type: 'quota.released', data: { bucket: reserved.slice(0, at), window: reserved.slice(at + 1), amount } } }, now);
}
