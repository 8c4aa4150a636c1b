import { sql, type Kysely } from 'kysely';
import type { RateSlot } from '../core/ports/store.js';
import type { DialectName } from './migrations.js';
import type { Database } from './schema.js';

/** `rate_slots` (migration `0040_rate_slots`): one row per call made against a sliding-window limit. */
export interface RateSlotsTable {
  bucket: string;
  at: number;
}

type Db = Kysely<Database>;

/**
 * Takes a slot of a sliding-window limit inside the caller's write transaction: at most `limit` calls
 * of `bucket` in any `windowMs`. Serialized per bucket (SQLite's write lock; on PostgreSQL an advisory
 * lock on the bucket), so workers sharing the database never take more slots than the window holds.
 * A refused slot says when the oldest counted call leaves the window.
 *
 * @example
 * ```ts
 * const slot = await store.tx((trx) => takeRateSlot(trx, 'postgres', 'tiktok.init:acct_1', 6, 60_000, now));
 * if (!slot.granted) deferTo(slot.retryAt);
 * ```
 */
export async function takeRateSlot(trx: Db, dialect: DialectName, bucket: string, limit: number, windowMs: number, now: number): Promise<RateSlot> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`rate:${bucket}`}))`.execute(trx);
  await trx.deleteFrom('rate_slots').where('bucket', '=', bucket).where('at', '<=', now - 2 * windowMs).execute();
  const rows = await trx.selectFrom('rate_slots').select('at').where('bucket', '=', bucket).where('at', '>', now - windowMs).orderBy('at').execute();
  // Another worker's clock may be a little ahead: its calls count until they leave the window by their own time.
  if (rows.length >= limit) return { granted: false, retryAt: Number(rows[rows.length - limit]!.at) + windowMs };
  await trx.insertInto('rate_slots').values({ bucket, at: now }).execute();
  return { granted: true };
}
