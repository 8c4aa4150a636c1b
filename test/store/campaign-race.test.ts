import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { openTestStore, storeTargets } from '../helpers/store-targets.js';

const targets = await storeTargets();
const T0 = Date.UTC(2025, 11, 1, 9, 0, 0);

/**
 * Two `publish` runs of the same folder at once: each opens its own store (its own connections), both
 * find no campaign with the fingerprint, both insert. Exactly one creates it; the other is told it exists
 * (the winner's campaign), on SQLite and PostgreSQL alike, instead of a raw unique-violation error.
 */
describe.each(targets)('concurrent creates of one campaign on $name', (target) => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });

  it('creates it once and answers the other "exists" with the winner', async () => {
    const first = await target.open();
    closing.push(first.cleanup);
    // Like a second `publish` process: its own store, with the ledger key unsealed as openApp does.
    const second: KyselyStore = await openTestStore(first.url);
    closing.push(() => second.close());
    const account = accountFixture('tiktok', '@one', T0);
    await first.store.insertAccount(account);
    const a = campaignFixture([account], 3, T0, 60_000, 'fp-same-folder');
    const b = campaignFixture([account], 3, T0, 60_000, 'fp-same-folder');

    let results;
    if (target.name === 'postgres') {
      // Make the race certain: a third session holds a lock that lets both creates read (and find no
      // campaign) but stops both at their insert; it lets go once both are waiting.
      const blocker = new pg.Client({ connectionString: first.url });
      await blocker.connect();
      closing.push(() => blocker.end());
      await blocker.query('begin');
      await blocker.query('lock table campaigns in exclusive mode');
      const racing = Promise.all([first.store.createCampaign(a, T0), second.createCampaign(b, T0)]);
      for (let i = 0; i < 200; i++) {
        const { rows } = await blocker.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        if (Number(rows[0]?.n) >= 2) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await blocker.query('commit');
      results = await racing;
    } else {
      // SQLite serializes writers (BEGIN IMMEDIATE); better-sqlite3 waits for the lock synchronously, so
      // two stores of one process cannot overlap: the second run comes after the first, as it would wait.
      results = [await first.store.createCampaign(a, T0), await second.createCampaign(b, T0)];
    }

    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    const winner = results.find((r) => r.created)!.campaign;
    expect(results.find((r) => !r.created)!.campaign.id).toBe(winner.id);
    const campaigns = await first.store.listCampaigns();
    expect(campaigns.map((c) => c.id)).toEqual([winner.id]);
    expect((await first.store.listPosts({})).posts).toHaveLength(3);
  });
});
