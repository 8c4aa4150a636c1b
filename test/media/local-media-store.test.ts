import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalMediaStore } from '../../src/media/local-media-store.js';

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

describe('LocalMediaStore import', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'clipcast-media-'));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('reports progress chunk by chunk, adding up to the file size', async () => {
    const file = join(root, 'a.mp4');
    await writeFile(file, randomBytes(3 * 1024 * 1024 + 17));
    const chunks: number[] = [];
    const stored = await new LocalMediaStore(join(root, 'media')).importFile(file, { onBytes: (n) => chunks.push(n) });
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(stored.size);
  });

  it('abandon() (an interrupted import) removes what this run added and keeps what was there before', async () => {
    const before = join(root, 'before.mp4');
    const added = join(root, 'added.mp4');
    await writeFile(before, randomBytes(1000));
    await writeFile(added, randomBytes(2000));
    const media = join(root, 'media');
    const old = await new LocalMediaStore(media).importFile(before);
    const store = new LocalMediaStore(media);
    expect((await store.importFile(before)).path).toBe(old.path); // already there: not this run's
    const fresh = await store.importFile(added);
    store.abandon();
    expect(existsSync(old.path)).toBe(true);
    expect(existsSync(fresh.path)).toBe(false);
    expect((await filesUnder(media)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed copy leaves no .tmp behind', async () => {
    const store = new LocalMediaStore(join(root, 'media'));
    await expect(store.importFile(join(root, 'missing.mp4'))).rejects.toThrow();
    expect(await filesUnder(join(root, 'media'))).toEqual([]);
  });
});
