import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

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
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
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
