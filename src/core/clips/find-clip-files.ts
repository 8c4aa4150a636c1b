import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** The style sub-folders CLIPER sorts clips into. */
export const STYLE_FOLDERS: readonly string[] = Object.freeze(['viral', 'educational', 'storytelling', 'unclassified']);

/** A clip file found on disk. */
export interface FoundClipFile {
  clipId: number;
  /** Absolute path. */
  file: string;
  /** Style sub-folder name as on disk, or null at the root. */
  styleFolder: string | null;
}

/** What a scan of an output folder found. */
export interface ClipFileScan {
  /** Files by clip id; more than one entry for an id is a conflict the caller reports. */
  byId: Map<number, FoundClipFile[]>;
  /** `.mp4` files whose name is not a clip name (absolute paths). */
  unrecognized: string[];
  /** Leftovers of an interrupted export (`3_step1_temp.mp4`), ignored (absolute paths). */
  ignored: string[];
}

/** `7.mp4`, `007.mp4`. */
const PLAIN_NAME = /^(\d+)\.mp4$/i;
/** `clip_007_9x16_subs.mp4`, `clip_7.mp4`. */
const CLIP_NAME = /^clip_(\d+)(?:_[^/\\]*)?\.mp4$/i;
/** `3_temp.mp4`, `3_step1_temp.mp4`, `temp_3.mp4`, `clip_003.tmp.mp4`. */
const TEMP_NAME = /(?:^|[_.-])(?:temp|tmp)(?:[_.-]|$)/i;

/**
 * The clip id a file name stands for, or null (temp leftovers and other names included).
 *
 * @example
 * ```ts
 * clipIdFromFileName('clip_007_9x16_subs.mp4'); // 7
 * clipIdFromFileName('3_step1_temp.mp4');       // null
 * ```
 */
export function clipIdFromFileName(name: string): number | null {
  if (isTempFileName(name)) return null;
  const match = PLAIN_NAME.exec(name) ?? CLIP_NAME.exec(name);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id >= 1 ? id : null;
}

/** True for the leftovers of an interrupted CLIPER export. */
export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name.replace(/\.mp4$/i, ''));
}

/**
 * Lists the clip files of an output folder: the root and the style sub-folders (one level; `copys/` and
 * other folders are not clip folders).
 *
 * @example
 * ```ts
 * const scan = await findClipFiles('/videos/output/My talk');
 * scan.byId.get(7); // [{ clipId: 7, file: '/videos/output/My talk/viral/7.mp4', styleFolder: 'viral' }]
 * ```
 */
export async function findClipFiles(root: string): Promise<ClipFileScan> {
  const scan: ClipFileScan = { byId: new Map(), unrecognized: [], ignored: [] };
  const folders: Array<{ dir: string; styleFolder: string | null }> = [{ dir: root, styleFolder: null }];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && STYLE_FOLDERS.includes(entry.name.toLowerCase())) {
      folders.push({ dir: path.join(root, entry.name), styleFolder: entry.name });
    }
  }
  for (const { dir, styleFolder } of folders) {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    for (const entry of entries) {
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (!/\.mp4$/i.test(entry.name) || entry.name.startsWith('.')) continue;
      const file = path.join(dir, entry.name);
      if (isTempFileName(entry.name)) {
        scan.ignored.push(file);
        continue;
      }
      const clipId = clipIdFromFileName(entry.name);
      if (clipId === null) {
        scan.unrecognized.push(file);
        continue;
      }
      const list = scan.byId.get(clipId) ?? [];
      list.push({ clipId, file, styleFolder });
      scan.byId.set(clipId, list);
    }
  }
  return scan;
}
