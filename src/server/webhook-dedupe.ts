import type { App } from '../app/open-app.js';

/** How long a delivery id is remembered. Platforms retry for up to 3 days (TikTok) or 36 hours (Meta). */
export const WEBHOOK_SEEN_TTL_MS = 7 * 24 * 3_600_000;

/** How often expired ids are swept (at most once per this interval per store, on a delivery). */
const PRUNE_EVERY_MS = 3_600_000;
const lastPrune = new WeakMap<object, number>();

/**
 * Remembers a delivery id (in the settings table, `webhook.seen.<source>.<id>`) and says whether it is
 * new. The insert is the check (`on conflict do nothing`), so two deliveries racing cannot both be new.
 * Ids older than {@link WEBHOOK_SEEN_TTL_MS} are deleted (swept at most hourly), so the table does not
 * grow with every delivery ever received.
 *
 * @example
 * ```ts
 * if (await markWebhookSeen(app, 'tiktok', sha256(rawBody))) await sink(event);
 * ```
 */
export async function markWebhookSeen(app: Pick<App, 'store' | 'clock'>, source: string, id: string): Promise<boolean> {
  const now = app.clock.now();
  if ((lastPrune.get(app.store) ?? -Infinity) + PRUNE_EVERY_MS <= now) {
    lastPrune.set(app.store, now);
    await pruneWebhookSeen(app, now - WEBHOOK_SEEN_TTL_MS);
  }
  const result = await app.store.db
    .insertInto('settings')
    .values({ key: `webhook.seen.${source}.${id}`, value: String(now), updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Deletes the delivery ids first seen before `cutoff` (ms epoch); returns how many. */
export async function pruneWebhookSeen(app: Pick<App, 'store'>, cutoff: number): Promise<number> {
  const result = await app.store.db.deleteFrom('settings').where('key', 'like', 'webhook.seen.%').where('updated_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Forgets a delivery id (when the sink failed, so the platform's retry is processed). */
export async function forgetWebhook(app: Pick<App, 'store'>, source: string, id: string): Promise<void> {
  await app.store.db.deleteFrom('settings').where('key', '=', `webhook.seen.${source}.${id}`).execute();
}
