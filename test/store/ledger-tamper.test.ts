import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { eventHash, GENESIS_HASH } from '../../src/store/ledger-hash.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { openTestStore, storeTargets, TEST_SECRETS } from '../helpers/store-targets.js';

const targets = await storeTargets();
const T0 = Date.UTC(2025, 11, 1, 9, 0, 0);

/**
 * Each way of rewriting history an attacker with write access to the database has: the triggers refuse
 * it; with the triggers dropped, `verify` names the first bad row or the missing ones.
 */
describe.each(targets)('Ledger tampering on $name', (target) => {
  let store: KyselyStore;
  let url: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, url, cleanup } = await target.open());
  });
  afterEach(async () => cleanup());

  /** 2 account rows + a campaign of 3 clips × 2 accounts: 2 + 1 + 6 = 9 rows (seq 1–9). */
  async function seed(): Promise<number> {
    const a = accountFixture('tiktok', '@one', T0);
    const b = accountFixture('youtube', '@chan', T0);
    await store.insertAccount(a);
    await store.insertAccount(b);
    await store.createCampaign(campaignFixture([a, b], 3, T0), T0);
    const verdict = await store.verifyLedger();
    expect(verdict).toEqual({ ok: true, count: 9 });
    return verdict.count;
  }

  async function dropTriggers(): Promise<void> {
    if (target.name === 'sqlite') {
      await sql`drop trigger events_append_only_update`.execute(store.db);
      await sql`drop trigger events_append_only_delete`.execute(store.db);
    } else {
      await sql`drop trigger events_append_only on events`.execute(store.db);
      await sql`drop trigger events_no_truncate on events`.execute(store.db);
    }
  }

  /** Puts the triggers back the way the migration made them, so the verdict is about the rows alone. */
  async function restoreTriggers(): Promise<void> {
    const { installLedgerGuards } = await import('../../src/store/guards.js');
    await installLedgerGuards(store.db as never, target.name);
  }

  it('refuses UPDATE, DELETE (and TRUNCATE) of ledger rows', async () => {
    await seed();
    await expect(
      sql`update events set data_json = '{"forged":true}' where seq = 3`.execute(store.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from events where seq = 9`.execute(store.db)).rejects.toThrow(/append-only/);
    if (target.name === 'postgres')
      await expect(sql`truncate events`.execute(store.db)).rejects.toThrow(/append-only/);
    expect(await store.verifyLedger()).toEqual({ ok: true, count: 9 });
  });

  it('reports a dropped trigger even when every row is intact', async () => {
    await seed();
    await dropTriggers();
    const verdict = await store.verifyLedger();
    expect(verdict).toMatchObject({ ok: false, brokenAt: null });
    expect(!verdict.ok && verdict.reason).toMatch(/trigger\(s\) .*events_append_only.* were dropped/);
  });

  it('names an edited row', async () => {
    await seed();
    await dropTriggers();
    await sql`update events set data_json = '{"forged":true}' where seq = 4`.execute(store.db);
    await restoreTriggers();
    expect(await store.verifyLedger()).toMatchObject({
      ok: false,
      brokenAt: 4,
      count: 3,
      reason: 'row 4 was changed after it was written (its MAC does not match)',
    });
  });

  it('says how many rows are missing after which row when rows in the middle are deleted', async () => {
    await seed();
    await dropTriggers();
    await sql`delete from events where seq in (5, 6)`.execute(store.db);
    await restoreTriggers();
    expect(await store.verifyLedger()).toMatchObject({
      ok: false,
      brokenAt: 7,
      missing: 2,
      missingAfter: 4,
      reason: '2 row(s) missing after row 4 (row 7 is row number 7)',
    });
  });

  it('says how many rows are missing when the tail is truncated', async () => {
    await seed();
    await dropTriggers();
    await sql`delete from events where seq > 6`.execute(store.db);
    await restoreTriggers();
    const verdict = await store.verifyLedger();
    expect(verdict).toMatchObject({ ok: false, count: 6, missing: 3, missingAfter: 6 });
    expect(!verdict.ok && verdict.reason).toBe(
      '3 row(s) missing after row 6: the ledger head says it holds 9 rows, the table 6',
    );
  });

  it('catches a truncated tail whose head was deleted or rewritten too', async () => {
    await seed();
    await dropTriggers();
    await sql`delete from events where seq > 6`.execute(store.db);
    await restoreTriggers();
    const last = await store.db
      .selectFrom('events')
      .select('hash')
      .where('seq', '=', 6)
      .executeTakeFirstOrThrow();
    await sql`update ledger_head set n = 6, hash = ${last.hash}`.execute(store.db);
    expect(await store.verifyLedger()).toMatchObject({
      ok: false,
      reason: 'the ledger head record (ledger_head) was changed',
    });
    await sql`delete from ledger_head`.execute(store.db);
    expect(await store.verifyLedger()).toMatchObject({
      ok: false,
      reason: 'the ledger head record (ledger_head) was deleted',
    });
    // And no new row can be appended to a ledger that lost its head.
    await expect(store.appendEvents([{ type: 'x' }], T0)).rejects.toThrow(/ledger head is missing/);
  });

  it('names the edited row when every later hash was recomputed (re-chained) without the key', async () => {
    await seed();
    await dropTriggers();
    const rows = await store.db.selectFrom('events').selectAll().orderBy('seq').execute();
    let prev = rows[2]!.hash;
    for (const r of rows.slice(3)) {
      const dataJson = r.seq === 4 ? '{"forged":true}' : r.data_json;
      const hash = eventHash(prev, {
        at: Number(r.at),
        postId: r.post_id,
        campaignId: r.campaign_id,
        accountId: r.account_id,
        type: r.type,
        dataJson,
      });
      await sql`update events set data_json = ${dataJson}, prev_hash = ${prev}, hash = ${hash} where seq = ${r.seq}`.execute(
        store.db,
      );
      prev = hash;
    }
    await restoreTriggers();
    expect(await store.verifyLedger()).toMatchObject({
      ok: false,
      brokenAt: 4,
      reason: 'row 4 was changed after it was written (its MAC does not match)',
    });
  });

  it('seals rows written before the ledger was keyed, and catches a re-chain among them', async () => {
    // A store from before the keyed ledger: three plain sha256-chained rows, no key, no head.
    const fresh =
      target.name === 'sqlite'
        ? {
            url: join(await mkdtemp(join(tmpdir(), 'clipcast-legacy-')), 'c.db'),
            drop: async () => undefined,
          }
        : await createTestDatabase();
    const legacy = await openStore({ url: fresh.url });
    let prev = GENESIS_HASH;
    for (let i = 1; i <= 3; i++) {
      const fields = {
        at: T0 + i,
        postId: null,
        campaignId: null,
        accountId: null,
        type: 'legacy',
        dataJson: JSON.stringify({ i }),
      };
      const hash = eventHash(prev, fields);
      await legacy.db
        .insertInto('events')
        .values({
          at: fields.at,
          post_id: null,
          campaign_id: null,
          account_id: null,
          type: fields.type,
          data_json: fields.dataJson,
          prev_hash: prev,
          hash,
          n: null,
        })
        .execute();
      prev = hash;
    }
    await legacy.close();
    const keyed = await openTestStore(fresh.url); // the first unseal seals the three rows
    try {
      await keyed.appendEvents([{ type: 'after' }], T0 + 10);
      expect(await keyed.verifyLedger()).toEqual({ ok: true, count: 4 });
      await sql
        .raw(
          target.name === 'sqlite'
            ? 'drop trigger events_append_only_update'
            : 'drop trigger events_append_only on events',
        )
        .execute(keyed.db);
      // Re-chain the legacy part with a forged row 2: its plain hashes all verify, the seal does not.
      let p = (
        await keyed.db.selectFrom('events').select('hash').where('seq', '=', 1).executeTakeFirstOrThrow()
      ).hash;
      for (const seq of [2, 3]) {
        const r = await keyed.db
          .selectFrom('events')
          .selectAll()
          .where('seq', '=', seq)
          .executeTakeFirstOrThrow();
        const dataJson = seq === 2 ? '{"i":"forged"}' : r.data_json;
        const hash = eventHash(p, {
          at: Number(r.at),
          postId: null,
          campaignId: null,
          accountId: null,
          type: r.type,
          dataJson,
        });
        await sql`update events set data_json = ${dataJson}, prev_hash = ${p}, hash = ${hash} where seq = ${seq}`.execute(
          keyed.db,
        );
        p = hash;
      }
      expect(await keyed.verifyLedger()).toMatchObject({
        ok: false,
        brokenAt: 3,
        reason: 'row 3 is not the row the ledger was sealed with (rows before it were re-chained)',
      });
    } finally {
      await keyed.close();
      await fresh.drop();
    }
  });

  it('refuses to make a new ledger key over keyed rows', async () => {
    await seed();
    await sql`delete from settings where key = 'ledger.key'`.execute(store.db);
    const again = await openStore({ url });
    try {
      await expect(again.unsealLedger(TEST_SECRETS)).rejects.toThrow(
        /ledger key .* is missing but the ledger has keyed rows/,
      );
    } finally {
      await again.close();
    }
  });
});
