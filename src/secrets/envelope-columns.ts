import { sql, type Kysely } from 'kysely';

/** A column holding secret envelopes, with how to find a row and the associated data of its envelope. */
export interface EnvelopeColumn {
  table: string;
  key: string;
  column: string;
  aad(id: string): string;
  /** A column recording the key version next to the envelope, kept in step by a rotation. */
  versionColumn?: string;
}

/**
 * Every place that stores envelopes. A rotation re-encrypts all of them; a new table of envelopes is
 * added here (and gets an envelope guard trigger, store/guards.ts) and rotation covers it.
 */
export const ENVELOPE_COLUMNS: readonly EnvelopeColumn[] = [
  {
    table: 'accounts',
    key: 'id',
    column: 'credentials_enc',
    aad: (id) => `account:${id}`,
    versionColumn: 'key_version',
  },
  { table: 'webhook_endpoints', key: 'id', column: 'secret_enc', aad: (id) => `webhook:${id}` },
  { table: 'oauth_states', key: 'state', column: 'data_enc', aad: (id) => `oauth:${id}` },
  { table: 'settings', key: 'key', column: 'value', aad: (id) => `setting:${id}` },
];

/** One stored envelope. */
export interface StoredEnvelope {
  at: EnvelopeColumn;
  id: string;
  envelope: string;
}

// Kysely's typed builder cannot name tables from data; these queries use sql.table/sql.ref instead.
type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Envelopes not made with `version` (all envelopes when `version` is undefined), up to `limit`. */
export async function findEnvelopes(
  db: AnyDb,
  options: { notVersion?: number; limit: number },
): Promise<StoredEnvelope[]> {
  const found: StoredEnvelope[] = [];
  for (const at of ENVELOPE_COLUMNS) {
    if (found.length >= options.limit) break;
    const col = sql.ref(at.column);
    const not =
      options.notVersion === undefined ? sql`` : sql`and ${col} not like ${`v1.${options.notVersion}.%`}`;
    const { rows } = await sql<{
      id: string;
      envelope: string;
    }>`select ${sql.ref(at.key)} as id, ${col} as envelope from ${sql.table(at.table)}
      where ${col} like 'v1.%' ${not} order by ${sql.ref(at.key)} limit ${options.limit - found.length}`.execute(
      db,
    );
    for (const r of rows) found.push({ at, id: String(r.id), envelope: r.envelope });
  }
  return found;
}

/** How many envelopes were made with a version other than `version` (or exist at all). */
export async function countEnvelopes(db: AnyDb, notVersion?: number): Promise<number> {
  let total = 0;
  for (const at of ENVELOPE_COLUMNS) {
    const col = sql.ref(at.column);
    const not = notVersion === undefined ? sql`` : sql`and ${col} not like ${`v1.${notVersion}.%`}`;
    const { rows } = await sql<{
      n: number | string;
    }>`select count(*) as n from ${sql.table(at.table)} where ${col} like 'v1.%' ${not}`.execute(db);
    total += Number(rows[0]?.n ?? 0);
  }
  return total;
}

/**
 * Replaces one envelope if it is still the one read (compare-and-set): a concurrent writer (a worker
 * saving a refreshed token) wins, and the rotation picks its envelope up on the next pass.
 */
export async function replaceEnvelope(
  db: AnyDb,
  e: StoredEnvelope,
  next: string,
  version: number,
): Promise<boolean> {
  const also = e.at.versionColumn ? sql`, ${sql.ref(e.at.versionColumn)} = ${version}` : sql``;
  const result = await sql`update ${sql.table(e.at.table)} set ${sql.ref(e.at.column)} = ${next} ${also}
    where ${sql.ref(e.at.key)} = ${e.id} and ${sql.ref(e.at.column)} = ${e.envelope}`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}
