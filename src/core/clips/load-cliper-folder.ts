import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../input-error.js';
import { CLIP_PROBLEM_CODES as CODES } from './cliper-campaign.js';
import type { CliperCampaign, ClipProblem, LoadedClip } from './cliper-campaign.js';
import { extractHashtags } from './extract-hashtags.js';
import { findClipFiles, STYLE_FOLDERS } from './find-clip-files.js';
import { parseClipMetadata } from './parse-clip-metadata.js';
import { parseClipsFile } from './parse-clips-file.js';
import type { RawClipsFile } from './parse-clips-file.js';
import { parseGeneratedAt } from './parse-generated-at.js';

const CLIPS_FILE_NAME = 'clips_copys.json';
const TOP_LEVEL_FIELDS = new Set(['video_id', 'generated_at', 'model', 'style', 'clips']);
const CLIP_FIELDS = new Set(['clip_id', 'copy', 'metadata']);

/**
 * Loads a CLIPER output folder: the clips file and the clip files it names.
 *
 * `input` is the folder (`output/<video name>/`) or its `copys/clips_copys.json`. Problems with single
 * clips (a missing file, two files for one id, an unlisted file, an incomplete generation) are returned
 * in `problems`; a folder or clips file that cannot be used at all throws an {@link InputError} naming
 * the file and the fix. Temp leftovers (`3_step1_temp.mp4`) are ignored. Nothing is written.
 *
 * @example
 * ```ts
 * const campaign = await loadCliperFolder('output/AI CDMX Live Stream_BjIPizwLtro');
 * const ready = campaign.clips.filter((c) => !campaign.problems.some((p) => p.clipId === c.clipId && p.severity === 'error'));
 * ```
 */
export async function loadCliperFolder(input: string): Promise<CliperCampaign> {
  const { root, clipsFile } = await locateClipsFile(path.resolve(input));
  let bytes: Buffer;
  try {
    bytes = await readFile(clipsFile);
  } catch (error) {
    throw new InputError('CLIPS_FILE_UNREADABLE', `cannot read ${clipsFile}: ${(error as Error).message}`, 'check the file permissions', clipsFile);
  }
  const raw = parseClipsFile(bytes.toString('utf8'), clipsFile);
  const scan = await findClipFiles(root).catch((error: unknown) => {
    throw new InputError('FOLDER_UNREADABLE', `cannot list ${root}: ${(error as Error).message}`, 'check the folder permissions', root);
  });
  const problems: ClipProblem[] = [];
  const clips: LoadedClip[] = [];
  const seen = new Set<number>();

  for (const entry of raw.clips) {
    const clipId = entry.clip_id;
    if (seen.has(clipId)) {
      problems.push({ clipId, code: CODES.idDuplicate, severity: 'error', message: `Clip ${clipId} is listed twice in ${CLIPS_FILE_NAME}; the second entry is ignored and the clip is not published. Fix: remove or renumber one entry.` });
      continue;
    }
    seen.add(clipId);
    const files = scan.byId.get(clipId) ?? [];
    const found = files.length === 1 ? files[0] : undefined;
    if (files.length === 0) {
      problems.push({ clipId, code: CODES.fileMissing, severity: 'error', message: `Clip ${clipId} is listed in ${CLIPS_FILE_NAME} but has no file (looked for ${clipId}.mp4, <style>/${clipId}.mp4 and clip_${String(clipId).padStart(3, '0')}_….mp4). Fix: export the clip again, or remove it from the clips file.` });
    } else if (files.length > 1) {
      const names = files.map((f) => path.relative(root, f.file));
      problems.push({ clipId, file: files[0]?.file, code: CODES.fileDuplicate, severity: 'error', message: `Clip ${clipId} has ${files.length} files (${names.join(', ')}); clipcast does not guess which one to publish. Fix: keep one and delete or rename the others.` });
    }
    const { metadata, invalid } = parseClipMetadata(entry.metadata);
    for (const field of invalid) {
      problems.push({ clipId, code: CODES.metadataInvalid, severity: 'warning', message: `Clip ${clipId}: metadata.${field} is ignored. Fix it in the clips file to use it.` });
    }
    if (entry.copy.trim() === '') {
      problems.push({ clipId, code: CODES.copyEmpty, severity: 'warning', message: `Clip ${clipId} has an empty copy; it would be posted without a caption. Fix: write a caption or pass one as an override.` });
    }
    clips.push({
      clipId,
      file: found?.file ?? null,
      styleFolder: found?.styleFolder ?? null,
      copy: entry.copy,
      hashtags: extractHashtags(entry.copy),
      metadata,
      extra: Object.fromEntries(Object.entries(entry).filter(([key]) => !CLIP_FIELDS.has(key))),
    });
  }

  for (const [clipId, files] of scan.byId) {
    if (seen.has(clipId)) continue;
    for (const found of files) {
      problems.push({ clipId, file: found.file, code: CODES.fileUnlisted, severity: 'warning', message: `${path.relative(root, found.file)} has no entry in ${CLIPS_FILE_NAME} (no caption), so it is left out. Fix: generate its copy with CLIPER, or remove the file.` });
    }
  }
  for (const file of scan.unrecognized) {
    problems.push({ clipId: null, file, code: CODES.fileUnrecognized, severity: 'warning', message: `${path.relative(root, file)} is not named like a clip (<id>.mp4 or clip_<id>_….mp4), so it is ignored. Fix: rename it to its clip id, e.g. 7.mp4.` });
  }
  problems.push(...completenessProblems(raw, raw.clips.length));

  const generatedAtRaw = typeof raw.generated_at === 'string' ? raw.generated_at : null;
  const generatedAt = generatedAtRaw === null ? null : parseGeneratedAt(generatedAtRaw);
  if (generatedAtRaw !== null && generatedAt === null) {
    problems.push({ clipId: null, code: CODES.generatedAtUnparsed, severity: 'warning', message: `generated_at "${generatedAtRaw}" is not a timestamp clipcast can read; it is kept as written.` });
  }
  return {
    root,
    clipsFile,
    clipsFileSha256: createHash('sha256').update(bytes).digest('hex'),
    videoId: raw.video_id ?? path.basename(root),
    generatedAt,
    generatedAtRaw,
    style: typeof raw.style === 'string' ? raw.style : null,
    model: typeof raw.model === 'string' ? raw.model : null,
    clips,
    problems,
    extra: Object.fromEntries(Object.entries(raw).filter(([key]) => !TOP_LEVEL_FIELDS.has(key))),
  };
}

