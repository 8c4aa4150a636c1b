import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { CLIP_PROBLEM_CODES } from '../core/clips/cliper-campaign.js';
import { STYLE_FOLDERS } from '../core/clips/find-clip-files.js';
import { loadCliperFolder } from '../core/clips/load-cliper-folder.js';
import { InputError, isInputError } from '../core/input-error.js';
import { HttpProblem } from './problem.js';

/** Limits of one folder upload; every default is documented here. */
export interface UploadLimits {
  /** Largest clip (`.mp4`). Default 1 GiB. */
  maxFileBytes: number;
  /** Largest `clips_copys.json`. Default 5 MiB. */
  maxClipsFileBytes: number;
  /** Largest upload, all files together. Default 8 GiB. */
  maxTotalBytes: number;
  /** Most files in one upload. Default 1000. */
  maxFiles: number;
  /** How long an upload waits for its campaign before it is removed. Default 1 h. */
  ttlMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: 1024 ** 3,
  maxClipsFileBytes: 5 * 1024 ** 2,
  maxTotalBytes: 8 * 1024 ** 3,
  maxFiles: 1000,
  ttlMs: 3_600_000,
};

/** What an accepted upload holds. */
export interface UploadSummary {
  uploadId: string;
  /** The `video_id` of its clips file. */
  videoId: string;
  /** The folder name the browser picked (the `folder` field), when sent. */
  folder: string | null;
  /** Clips listed in the clips file. */
  clips: number;
  files: number;
  bytes: number;
  expiresAt: number;
}

interface Staged {
  dir: string;
  keyId: string;
  summary: UploadSummary;
  busy: boolean;
}

const CLIPS_FILE = 'clips_copys.json';
const FIX_NAMES = 'send each clip as <id>.mp4 (or <style>/<id>.mp4) and the captions as copys/clips_copys.json, relative to the video folder';
const ID = /^up_[0-9a-f]{32}$/;

/**
 * CLIPER folders uploaded from the dashboard, staged under `<media root>/uploads/<id>/` (the media store's
 * file system, so the campaign's import hard-links each clip instead of copying it) until a campaign is
 * planned from them. Each file part is streamed to disk as it arrives, never held whole in memory, with
 * a size limit per file and per upload. An upload that fails or is cut off removes its folder before
 * the request ends; an accepted one is kept for `ttlMs`, then swept. Uploads belong to the API key
 * that sent them.
 *
 * @example
 * ```ts
 * const uploads = new FolderUploads(join(app.media.root, 'uploads'), app.clock);
 * const summary = await uploads.receive(request, request.apiKey!.id);
 * const dir = uploads.take(summary.uploadId, keyId); // plan from dir, then uploads.discard(id)
 * ```
 */
