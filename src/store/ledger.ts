import { timingSafeEqual } from 'node:crypto';
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { LedgerVerdict, NewEvent } from '../core/ports/store.js';
import { missingLedgerTriggers } from './guards.js';
import { eventHash, eventMac, GENESIS_HASH, headMac } from './ledger-hash.js';
import type { DialectName } from './migrations.js';
import type { Database } from './schema.js';

/**
 * The ledger key (kept encrypted in `settings`, see ledger-key.ts) and what it sealed: the rows written
 * before the ledger was keyed (`legacyCount`, ending in `legacyHead`) verify by their plain hash chain,
 * anchored by these two numbers inside the authenticated envelope.
 */
export interface LedgerKey {
  key: Buffer;
  legacyCount: number;
  legacyHead: string;
}

/**
 * A copy of the head kept outside the database (`ledger verify` writes one to the data dir): row `n`
 * had hash `hash`. Signed under the ledger key, so it cannot be forged, and checked on the next verify,
 * so a head rolled back together with a truncated tail still shows.
 */
export interface LedgerCheckpoint {
  n: number;
  hash: string;
  at: string;
  mac: string;
}

/** The MAC of a checkpoint. */
export function checkpointMac(key: Buffer, n: number, hash: string, at: string): string {
  return headMac(key, n, `${hash}@${at}`);
}

/** The advisory lock id that serializes ledger appends on PostgreSQL. */
export const LEDGER_LOCK = 727274;

/** An event to append, optionally with its own time (rows of several writes appended together keep each write's time). */
export type LedgerEvent = NewEvent & { at?: number };

/** Events per INSERT on SQLite (its statements take at most 32,766 parameters; a row has nine). */
const CHUNK = 500;

/**
 * Appends ledger rows inside the caller's transaction, each MAC'd over the one before and its ordinal,
 * and moves the MAC'd head (count, last hash) with them. On PostgreSQL an advisory lock serializes
 * appends, so concurrent transactions cannot fork the chain; SQLite's write transactions are serial.
 *
 * @remarks
 * The lock is held until the caller's transaction ends, so callers append last, just before they commit.
 * On PostgreSQL the lock and the head are taken in one statement (`for update` makes a head committed by
 * the previous lock holder after this statement's snapshot visible, see {@link lockedHead}), and the rows
 * and the new head are written in another: two round trips under the lock, whatever the number of rows.
 *
 * @example
 * ```ts
 * await store.tx((trx) => appendLedger(trx, 'sqlite', ledgerKey, [{ type: 'post.scheduled', postId }], now));
 * ```
 */
