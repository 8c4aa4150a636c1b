import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Secrets } from '../core/ports/secrets.js';
import type { KyselyStore } from './kysely-store.js';
import { GENESIS_HASH, headMac } from './ledger-hash.js';
import { LEDGER_LOCK, type LedgerKey } from './ledger.js';

/** The `settings` key under which the ledger key lives, as a secret envelope. */
export const LEDGER_KEY_SETTING = 'ledger.key';

/**
 * Reads the ledger key, or makes it on first use. The key is random and kept encrypted under the secret
 * key (associated data `setting:ledger.key`), so a key rotation re-encrypts it like any credential and
 * the MACs stay verifiable; without the secret key nobody can read it, let alone forge a MAC.
 *
 * The first time, it seals the rows written before the ledger was keyed: their count and last hash go
 * into the envelope, and the head starts there. A ledger that already has keyed rows or a head but lost
 * its key is refused, not re-keyed (that would let a forged history verify).
 */
export async function loadLedgerKey(store: KyselyStore, secrets: Secrets): Promise<LedgerKey> {
  const existing = await store.getSetting(LEDGER_KEY_SETTING);
  if (existing) return parse(secrets.decrypt(existing, `setting:${LEDGER_KEY_SETTING}`));
  return store.tx(async (trx) => {
    if (store.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${sql.lit(LEDGER_LOCK)})`.execute(trx);
    const again = await trx
      .selectFrom('settings')
      .select('value')
      .where('key', '=', LEDGER_KEY_SETTING)
      .executeTakeFirst();
    if (again) return parse(secrets.decrypt(again.value, `setting:${LEDGER_KEY_SETTING}`));
    const keyed = await trx
      .selectFrom('events')
      .select('seq')
      .where('n', 'is not', null)
      .limit(1)
      .executeTakeFirst();
    const head = await trx.selectFrom('ledger_head').select('n').executeTakeFirst();
    if (keyed || head) {
      throw new Error(
        'the ledger key (settings "ledger.key") is missing but the ledger has keyed rows: the store was tampered with; run clipcast ledger verify',
      );
    }
    const count = await trx
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const last = await trx
      .selectFrom('events')
      .select('hash')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const ledger: LedgerKey = {
      key: randomBytes(32),
      legacyCount: Number(count.n),
      legacyHead: last?.hash ?? GENESIS_HASH,
    };
    const now = Date.now();
    const value = secrets.encrypt(
      JSON.stringify({
        key: ledger.key.toString('base64'),
        legacyCount: ledger.legacyCount,
        legacyHead: ledger.legacyHead,
      }),
      `setting:${LEDGER_KEY_SETTING}`,
    );
    await trx.insertInto('settings').values({ key: LEDGER_KEY_SETTING, value, updated_at: now }).execute();
    await trx
      .insertInto('ledger_head')
      .values({
        id: 1,
        n: ledger.legacyCount,
        hash: ledger.legacyHead,
        mac: headMac(ledger.key, ledger.legacyCount, ledger.legacyHead),
        updated_at: now,
      })
      .execute();
    return ledger;
  });
}

function parse(text: string): LedgerKey {
  const v = JSON.parse(text) as { key: string; legacyCount: number; legacyHead: string };
  return { key: Buffer.from(v.key, 'base64'), legacyCount: v.legacyCount, legacyHead: v.legacyHead };
}
