import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterRegistry } from '../../src/app/adapter-registry.js';
import { hashFile } from '../../src/media/local-media-store.js';
import { MediaUrlSigner } from '../../src/media/signed-url.js';
import { engineHarness } from '../helpers/engine-harness.js';
import { campaignWithFfmpegDefaultClip, FFMPEG_DEFAULT_MP4 } from '../helpers/ffmpeg-default-fixture.js';

describe('a clip as ffmpeg writes it by default, published for real (engine, sandbox emulators)', () => {
  let h: Awaited<ReturnType<typeof engineHarness>>;
  afterEach(async () => h?.cleanup());

  it('stores a remuxed copy under its own hash for Instagram, which publishes it; TikTok publishes the original', async () => {
    h = await engineHarness({ platforms: ['tiktok', 'instagram'] });
    const source = await campaignWithFfmpegDefaultClip(join(h.root, 'cliper'));
    await h.schedule('tiktok,instagram', '1m', source);

    const { posts: planned } = await h.app.store.listPosts({ limit: 100 });
    const clips = await Promise.all(
      [...new Set(planned.map((p) => p.clipRowId))].map(async (id) => (await h.app.store.getClip(id))!),
    );
    const clip = clips.find((c) => c.clipId === 1)!;
    const original = await hashFile(FFMPEG_DEFAULT_MP4);
    expect(clip.mediaSha256).toBe(original.sha256);
    expect(clip.derivedMedia).toHaveLength(1);
    const derived = clip.derivedMedia![0]!;
    expect(derived).toMatchObject({
      kind: 'remux',
      platforms: ['instagram'],
      path: h.app.media.pathOf(derived.sha256),
    });
    expect(derived.sha256).not.toBe(original.sha256);
    expect(await hashFile(derived.path)).toEqual({ sha256: derived.sha256, size: derived.size });
    expect(await hashFile(clip.mediaPath)).toEqual(original); // the original is kept, unchanged
    expect(derived.probe).toMatchObject({ ok: true, faststart: true, editList: false });
    // The other clips are fine as they are: no derived file.
    expect(clips.filter((c) => c.clipId !== 1).every((c) => !c.derivedMedia)).toBe(true);

    // The signed URL Instagram pulls (URL mode) names the remux; TikTok's names the original.
    const registry = createAdapterRegistry({
      accounts: h.app.accounts,
      clock: h.clock,
      signer: new MediaUrlSigner({ secret: Buffer.alloc(32, 7), publicBaseUrl: 'https://clips.example.com' }),
    });
    expect(registry.mediaFor(clip, 'instagram')).toMatchObject({
      path: derived.path,
      sha256: derived.sha256,
      size: derived.size,
      publicUrl: expect.stringContaining(derived.sha256),
    });
    expect(registry.mediaFor(clip, 'tiktok')).toMatchObject({
      path: clip.mediaPath,
      sha256: original.sha256,
      publicUrl: expect.stringContaining(original.sha256),
    });

    const posts = await h.drive();
    expect(posts.map((p) => p.state)).toEqual(Array(8).fill('published'));
    const igPost = posts.find((p) => p.clipId === 1 && p.platform === 'instagram')!;
    const ttPost = posts.find((p) => p.clipId === 1 && p.platform === 'tiktok')!;
    const reel = h.sandbox.instagram.published().find((m) => m.remoteId === igPost.remoteId);
    expect(reel?.sha256).toBe(derived.sha256);
    const video = h.sandbox.tiktok.published().find((v) => v.remoteId === ttPost.remoteId);
    expect(video?.sha256).toBe(original.sha256);
    expect((await readFile(derived.path)).length).toBe(derived.size);
  });
});