export class FolderUploads {
  readonly limits: UploadLimits;
  readonly #staged = new Map<string, Staged>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly root: string,
    private readonly clock: Clock,
    limits: Partial<UploadLimits> = {},
  ) {
    this.limits = { ...DEFAULT_UPLOAD_LIMITS, ...limits };
  }

  /** Reads a multipart request into a new upload; on any failure nothing of it is left on disk. */
  async receive(request: FastifyRequest, keyId: string): Promise<UploadSummary> {
    const job = this.#receive(request, keyId);
    this.#inFlight.add(job);
    try {
      return await job;
    } finally {
      this.#inFlight.delete(job);
    }
  }

  /** Resolves once no upload is being received (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
  }

  /** The folder of a live upload of this key, marked busy until {@link release}; 404 or 409 otherwise. */
  take(id: string, keyId: string): { dir: string; summary: UploadSummary } {
    const staged = this.#live(id, keyId);
    if (staged.busy) throw new HttpProblem(409, 'upload-busy', `upload ${id} is being planned by another request`, { hint: 'wait for it to finish, then try again' });
    staged.busy = true;
    return { dir: staged.dir, summary: staged.summary };
  }

  /** Ends a {@link take} that did not use the upload up (it stays for another try). */
  release(id: string): void {
    const staged = this.#staged.get(id);
    if (staged) staged.busy = false;
  }

  /** The folder of a live upload of this key, for a read-only use (a preview). */
  peek(id: string, keyId: string): { dir: string; summary: UploadSummary } {
    const staged = this.#live(id, keyId);
    return { dir: staged.dir, summary: staged.summary };
  }

  /** Removes an upload and its files. */
  async discard(id: string): Promise<void> {
    const staged = this.#staged.get(id);
    this.#staged.delete(id);
    if (staged) await rm(staged.dir, { recursive: true, force: true });
  }

  /**
   * Removes expired uploads, and upload folders on disk no live upload owns whose files are older than
   * the TTL (left by a process that stopped).
   */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    for (const [id, staged] of this.#staged) if (!staged.busy && staged.summary.expiresAt <= now) await this.discard(id);
    const owned = new Set([...this.#staged.values()].map((s) => s.dir));
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      const dir = join(this.root, name);
      if (owned.has(dir) || !ID.test(name)) continue;
      const info = await stat(dir).catch(() => undefined);
      if (info && now - info.mtimeMs >= this.limits.ttlMs) await rm(dir, { recursive: true, force: true });
    }
  }

  /** Waits for uploads in progress, then removes every upload of this process. */
  async close(): Promise<void> {
    await this.settled();
    for (const id of [...this.#staged.keys()]) await this.discard(id);
  }

  #live(id: string, keyId: string): Staged {
    const staged = this.#staged.get(id);
    if (!staged || staged.keyId !== keyId || staged.summary.expiresAt <= this.clock.now()) {
      throw new HttpProblem(404, 'upload-not-found', `upload ${id} does not exist or has expired`, { hint: 'upload the CLIPER folder again' });
    }
    return staged;
  }

  async #receive(request: FastifyRequest, keyId: string): Promise<UploadSummary> {
    if (!request.isMultipart()) {
      throw new HttpProblem(415, 'upload-not-multipart', `content type "${request.headers['content-type'] ?? ''}" is not an upload: send multipart/form-data`, { hint: `one file part per clip and one for copys/clips_copys.json; ${FIX_NAMES}` });
    }
    const { maxFileBytes, maxClipsFileBytes, maxTotalBytes, maxFiles } = this.limits;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxTotalBytes + 1024 * 1024) throw tooLarge(`the upload is ${formatBytes(declared)}, over the ${formatBytes(maxTotalBytes)} one upload may be`, `upload fewer clips at a time${RAISE_TOTAL}`);
    await this.sweep();
    const uploadId = `up_${randomBytes(16).toString('hex')}`;
    const dir = join(this.root, uploadId);
    await mkdir(dir, { recursive: true });
    const seen = new Set<string>();
    let total = 0;
    let files = 0;
    let folder: string | null = null;
    let clipsFileName: string | undefined;
    try {
      const parts = request.parts({ preservePath: true, limits: { fileSize: Math.max(maxFileBytes, maxClipsFileBytes), files: maxFiles + 1, fields: 10, fieldSize: 1024, parts: maxFiles + 11 } });
      for await (const part of parts) {
        if (part.type === 'field') {
          const field = part as MultipartValue;
          // Kept as the campaign's source: no control characters (PostgreSQL refuses a NUL).
          // eslint-disable-next-line no-control-regex
          if (field.fieldname === 'folder' && typeof field.value === 'string') folder = field.value.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255) || null;
          continue;
        }
        const file = part as MultipartFile;
        const target = clipTarget(file.filename);
        if (seen.has(target.key)) {
          file.file.resume();
          throw new HttpProblem(422, 'upload-file-duplicate', `${quoted(file.filename)} is in the upload twice`, { hint: 'send each file once' });
        }
        seen.add(target.key);
        if (target.isClipsFile) clipsFileName = file.filename;
        if (++files > maxFiles) throw new HttpProblem(413, 'upload-too-many-files', `the upload has more than ${maxFiles} files`, { hint: 'pick the folder of one video (output/<video name>/)' });
        const limit = target.isClipsFile ? maxClipsFileBytes : maxFileBytes;
        const path = join(dir, ...target.segments);
        if (target.segments.length > 1) await mkdir(join(dir, target.segments[0]!), { recursive: true });
        let size = 0;
        const counter = new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.length;
            total += chunk.length;
            if (size > limit) return done(tooLarge(`${quoted(file.filename)} is larger than the ${formatBytes(limit)} ${target.isClipsFile ? 'a clips file' : 'a clip'} may be`, target.isClipsFile ? 'check that it is the clips_copys.json CLIPER wrote' : `trim or re-encode the clip (short-form platforms take clips of a few minutes at most)${RAISE_CLIP}`));
            if (total > maxTotalBytes) return done(tooLarge(`the upload is larger than the ${formatBytes(maxTotalBytes)} one upload may be (stopped at ${quoted(file.filename)})`, `upload fewer clips at a time${RAISE_TOTAL}`));
            done(null, chunk);
          },
        });
        // 'wx': a name that is already there (it cannot be, names are checked) is never overwritten.
        await pipeline(file.file, counter, createWriteStream(path, { flags: 'wx' }));
        if (file.file.truncated) throw tooLarge(`${quoted(file.filename)} is larger than the ${formatBytes(limit)} a file may be`, 'trim or re-encode the clip');
      }
      if (!clipsFileName) {
        throw new HttpProblem(422, 'upload-clips-file-missing', `the upload has no copys/${CLIPS_FILE}${files ? '' : ' (it has no files at all)'}`, { hint: 'pick the whole CLIPER folder of one video (output/<video name>/): it holds copys/clips_copys.json next to the clips' });
      }
      const summary = await this.#check(dir, uploadId, folder, files, total);
      this.#staged.set(uploadId, { dir, keyId, summary, busy: false });
      return summary;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw asProblem(error, dir);
    }
  }

  /** Loads the staged folder: the clips file must parse and every clip it lists must have come. */
  async #check(dir: string, uploadId: string, folder: string | null, files: number, bytes: number): Promise<UploadSummary> {
    const loaded = await loadCliperFolder(dir);
    const missing = loaded.problems.filter((p) => p.code === CLIP_PROBLEM_CODES.fileMissing && p.clipId !== null).map((p) => p.clipId!);
    if (missing.length) {
      const shown = missing.slice(0, 20);
      throw new HttpProblem(422, 'upload-clips-missing', `copys/${CLIPS_FILE} lists clip${missing.length > 1 ? 's' : ''} ${shown.join(', ')}${missing.length > shown.length ? ` and ${missing.length - shown.length} more` : ''}, but no file was uploaded for ${missing.length > 1 ? 'them' : 'it'} (${shown.map((id) => `${id}.mp4`).join(', ')})`, { hint: 'pick the whole CLIPER folder, or add the missing clips to the upload' });
    }
    return { uploadId, videoId: loaded.videoId, folder, clips: loaded.clips.length, files, bytes, expiresAt: this.clock.now() + this.limits.ttlMs };
  }
}

