import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DerivedMedia } from '../../src/core/ports/store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { storeTargets } from '../helpers/store-targets.js';

const targets = await storeTargets();
const T0 = Date.UTC(2025, 11, 1, 9, 0, 0);

describe.each(targets)('clips with derived media on $name (migration 0020)', (target) => {
  let store: KyselyStore;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await target.open());
  });
  afterEach(async () => cleanup());

  it("keeps a clip's derived files next to its original, and none for the others", async () => {
    const instagram = accountFixture('instagram', '@reels', T0);
    await store.insertAccount(instagram);
    const input = campaignFixture([instagram], 2, T0);
    const derived: DerivedMedia = {
      kind: 'remux',
      platforms: ['instagram'],
      sha256: 'b'.repeat(64),
      path: '/media/bb/x.mp4',
      size: 1234,
      probe: { ok: true, faststart: true, editList: false },
    };
    input.clips[0] = { ...input.clips[0]!, derivedMedia: [derived] };
    await store.createCampaign(input, T0);
    const first = await store.getClip(input.clips[0]!.id);
    expect(first?.derivedMedia).toEqual([derived]);
    expect(first?.mediaSha256).toBe(input.clips[0]!.mediaSha256);
    const second = await store.getClip(input.clips[1]!.id);
    expect(second).toBeDefined();
    expect(second?.derivedMedia).toBeUndefined();
  });
});
