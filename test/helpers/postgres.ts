import pg from 'pg';
import { randomBytes } from 'node:crypto';

const ADMIN_URL = process.env.CLIPCAST_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;

/** Whether the test PostgreSQL server answers. Under CI=true an unreachable server fails the suite. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * Decides whether the PostgreSQL suites run: yes when the server answers; when it does not, they are
 * skipped with a plain message, except under CI=true (or CLIPCAST_TEST_POSTGRES=required), where a skip
 * is a failure.
 */
export async function postgresAvailable(): Promise<boolean> {
  if (await postgresReachable()) return true;
  const required = process.env.CI === 'true' || process.env.CLIPCAST_TEST_POSTGRES === 'required';
  const message = `PostgreSQL at ${ADMIN_URL.replace(/\/\/[^@]*@/, '//…@')} is not reachable: the PostgreSQL suites`;
  if (required) throw new Error(`${message} are required here (CI=true) and cannot run`);
  console.warn(`SKIPPING: ${message} are skipped`);
  return false;
}

/** Creates a fresh database for one suite and returns its URL and a function that drops it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `clipcast_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      // A pool's end() resolves before its sessions have closed; dropping with (force) then would
      // terminate them mid-close (57P01 in the suite). Wait for them, briefly, before dropping.
      for (let i = 0; i < 50; i++) {
        const { rows } = await c.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
        if (Number(rows[0]?.n ?? 0) === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
