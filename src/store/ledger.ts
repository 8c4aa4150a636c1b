import { sql, type Kysely, type Transaction } from 'kysely';
import type { NewEvent } from '../core/ports/store.js';
import { eventHash, GENESIS_HASH } from './ledger-hash.js';
import type { DialectName } from './migrations.js';
import { toEvent } from './rows.js';
import type { Database } from './schema.js';

/**
 * Appends ledger rows inside the caller's transaction, each hashing the one before. On PostgreSQL an
 * advisory lock serializes appends, so concurrent transactions cannot fork the chain; SQLite's write
 * transactions are serial already.
 *
 * @example
 * ```ts
 * await store.tx((trx) => appendLedger(trx, 'sqlite', [{ type: 'post.scheduled', postId }], now));
 * ```
 */
export async function appendLedger(
  trx: Kysely<Database> | Transaction<Database>,
  dialect: DialectName,
  events: NewEvent[],
  now: number,
): Promise<void> {
  if (!events.length) return;
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(727274)`.execute(trx);
  const last = await trx
    .selectFrom('events')
    .select('hash')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let prev = last?.hash ?? GENESIS_HASH;
  const rows = events.map((e) => {
    const fields = {
      at: now,
      postId: e.postId ?? null,
      campaignId: e.campaignId ?? null,
      accountId: e.accountId ?? null,
      type: e.type,
      dataJson: JSON.stringify(e.data ?? {}),
    };
    const hash = eventHash(prev, fields);
    const row = {
      at: fields.at,
      post_id: fields.postId,
      campaign_id: fields.campaignId,
      account_id: fields.accountId,
      type: fields.type,
      data_json: fields.dataJson,
      prev_hash: prev,
      hash,
    };
    prev = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('events')
      .values(rows.slice(i, i + 500))
      .execute();
}

/**
 * Recomputes the whole chain in pages; returns the first row that was changed, removed, inserted or
 * reordered, if any.
 */
export async function verifyLedgerChain(
  db: Kysely<Database>,
): Promise<{ ok: true; count: number } | { ok: false; count: number; brokenAt: number; reason: string }> {
  let prev = GENESIS_HASH;
  let count = 0;
  let after = -1;
  for (;;) {
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(5000)
      .execute();
    if (!rows.length) return { ok: true, count };
    for (const r of rows) {
      const e = toEvent(r);
      if (e.prevHash !== prev)
        return {
          ok: false,
          count,
          brokenAt: e.seq,
          reason: `row ${e.seq} does not follow row before it (a row was removed, inserted or reordered)`,
        };
      const expected = eventHash(prev, {
        at: e.at,
        postId: e.postId,
        campaignId: e.campaignId,
        accountId: e.accountId,
        type: e.type,
        dataJson: r.data_json,
      });
      if (expected !== e.hash)
        return { ok: false, count, brokenAt: e.seq, reason: `row ${e.seq} was changed after it was written` };
      prev = e.hash;
      count += 1;
      after = e.seq;
    }
  }
}
