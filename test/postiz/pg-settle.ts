import pg from 'pg';

/**
 * Waits until no other session is connected to the database at `url` (polling `pg_stat_activity`, no
 * timers). pg's `Pool.end()` resolves before its sockets are closed; a `drop database … with (force)`
 * right after kills sessions still closing, and their FATAL 57P01 surfaces as an uncaught error.
 */
export async function settleSessions(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 1000; i++) {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      if (!rows[0]?.n) return;
    }
  } finally {
    await client.end();
  }
}
