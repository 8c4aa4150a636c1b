import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrationsFor, type DialectName } from './migrations.js';
import type { Database } from './schema.js';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /**
   * `postgres://…` / `postgresql://…` for PostgreSQL; anything else is a SQLite file path
   * (optionally prefixed `sqlite:`), or `:memory:`.
   */
  url: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** Run pending migrations on open (default true). */
  migrate?: boolean;
}

/** True when the url names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens the store (SQLite by default, PostgreSQL for a `postgres://` url) and migrates it.
 *
 * @example
 * ```ts
 * const store = await openStore({ url: join(home, 'clipcast.db') });
 * ```
 */
export async function openStore(options: OpenStoreOptions): Promise<KyselyStore> {
  const dialectName: DialectName = isPostgresUrl(options.url) ? 'postgres' : 'sqlite';
  let db: Kysely<Database>;
  if (dialectName === 'postgres') {
    // The driver loads only for a PostgreSQL url (CLI start-up time on SQLite).
    const { default: pg } = await import('pg');
    // int8 (bigint) columns hold milliseconds and counts, well within 2^53: read them as numbers.
    pg.types.setTypeParser(20, (v) => Number(v));
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 }) }),
    });
  } else {
    const file = options.url.replace(/^sqlite:(\/\/)?/i, '');
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 15000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  if (options.migrate ?? true) {
    const provider = migrationsFor(dialectName);
    if (await isCurrent(db, provider)) return new KyselyStore(db, dialectName);
    const migrator = new Migrator({ db, provider });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      await db.destroy();
      throw new Error(describeOpenError(dialectName, options.url, error));
    }
  }
  return new KyselyStore(db, dialectName);
}

/**
 * True when the database has run exactly the migrations this version knows, the common case on every
 * CLI call: one query instead of the migrator's table checks and lock (a read-only command's start-up).
 * Anything else (no table yet, pending or unknown migrations) goes through the migrator, which applies
 * or reports them.
 */
async function isCurrent(db: Kysely<Database>, provider: MigrationProvider): Promise<boolean> {
  const names = Object.keys(await provider.getMigrations()).sort();
  try {
    const { rows } = await sql<{ n: number | string; last: string | null }>`select count(*) as n, max(name) as last from kysely_migration`.execute(db);
    return Number(rows[0]?.n) === names.length && rows[0]?.last === names.at(-1);
  } catch {
    return false; // a new database: the migrator creates the table
  }
}

/**
 * One line saying why the database could not be opened, naming it without its password: the server
 * that does not answer, the database that does not exist, or the migration that failed.
 */
function describeOpenError(dialect: DialectName, url: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (dialect === 'sqlite') return `database migration failed on ${url.replace(/^sqlite:(\/\/)?/i, '')}: ${message}`;
  let where = 'PostgreSQL';
  let name = '';
  try {
    const u = new URL(url);
    where = `PostgreSQL at ${u.hostname}:${u.port || '5432'}`;
    name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  } catch {
    // an unparsable URL: name the server generically
  }
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH')
    return `cannot reach ${where} (${code}): start the server or fix CLIPCAST_DATABASE_URL`;
  if (code === '3D000') return `database "${name}" does not exist on ${where}: create it (createdb ${name}) or fix CLIPCAST_DATABASE_URL`;
  if (code === '28P01' || code === '28000') return `${where} refused the login: fix the user or password in CLIPCAST_DATABASE_URL`;
  return `database migration failed on ${where}: ${message}`;
}
