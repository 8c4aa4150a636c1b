import type { App } from '../app/open-app.js';

/**
 * Remembers a delivery id (in the settings table, `webhook.seen.<source>.<id>`) and says whether it is
 * new. The insert is the check (`on conflict do nothing`), so two deliveries racing cannot both be new.
 *
 * @example
 * ```ts
 * if (await markWebhookSeen(app, 'tiktok', sha256(rawBody))) await sink(event);
 * ```
 */
export async function markWebhookSeen(app: Pick<App, 'store' | 'clock'>, source: string, id: string): Promise<boolean> {
  const result = await app.store.db
    .insertInto('settings')
    .values({ key: `webhook.seen.${source}.${id}`, value: String(app.clock.now()), updated_at: app.clock.now() })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Forgets a delivery id (when the sink failed, so the platform's retry is processed). */
export async function forgetWebhook(app: Pick<App, 'store'>, source: string, id: string): Promise<void> {
  await app.store.db.deleteFrom('settings').where('key', '=', `webhook.seen.${source}.${id}`).execute();
}