/** Warnings for an incomplete CLIPER generation (`missing_clips`, `total_clips`). */
function completenessProblems(raw: RawClipsFile, listed: number): ClipProblem[] {
  const problems: ClipProblem[] = [];
  const generation = raw.generation_metadata;
  if (typeof generation === 'object' && generation !== null) {
    const missing = (generation as Record<string, unknown>).missing_clips;
    if (Array.isArray(missing) && missing.length > 0) {
      problems.push({ clipId: null, code: CODES.generationIncomplete, severity: 'warning', message: `CLIPER did not generate copies for clip${missing.length > 1 ? 's' : ''} ${missing.map(String).join(', ')} (generation_metadata.missing_clips); they are not in the campaign. Fix: re-run CLIPER's copy generation to include them.` });
    }
  }
  if (listed === 0) {
    problems.push({ clipId: null, code: CODES.clipsEmpty, severity: 'warning', message: `${CLIPS_FILE_NAME} lists no clips, so there is nothing to publish. Fix: re-run CLIPER's copy generation.` });
  }
  const total = raw.total_clips;
  if (typeof total === 'number' && total !== listed) {
    problems.push({ clipId: null, code: CODES.countMismatch, severity: 'warning', message: `${CLIPS_FILE_NAME} says total_clips is ${total} but lists ${listed} clip${listed === 1 ? '' : 's'}; the generation was probably incomplete. Only the listed clips are used.` });
  }
  return problems;
}

/** Finds the clips file and the output folder for a folder or file path. */
async function locateClipsFile(target: string): Promise<{ root: string; clipsFile: string }> {
  const info = await stat(target).catch(() => null);
  if (!info) {
    throw new InputError('FOLDER_NOT_FOUND', `${target} does not exist`, 'check the path: point clipcast at a CLIPER output folder (output/<video name>/) or its copys/clips_copys.json', target);
  }
  if (info.isFile()) {
    if (!/\.json$/i.test(target)) {
      throw new InputError('CLIPS_FILE_NOT_FOUND', `${target} is not a clips file (.json)`, 'point clipcast at the CLIPER output folder or its copys/clips_copys.json', target);
    }
    const dir = path.dirname(target);
    return { root: path.basename(dir).toLowerCase() === 'copys' ? path.dirname(dir) : dir, clipsFile: target };
  }
  for (const candidate of [path.join(target, 'copys', CLIPS_FILE_NAME), path.join(target, CLIPS_FILE_NAME)]) {
    if (await isFile(candidate)) {
      const root = path.basename(target).toLowerCase() === 'copys' && candidate === path.join(target, CLIPS_FILE_NAME) ? path.dirname(target) : target;
      return { root, clipsFile: candidate };
    }
  }
  const nested = await nestedCampaigns(target);
  throw new InputError(
    'CLIPS_FILE_NOT_FOUND',
    `${target} has no copys/${CLIPS_FILE_NAME}`,
    nested.length > 0
      ? `this looks like CLIPER's output/ folder; point at one video folder, e.g. ${nested.map((n) => JSON.stringify(path.join(target, n))).join(' or ')}`
      : `point clipcast at a CLIPER output folder (output/<video name>/); if CLIPER stopped before writing captions, run its copy generation step`,
    target,
  );
}

/** Up to 3 sub-folders that hold a campaign (the user pointed at `output/`). */
async function nestedCampaigns(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || STYLE_FOLDERS.includes(entry.name.toLowerCase())) continue;
    if (await isFile(path.join(dir, entry.name, 'copys', CLIPS_FILE_NAME))) found.push(entry.name);
    if (found.length === 3) break;
  }
  return found;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false;
}
