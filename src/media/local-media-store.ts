import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, link, mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProbeInfo } from '../core/clips/probe-result.js';

/** A file in the media store. */
export interface StoredMedia {
  sha256: string;
  path: string;
  size: number;
}

/**
 * Content-addressed clip storage under a folder: `<root>/<aa>/<sha256>.mp4`. A clip is hard-linked when
 * the source is on the same file system (no copy, no extra space), copied otherwise, so a scheduled
 * campaign survives deleting or moving the source folder. The same bytes are stored once.
 *
 * @example
 * ```ts
 * const media = new LocalMediaStore(join(home, 'media'));
 * const { sha256, path } = await media.importFile('/clips/1.mp4');
 * ```
 */
export class LocalMediaStore {
  /** Temp files being written now, and files this process added: what {@link abandon} removes. */
  #pending = new Set<string>();
  #added = new Set<string>();

  constructor(readonly root: string) {}

  /** Hashes the file (streaming; `onBytes` hears each chunk read) and stores it once. */
  async importFile(source: string, options: { onBytes?: (bytes: number) => void } = {}): Promise<StoredMedia> {
    const { sha256, size } = await hashFile(source, options.onBytes);
    const dir = join(this.root, sha256.slice(0, 2));
    const path = join(dir, `${sha256}.mp4`);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.size === size) return { sha256, path, size };
    await mkdir(dir, { recursive: true });
    // Unique per call: two imports of one clip at once in one process (two API requests, two publish
    // runs) must not share a temp file, or the later rename finds it gone.
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    this.#pending.add(tmp);
    try {
      try {
        await link(source, tmp);
      } catch {
        await copyFile(source, tmp);
      }
      await rename(tmp, path);
      this.#added.add(path);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    } finally {
      this.#pending.delete(tmp);
    }
    return { sha256, path, size };
  }

  /**
   * Stores a lossless remux of `source` (moov first, edit lists dropped; see `remuxMp4`) as a file of
   * its own, under its own hash, and probes it. The source is left as it is, for the platforms that
   * take it. Streams from disk; a temp file in the store is renamed into place, so nothing half-written
   * is ever found under a hash.
   *
   * @example
   * ```ts
   * const original = await media.importFile('/clips/7.mp4');
   * const forInstagram = await media.importRemuxed(original.path); // another sha256, same frames
   * ```
   */
  async importRemuxed(source: string): Promise<StoredMedia & { probe: ProbeInfo }> {
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `remux.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    this.#pending.add(tmp);
    try {
      // Loaded here, not at the top: the MP4 parser is a third of the CLI's code and read-only commands never remux.
      const { remuxMp4 } = await import('./remux-mp4.js');
      const { sha256, size } = await remuxMp4(source, tmp);
      const path = this.pathOf(sha256);
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      const existed = await stat(path).then(() => true, () => false);
      await rename(tmp, path);
      // Like importFile: a remux this run added is removed again if the import is abandoned.
      if (!existed) this.#added.add(path);
      const { probeMp4 } = await import('./probe.js');
      const probe = await probeMp4(path);
      if (!probe.ok) throw new Error(`the remux of ${source} does not read back: ${probe.error.message}`);
      return { sha256, path, size, probe };
    } finally {
      this.#pending.delete(tmp);
      await rm(tmp, { force: true });
    }
  }

  /**
   * Removes, synchronously (from a signal handler), the temp file being written and every file this
   * store added in this process: for an import interrupted before anything refers to those files.
   */
  abandon(): void {
    for (const f of [...this.#pending, ...this.#added]) rmSync(f, { force: true });
    this.#pending.clear();
    this.#added.clear();
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), `${sha256}.mp4`);
  }
}

/**
 * sha256 and size of a file, read through one reused 1 MiB buffer: no garbage per chunk, so memory
 * stays flat however large the file (a read stream allocates a new buffer per chunk).
 */
export async function hashFile(path: string, onBytes?: (bytes: number) => void): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const handle = await open(path, 'r');
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      size += bytesRead;
      onBytes?.(bytesRead);
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), size };
}
