import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres.js';

const FUTURE = '2030-06-01 09:00';

/**
 * Two `clipcast publish` runs of one folder at once on PostgreSQL: both exit 0, one creates the
 * campaign and the other says it exists; no raw database error. (The store test forces the exact
 * interleaving with a lock; here the runs overlap as they happen to.)
 */
describe.runIf(await postgresAvailable())('concurrent publish of one folder on PostgreSQL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('creates the campaign once and tells the other run it exists', async () => {
    const db = await createTestDatabase();
    const h = await cliHarness({ CLIPCAST_DATABASE_URL: db.url });
    cleanups.push(async () => {
      await h.cleanup();
      await db.drop();
    });
    const creds = join(h.root, 'creds.json');
    await writeFile(creds, JSON.stringify({ client_key: 'ck', client_secret: 'cs', access_token: 'at' }));
    expect((await h.run('accounts', 'add', '--platform', 'tiktok', '--handle', '@maker', '--credentials-file', creds)).code).toBe(0);
    const src = join(h.root, 'source');
    await cp(EXAMPLE_CAMPAIGN, src, { recursive: true });
    const args = ['publish', src, '--start-date', FUTURE, '--interval', '4h', '--platforms', 'tiktok', '--yes'];
    const runs = await Promise.all([h.run(...args), h.run(...args), h.run(...args)]);
    for (const r of runs) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
    expect(runs.filter((r) => /created with 4 posts/.test(r.out))).toHaveLength(1);
    expect(runs.filter((r) => /already exists/.test(r.out))).toHaveLength(2);
    const list = await h.run('--json', 'campaigns', 'list');
    expect(list.json<{ campaigns: unknown[] }>().campaigns).toHaveLength(1);
  });
});
