import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkReader } from '../../../src/platforms/shared/chunk-reader.js';

describe('ChunkReader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chunk-reader-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a small file into a buffer of its own size, not a whole ring of slots', async () => {
    // A hundred 40 KB uploads a second must not allocate 4 MiB each (the dispatch bench's GC load).
    const path = join(dir, 'small.bin');
    const bytes = randomBytes(40_000);
    await writeFile(path, bytes);
    const reader = await ChunkReader.open(path);
    const pieces: Buffer[] = [];
    for await (const piece of reader.range(0, bytes.length - 1)) pieces.push(Buffer.from(piece));
    // Read twice: the second pass reuses or adds slots no larger than the read.
    let allocated = 0;
    for await (const piece of reader.range(0, bytes.length - 1)) allocated += piece.buffer.byteLength;
    await reader.close();
    expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
    expect(allocated).toBeLessThanOrEqual(bytes.length);
  });

  it('reads ranges of a file larger than the ring in slot-sized pieces, byte for byte', async () => {
    const path = join(dir, 'large.bin');
    const bytes = randomBytes(5 * 64 * 1024 + 123);
    await writeFile(path, bytes);
    const reader = await ChunkReader.open(path, 4, 64 * 1024);
    for (const [first, last] of [[0, bytes.length - 1], [70_000, 200_000], [bytes.length - 10, bytes.length - 1]] as const) {
      const hash = createHash('sha256');
      let maxPiece = 0;
      for await (const piece of reader.range(first, last)) {
        hash.update(piece);
        maxPiece = Math.max(maxPiece, piece.length);
      }
      expect(hash.digest('hex')).toBe(createHash('sha256').update(bytes.subarray(first, last + 1)).digest('hex'));
      expect(maxPiece).toBeLessThanOrEqual(64 * 1024);
    }
    await expect(async () => {
      for await (const _ of reader.range(0, bytes.length + 10)) void _;
    }).rejects.toThrow(/file ended at byte/);
    await reader.close();
  });
});
