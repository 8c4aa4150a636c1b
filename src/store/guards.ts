import { sql, type Kysely } from 'kysely';
import type { DialectName } from './migrations.js';

/**
 * The triggers that keep `events` append-only, by dialect. `ledger verify` checks they are all still
 * there: dropping one is itself tampering.
 */
export const LEDGER_TRIGGERS: Readonly<Record<DialectName, readonly string[]>> = Object.freeze({
  sqlite: ['events_append_only_update', 'events_append_only_delete'],
  postgres: ['events_append_only', 'events_no_truncate'],
});

const APPEND_ONLY = 'the ledger (events) is append-only: rows cannot be changed or deleted';

/** Creates the triggers refusing UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) of `events`. */
export async function installLedgerGuards(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    for (const [name, op] of [
      ['events_append_only_update', 'update'],
      ['events_append_only_delete', 'delete'],
    ] as const) {
      await sql
        .raw(`create trigger ${name} before ${op} on events begin select raise(abort, '${APPEND_ONLY}'); end`)
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `create or replace function clipcast_events_append_only() returns trigger language plpgsql as $$
       begin raise exception '${APPEND_ONLY}'; end $$`,
    )
    .execute(db);
  await sql
    .raw(
      'create trigger events_append_only before update or delete on events for each row execute function clipcast_events_append_only()',
    )
    .execute(db);
  await sql
    .raw(
      'create trigger events_no_truncate before truncate on events for each statement execute function clipcast_events_append_only()',
    )
    .execute(db);
}

/** The names of the ledger triggers that are missing from the database. */
export async function missingLedgerTriggers(db: Kysely<unknown>, dialect: DialectName): Promise<string[]> {
  const present =
    dialect === 'sqlite'
      ? (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'trigger' and tbl_name = 'events'`.execute(db)
        ).rows
      : (
          await sql<{
            name: string;
          }>`select tgname as name from pg_trigger where tgrelid = 'events'::regclass and tgenabled <> 'D'`.execute(
            db,
          )
        ).rows;
  const names = new Set(present.map((r) => r.name));
  return LEDGER_TRIGGERS[dialect].filter((t) => !names.has(t));
}

const RETIRED =
  'clipcast: this value is encrypted with a retired secret key; reload the key and encrypt it again';

/**
 * Refuses writing an envelope (`v1.<version>.…`) made with a retired key into `table.column`, so a
 * process still holding the old key after a rotation cannot leave an unreadable envelope behind. On
 * PostgreSQL the key row is read `for share`, which serializes the write with the rotation's retire
 * step (see secrets/rotate-keys.ts). Any table that stores envelopes gets one (see
 * secrets/envelope-columns.ts).
 */
export async function installEnvelopeGuard(
  db: Kysely<unknown>,
  dialect: DialectName,
  table: string,
  column: string,
): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['insert', 'update']) {
      await sql
        .raw(
          `create trigger ${table}_${column}_key_guard_${op} before ${op} on ${table}
           when exists (select 1 from secret_keys k where k.state = 'retired' and new.${column} like 'v1.' || k.version || '.%')
           begin select raise(abort, '${RETIRED}'); end`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `create or replace function clipcast_envelope_guard() returns trigger language plpgsql as $$
       declare val text; st text;
       begin
         execute format('select ($1).%I::text', TG_ARGV[0]) into val using new;
         if val like 'v1.%' then
           select state into st from secret_keys where version::text = split_part(val, '.', 2) for share;
           if st = 'retired' then raise exception '${RETIRED}'; end if;
         end if;
         return new;
       end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger ${table}_${column}_key_guard before insert or update on ${table}
       for each row execute function clipcast_envelope_guard('${column}')`,
    )
    .execute(db);
}