/**
 * Where a file part goes inside the upload folder. Taken: `<name>.mp4` at the top or in a style folder
 * (`viral/7.mp4`), and `copys/clips_copys.json` (or `clips_copys.json` alone, from a file picker without
 * folders). Anything else, `..`, absolute paths and backslashes included, is refused naming the file.
 */
export function clipTarget(filename: string): { segments: string[]; key: string; isClipsFile: boolean } {
  const name = filename ?? '';
  const refuse = (why: string, hint = FIX_NAMES): never => {
    throw new HttpProblem(422, 'upload-file-name', `${quoted(name)} ${why}`, { hint });
  };
  if (!name) refuse('is not a file name: every file part needs a filename');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(name)) refuse('holds a backslash or a control character', 'use / between folders');
  if (name.startsWith('/') || /^[a-z]:/i.test(name)) refuse('is an absolute path; names are relative to the video folder');
  const segments = name.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) refuse('leaves the video folder (an empty, . or .. part)');
  if (segments.some((s) => Buffer.byteLength(s) > 255)) refuse('has a part longer than 255 bytes');
  const base = segments[segments.length - 1]!;
  if (base.toLowerCase() === CLIPS_FILE && (segments.length === 1 || (segments.length === 2 && segments[0]!.toLowerCase() === 'copys'))) {
    return { segments: ['copys', CLIPS_FILE], key: 'copys/clips_copys.json', isClipsFile: true };
  }
  if (!/\.mp4$/i.test(base) || base.startsWith('.')) {
    throw new HttpProblem(422, 'upload-file-type', `${quoted(name)} is not a clip: an upload takes .mp4 clips and copys/${CLIPS_FILE} only`, { hint: 'leave the other files out (the dashboard skips them for you)' });
  }
  if (segments.length > 2 || (segments.length === 2 && !STYLE_FOLDERS.includes(segments[0]!.toLowerCase()))) {
    refuse(`is in a folder clipcast does not read clips from; clips go at the top or in ${STYLE_FOLDERS.map((s) => `${s}/`).join(', ')}`, 'pick the folder of one video (output/<video name>/), not its parent');
  }
  return { segments, key: segments.join('/').toLowerCase(), isClipsFile: false };
}

