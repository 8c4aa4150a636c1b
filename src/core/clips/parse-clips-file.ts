import { z } from 'zod';
import { findNulByte } from '../find-nul-byte.js';
import { InputError } from '../input-error.js';
import { jsonErrorPosition } from './json-error-position.js';

/** The shape clipcast requires of each clip entry; everything else is optional and kept. */
const clipEntrySchema = z.looseObject({
  clip_id: z.int().positive(),
  copy: z.string(),
  metadata: z.unknown().optional(),
});

/** The shape clipcast requires of `clips_copys.json`. Only `clips`, `clip_id` and `copy` are needed. */
const clipsFileSchema = z.looseObject({
  video_id: z.string().optional(),
  clips: z.array(clipEntrySchema),
});

/** One clip entry as written, validated for the fields clipcast needs. */
export type RawClipEntry = z.infer<typeof clipEntrySchema>;

/** `clips_copys.json` as written, validated for the fields clipcast needs. */
export type RawClipsFile = z.infer<typeof clipsFileSchema>;

/**
 * Parses the text of a `clips_copys.json`. Throws an {@link InputError} naming the file, the place
 * (line and column for bad JSON, clip and field for a wrong type) and the fix.
 *
 * @example
 * ```ts
 * const raw = parseClipsFile(await readFile(file, 'utf8'), file);
 * raw.clips[0].copy;
 * ```
 */
export function parseClipsFile(text: string, file: string): RawClipsFile {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const where = jsonErrorPosition(body) ?? { line: 1, column: 1 };
    throw new InputError(
      'CLIPS_FILE_MALFORMED',
      `${file} is not valid JSON (line ${where.line}, column ${where.column}): ${error instanceof Error ? error.message : String(error)}`,
      'fix the JSON at that place, or re-run CLIPER to write the file again',
      file,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(
      'CLIPS_FILE_INVALID',
      `${file} must hold a JSON object with a "clips" array, found ${describe(json)}`,
      'point clipcast at a CLIPER output folder or its copys/clips_copys.json',
      file,
    );
  }
  const result = clipsFileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(
      'CLIPS_FILE_INVALID',
      `${file}: ${describeIssuePlace(issue?.path ?? [], json)} ${describeIssue(issue, json)}`,
      'fix that field in the clips file (clip_id: a whole number from 1; copy: a string)',
      file,
    );
  }
  const nul = findNulByte(json, '');
  if (nul) {
    const place = nul.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    throw new InputError('NUL_BYTE', `${file}: ${describeIssuePlace(place, json).replace(/:$/, '')} contains a NUL character (\\u0000)`, 'remove the NUL character from the clips file (a caption cannot hold one)', file);
  }
  return result.data;
}

function describeIssuePlace(path: readonly PropertyKey[], json: object): string {
  if (path[0] !== 'clips' || typeof path[1] !== 'number') {
    return path.length > 0 ? `field "${path.map(String).join('.')}":` : 'the top level:';
  }
  const entry = (json as { clips: unknown[] }).clips[path[1]];
  const id = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).clip_id : undefined;
  const clip = typeof id === 'number' && Number.isInteger(id) && id > 0 ? `clip ${id}` : `clip #${path[1] + 1} in the list`;
  const field = path.slice(2).map(String).join('.');
  return field ? `${clip}, field "${field}":` : `${clip}:`;
}

function describeIssue(issue: z.core.$ZodIssue | undefined, json: object): string {
  if (!issue) return 'has an invalid shape';
  const value = valueAt(json, issue.path);
  const field = issue.path.at(-1);
  if (field === 'clip_id') return `must be a whole number from 1, found ${describe(value)}`;
  if (field === 'copy') return `must be a string (the caption), found ${describe(value)}`;
  if (field === 'clips') return `must be an array of clips, found ${describe(value)}`;
  if (issue.path.length === 2 && issue.path[0] === 'clips') return `must be an object with clip_id and copy, found ${describe(value)}`;
  if (field === 'video_id') return `must be a string, found ${describe(value)}`;
  return `${issue.message}, found ${describe(value)}`;
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
