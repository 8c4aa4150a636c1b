import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, rename, stat } from 'node:fs/promises';
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
  constructor(readonly root: string) {}

  /** Hashes the file (streaming) and stores it once. */
  async importFile(source: string): Promise<StoredMedia> {
    const { sha256, size } = await hashFile(source);
    const dir = join(this.root, sha256.slice(0, 2));
    const path = join(dir, `${sha256}.mp4`);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.size === size) return { sha256, path, size };
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await link(source, tmp);
    } catch {
      await copyFile(source, tmp);
    }
    await rename(tmp, path);
    return { sha256, path, size };
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), `${sha256}.mp4`);
  }
}

/** sha256 and size of a file, read as a stream. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