export async function appendLedger(
  trx: Kysely<Database> | Transaction<Database>,
  dialect: DialectName,
  ledger: LedgerKey | undefined,
  events: LedgerEvent[],
  now: number,
): Promise<void> {
  if (!events.length) return;
  if (!ledger)
    throw new Error(
      'the ledger key is not loaded: open the store through openApp (or call store.unsealLedger)',
    );
  const head = dialect === 'postgres' ? await lockedHead(trx) : await trx.selectFrom('ledger_head').select(['n', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (!head)
    throw new Error(
      'the ledger head is missing, so the ledger was tampered with; run clipcast ledger verify',
    );
  let prev = head.hash;
  let n = Number(head.n);
  let last = now;
  const rows = events.map((e) => {
    const fields = {
      at: e.at ?? now,
      postId: e.postId ?? null,
      campaignId: e.campaignId ?? null,
      accountId: e.accountId ?? null,
      type: e.type,
      dataJson: JSON.stringify(e.data ?? {}),
    };
    n += 1;
    const hash = eventMac(ledger.key, prev, n, fields);
    const row = {
      at: fields.at,
      post_id: fields.postId,
      campaign_id: fields.campaignId,
      account_id: fields.accountId,
      type: fields.type,
      data_json: fields.dataJson,
      prev_hash: prev,
      hash,
      n,
    };
    prev = hash;
    if (fields.at > last) last = fields.at;
    return row;
  });
  const newHead = { n, hash: prev, mac: headMac(ledger.key, n, prev), updated_at: last };
  if (dialect === 'postgres') {
    // The rows and the head in one statement of fixed text (a data-modifying CTE runs whatever the outer
    // query reads): one array per column, so any number of rows fits in its ten parameters.
    const column = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    await trx.executeQuery(
      CompiledQuery.raw(APPEND_PG, [
        column('at'), column('post_id'), column('campaign_id'), column('account_id'), column('type'),
        column('data_json'), column('prev_hash'), column('hash'), column('n'),
        newHead.n, newHead.hash, newHead.mac, newHead.updated_at,
      ]),
    );
    return;
  }
  for (let i = 0; i < rows.length; i += CHUNK)
    await trx
      .insertInto('events')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  await trx.updateTable('ledger_head').set(newHead).where('id', '=', 1).execute();
}

/** PostgreSQL: appends the rows given as one array per column and moves the head, see {@link appendLedger}. */
const APPEND_PG = `with appended as (
  insert into events (at, post_id, campaign_id, account_id, type, data_json, prev_hash, hash, n)
  select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[])
  returning n)
update ledger_head set n = $10, hash = $11, mac = $12, updated_at = $13 where id = 1`;

/**
 * PostgreSQL: takes the ledger lock and reads the head in one statement. The statement's snapshot is
 * taken before the lock is granted, so a plain read could see the head before the previous holder's
 * commit; `for update` re-reads a row updated since the snapshot (READ COMMITTED follows the update
 * chain to the newest committed version), so the head returned is the one the lock protects.
 */
async function lockedHead(trx: Kysely<Database> | Transaction<Database>): Promise<{ n: number; hash: string } | undefined> {
  const { rows } = await sql<{ n: number; hash: string }>`select n, hash from ledger_head where id = 1 and pg_advisory_xact_lock(${sql.lit(LEDGER_LOCK)}) is not null for update`.execute(trx);
  return rows[0];
}

/**
 * Recomputes the whole chain in pages and checks it against the MAC'd head and the append-only
 * triggers. Returns the first row that was changed, how many rows are missing after which row, or which
 * guard is gone.
 */
export async function verifyLedgerChain(
  db: Kysely<Database>,
  dialect: DialectName,
  ledger: LedgerKey | undefined,
  checkpoint?: LedgerCheckpoint,
): Promise<LedgerVerdict> {
  if (!ledger)
    throw new Error(
      'the ledger key is not loaded: open the store through openApp (or call store.unsealLedger)',
    );
  let prev = GENESIS_HASH;
  let count = 0;
  let lastSeq: number | null = null;
  const after = () => (lastSeq === null ? 'at the start of the ledger' : `after row ${lastSeq}`);
  const broken = (brokenAt: number | null, reason: string, missing?: number): LedgerVerdict => ({
    ok: false,
    count,
    brokenAt,
    ...(missing ? { missing, missingAfter: lastSeq } : {}),
    reason,
  });
  for (;;) {
    const from: number = lastSeq ?? -1;
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('seq', '>', from)
      .orderBy('seq')
      .limit(5000)
      .execute();
    if (!rows.length) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      const fields = {
        at: Number(r.at),
        postId: r.post_id,
        campaignId: r.campaign_id,
        accountId: r.account_id,
        type: r.type,
        dataJson: r.data_json,
      };
      if (r.n === null) {
        // A row from before the ledger was keyed: plain hash chain, sealed by (legacyCount, legacyHead).
        if (count >= ledger.legacyCount)
          return broken(seq, `row ${seq} carries no MAC: it was inserted after the ledger was keyed`);
        if (r.prev_hash !== prev)
          return broken(
            seq,
            `row ${seq} does not follow the row before it (a row ${after()} was removed, inserted or changed)`,
          );
        if (eventHash(prev, fields) !== r.hash)
          return broken(seq, `row ${seq} was changed after it was written`);
        if (count + 1 === ledger.legacyCount && r.hash !== ledger.legacyHead)
          return broken(
            seq,
            `row ${seq} is not the row the ledger was sealed with (rows before it were re-chained)`,
          );
      } else {
        const n = Number(r.n);
        if (!same(eventMac(ledger.key, r.prev_hash, n, fields), r.hash))
          return broken(seq, `row ${seq} was changed after it was written (its MAC does not match)`);
        if (n > count + 1)
          return broken(
            seq,
            `${n - count - 1} row(s) missing ${after()} (row ${seq} is row number ${n})`,
            n - count - 1,
          );
        if (n < count + 1)
          return broken(seq, `row ${seq} repeats row number ${n} (rows were copied or reordered)`);
        if (r.prev_hash !== prev)
          return broken(
            seq,
            `row ${seq} does not follow the row before it (a row ${after()} was removed or changed)`,
          );
      }
      if (checkpoint && count + 1 === checkpoint.n && r.hash !== checkpoint.hash)
        return broken(seq, `row ${seq} is not the row the checkpoint of ${checkpoint.at} recorded as row number ${checkpoint.n} (the ledger was rewritten)`);
      prev = r.hash;
      count += 1;
      lastSeq = seq;
    }
  }
  if (count < ledger.legacyCount)
    return broken(
      null,
      `${ledger.legacyCount - count} row(s) missing ${after()} (the ledger was sealed with ${ledger.legacyCount})`,
      ledger.legacyCount - count,
    );
  if (checkpoint && checkpoint.n > count)
    return broken(null, `${checkpoint.n - count} row(s) missing ${after()}: the checkpoint of ${checkpoint.at} recorded ${checkpoint.n} rows`, checkpoint.n - count);
  const head = await db.selectFrom('ledger_head').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!head) return broken(null, 'the ledger head record (ledger_head) was deleted');
  const headN = Number(head.n);
  if (!same(headMac(ledger.key, headN, head.hash), head.mac))
    return broken(null, 'the ledger head record (ledger_head) was changed');
  if (headN > count)
    return broken(
      null,
      `${headN - count} row(s) missing ${after()}: the ledger head says it holds ${headN} rows, the table ${count}`,
      headN - count,
    );
  if (headN < count || head.hash !== prev)
    return broken(
      lastSeq,
      `the last row ${lastSeq ?? ''} is not the row the ledger head records (rows were added around the ledger)`,
    );
  const missing = await missingLedgerTriggers(db as unknown as Kysely<unknown>, dialect);
  if (missing.length)
    return broken(
      null,
      `the append-only trigger(s) ${missing.join(', ')} were dropped or disabled: the rows verify, but the guard was removed`,
    );
  return { ok: true, count };
}

function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
