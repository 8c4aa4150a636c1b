import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** What {@link pruneMedia} removed (or would remove, in a dry run). */
export interface PruneResult {
  removed: { path: string; size: number }[];
  bytes: number;
  kept: number;
}

const STORED = /^([0-9a-f]{64})\.mp4$/;

/**
 * Removes from the media store (`<root>/<aa>/<sha256>.mp4`) every clip no post may still need (`inUse`),
 * and leftover `.tmp` files. Files touched within `graceMs` (default 1 h, by ctime, which a hard link
 * also sets) are kept: a publish in another process may have imported them and not yet written its rows.
 *
 * @example
 * ```ts
 * const { removed, bytes } = await pruneMedia(app.media.root, await app.store.mediaInUse(), { now: Date.now() });
 * ```
 */
export async function pruneMedia(root: string, inUse: ReadonlySet<string>, options: { now: number; graceMs?: number; dryRun?: boolean }): Promise<PruneResult> {
  const grace = options.graceMs ?? 3_600_000;
  const result: PruneResult = { removed: [], bytes: 0, kept: 0 };
  const dirs = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const dir of dirs) {
    if (!dir.isDirectory() || !/^[0-9a-f]{2}$/.test(dir.name)) continue;
    for (const name of await readdir(join(root, dir.name))) {
      const path = join(root, dir.name, name);
      const sha = STORED.exec(name)?.[1];
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      const unused = sha ? !inUse.has(sha) : name.endsWith('.tmp');
      if (!unused || options.now - info.ctimeMs < grace) {
        result.kept++;
        continue;
      }
      if (!options.dryRun) await unlink(path).catch(() => undefined);
      result.removed.push({ path, size: info.size });
      result.bytes += info.size;
    }
  }
  return result;
}