/** How the operator raises the limits (`clipcast serve` reads them from the config). */
const RAISE_CLIP = ', or raise the limit with CLIPCAST_UPLOAD_MAX_CLIP_MB';
const RAISE_TOTAL = ', or raise the limit with CLIPCAST_UPLOAD_MAX_TOTAL_MB';

function tooLarge(detail: string, hint: string): HttpProblem {
  return new HttpProblem(413, 'upload-too-large', detail, { hint });
}

/** A file name for a message: JSON-quoted (control characters escaped), cut to 200 characters. */
function quoted(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** Our problems as they are; the loader's with the staging folder cut from its paths; the parser's as 400/413. */
function asProblem(error: unknown, dir: string): unknown {
  if (error instanceof HttpProblem) return error;
  if (isInputError(error)) {
    const strip = (s: string) => s.split(`${dir}/`).join('').split(dir).join('the upload');
    return new InputError(error.code, strip(error.message), error.hint ? strip(error.hint) : undefined);
  }
  const code = (error as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') return new HttpProblem(413, 'upload-too-many-files', 'the upload has more files than this server takes at once', { hint: 'pick the folder of one video (output/<video name>/)' });
  if (code === 'FST_FIELDS_LIMIT') return new HttpProblem(413, 'upload-too-many-fields', 'the upload has more form fields than it needs', { hint: 'send the files, and at most a folder field' });
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge('a file of the upload is larger than this server takes', 'trim or re-encode the clip');
  if (code === 'FST_MP_PREMATURE_CLOSE') return new HttpProblem(400, 'upload-cut-off', 'the upload was cut off before its end; nothing of it was kept', { hint: 'send it again' });
  if (code === 'FST_PROTO_VIOLATION' || code === 'FST_INVALID_JSON_FIELD_ERROR') return new HttpProblem(400, 'upload-malformed', 'the upload is not well-formed multipart/form-data', { hint: 'send it again' });
  if (error instanceof Error && /multipart|boundary|part terminated|unexpected end|premature close|malformed/i.test(error.message)) {
    return new HttpProblem(400, 'upload-malformed', 'the upload is not well-formed multipart/form-data, or it was cut off', { hint: 'send it again' });
  }
  return error;
}
