import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import { storeTargets } from '../helpers/store-targets.js';

const targets = await storeTargets();
const T0 = Date.UTC(2025, 11, 1, 9, 0, 0);

describe.each(targets)('Rate slots on $name (shared by every worker)', (target) => {
  let store: KyselyStore;
  let url: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, url, cleanup } = await target.open());
  });
  afterEach(async () => cleanup());

  it('grants at most the limit in a sliding window and says when the oldest call leaves it', async () => {
    for (let i = 0; i < 6; i++) expect(await store.takeRateSlot('tiktok.init:a', 6, 60_000, T0 + i * 1_000)).toEqual({ granted: true });
    expect(await store.takeRateSlot('tiktok.init:a', 6, 60_000, T0 + 10_000)).toEqual({ granted: false, retryAt: T0 + 60_000 });
    expect(await store.takeRateSlot('tiktok.init:b', 6, 60_000, T0 + 10_000)).toEqual({ granted: true }); // per bucket
    expect(await store.takeRateSlot('tiktok.init:a', 6, 60_000, T0 + 60_000)).toEqual({ granted: true }); // the first left the window
    expect(await store.takeRateSlot('tiktok.init:a', 6, 60_000, T0 + 60_500)).toEqual({ granted: false, retryAt: T0 + 61_000 });
  });

  it('two processes taking slots at once never exceed the limit together', async () => {
    const other = await openStore({ url });
    try {
      const take = (i: number) => (i % 2 ? other : store).takeRateSlot('tiktok.init:a', 6, 60_000, T0);
      // PostgreSQL: truly concurrent transactions. SQLite: one process's synchronous driver would wait on
      // its own lock, so the two connections alternate (each call still runs under BEGIN IMMEDIATE).
      const answers = target.name === 'postgres'
        ? await Promise.all(Array.from({ length: 20 }, (_, i) => take(i)))
        : await Array.from({ length: 20 }, (_, i) => i).reduce<Promise<Awaited<ReturnType<typeof take>>[]>>(async (acc, i) => [...(await acc), await take(i)], Promise.resolve([]));
      expect(answers.filter((a) => a.granted)).toHaveLength(6);
      expect(answers.filter((a) => !a.granted).every((a) => !a.granted && a.retryAt === T0 + 60_000)).toBe(true);
    } finally {
      await other.close();
    }
  });
});
