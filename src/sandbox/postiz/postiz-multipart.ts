import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** The file part of a multipart body, streamed to a temp file while hashing. */
export interface ReceivedFile {
  field: string;
  filename: string;
  /** Bytes in the part (counted even past `maxBytes`). */
  size: number;
  /** sha256 (hex) of the bytes written; meaningful only when `oversize` is false. */
  sha256: string;
  /** The first 16 bytes, for type sniffing. */
  head: Buffer;
  /** Temp file holding the bytes (absent when nothing was kept). */
  tempPath?: string;
  /** True when the part went over `maxBytes`: writing stopped, the rest was drained. */
  oversize: boolean;
}

/** Options of {@link receiveMultipart}. */
export interface ReceiveMultipartOptions {
  /** Name of the file field to keep (others are drained). */
  fileField: string;
  /** Stop keeping file bytes past this size. */
  maxBytes: number;
  /** Directory for the temp file. */
  dir: string;
}

/** Thrown for a body that is not valid multipart/form-data. */
export class MultipartError extends Error {}

/**
 * A small streaming `multipart/form-data` parser: the file part goes chunk by chunk to a temp file
 * (with backpressure) while its sha256 is computed; memory stays bounded by the chunk size whatever
 * the file size. Small text fields are collected (64 KiB cap each).
 *
 * @example
 * ```ts
 * const { file } = await receiveMultipart(req, req.headers['content-type'], { fileField: 'file', maxBytes, dir });
 * ```
 */
export async function receiveMultipart(
  body: Readable,
  contentType: string | undefined,
  options: ReceiveMultipartOptions,
): Promise<{ file?: ReceivedFile; fields: Record<string, string> }> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!contentType?.toLowerCase().startsWith('multipart/form-data') || !m)
    throw new MultipartError('not multipart/form-data');
  const boundary = m[1] ?? m[2] ?? '';
  const dash = Buffer.from(`--${boundary}`);
  const delim = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let file: ReceivedFile | undefined;
  let sink: PartSink | undefined;
  let state: 'preamble' | 'after' | 'headers' | 'body' | 'done' = 'preamble';
  let buf: Buffer = Buffer.alloc(0);

  const fail = async (error: unknown): Promise<never> => {
    await sink?.end().catch(() => undefined);
    if (file?.tempPath) await rm(file.tempPath, { force: true });
    throw error;
  };
  try {
    for await (const chunk of body) {
      buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
      for (;;) {
        if (state === 'preamble') {
          const i = buf.indexOf(dash);
          if (i < 0) {
            buf = Buffer.from(buf.subarray(Math.max(0, buf.length - dash.length)));
            break;
          }
          buf = buf.subarray(i + dash.length);
          state = 'after';
        } else if (state === 'after') {
          if (buf.length < 2) break;
          if (buf[0] === 0x2d && buf[1] === 0x2d) {
            state = 'done';
            break;
          }
          buf = buf.subarray(2);
          state = 'headers';
        } else if (state === 'headers') {
          const i = buf.indexOf('\r\n\r\n');
          if (i < 0) {
            if (buf.length > 16_384) throw new MultipartError('part headers too long');
            break;
          }
          const head = parseHeaders(buf.subarray(0, i).toString('latin1'));
          buf = buf.subarray(i + 4);
          if (head.name === options.fileField && head.filename && !file) {
            file = {
              field: head.name,
              filename: head.filename,
              size: 0,
              sha256: '',
              head: Buffer.alloc(0),
              oversize: false,
            };
            sink = new FileSink(file, options);
          } else {
            sink = new FieldSink(head.name, fields);
          }
          state = 'body';
        } else if (state === 'body') {
          const i = buf.indexOf(delim);
          if (i >= 0) {
            await sink!.write(buf.subarray(0, i));
            await sink!.end();
            buf = buf.subarray(i + delim.length);
            state = 'after';
            continue;
          }
          const keep = delim.length - 1;
          if (buf.length > keep) {
            await sink!.write(buf.subarray(0, buf.length - keep));
            buf = Buffer.from(buf.subarray(buf.length - keep));
          }
          break;
        } else {
          break;
        }
      }
    }
  } catch (error) {
    return fail(error);
  }
  if (state !== 'done') return fail(new MultipartError('multipart body ended early'));
  return { file, fields };
}

interface PartSink {
  write(data: Buffer): Promise<void>;
  end(): Promise<void>;
}

class FieldSink implements PartSink {
  #chunks: Buffer[] = [];
  #size = 0;
  constructor(
    private name: string,
    private fields: Record<string, string>,
  ) {}
  async write(data: Buffer): Promise<void> {
    if (this.#size + data.length > 65_536) return;
    this.#size += data.length;
    this.#chunks.push(Buffer.from(data));
  }
  async end(): Promise<void> {
    if (this.name) this.fields[this.name] = Buffer.concat(this.#chunks).toString('utf8');
  }
}

class FileSink implements PartSink {
  #hash = createHash('sha256');
  #out: WriteStream | undefined;
  #ended = false;
  constructor(
    private file: ReceivedFile,
    private options: ReceiveMultipartOptions,
  ) {}
  async write(data: Buffer): Promise<void> {
    if (!data.length) return;
    const f = this.file;
    if (f.head.length < 16) f.head = Buffer.concat([f.head, data.subarray(0, 16 - f.head.length)]);
    f.size += data.length;
    if (f.size > this.options.maxBytes) {
      f.oversize = true;
      return;
    }
    if (!this.#out) {
      f.tempPath = join(this.options.dir, `${randomUUID()}.part`);
      this.#out = createWriteStream(f.tempPath);
    }
    this.#hash.update(data);
    if (!this.#out.write(data)) await once(this.#out, 'drain');
  }
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.file.sha256 = this.#hash.digest('hex');
    const out = this.#out;
    if (out)
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
  }
}

function parseHeaders(text: string): { name: string; filename: string } {
  const disposition =
    text.split('\r\n').find((l) => l.toLowerCase().startsWith('content-disposition:')) ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? '';
  return { name, filename };
}

/** The media types Postiz accepts, sniffed from the first bytes (reference §6.9). */
export type SniffedType = { mime: string; ext: string; video: boolean };

/**
 * Sniffs the real type from magic bytes: MP4 (`ftyp` at offset 4), AVIF (`ftyp` brand avif/avis),
 * JPEG, PNG, GIF, WebP, BMP, TIFF. Undefined for anything else.
 *
 * @example
 * ```ts
 * sniffMedia(Buffer.from([0xff, 0xd8, 0xff, 0xe0])); // { mime: 'image/jpeg', ext: 'jpg', video: false }
 * ```
 */
export function sniffMedia(head: Buffer): SniffedType | undefined {
  const ascii = (from: number, to: number) => head.subarray(from, to).toString('latin1');
  if (head.length >= 12 && ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis') return { mime: 'image/avif', ext: 'avif', video: false };
    if (brand.startsWith('qt')) return undefined; // QuickTime .mov is refused
    return { mime: 'video/mp4', ext: 'mp4', video: true };
  }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { mime: 'image/jpeg', ext: 'jpg', video: false };
  if (head[0] === 0x89 && ascii(1, 4) === 'PNG') return { mime: 'image/png', ext: 'png', video: false };
  if (ascii(0, 4) === 'GIF8') return { mime: 'image/gif', ext: 'gif', video: false };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP')
    return { mime: 'image/webp', ext: 'webp', video: false };
  if (ascii(0, 2) === 'BM') return { mime: 'image/bmp', ext: 'bmp', video: false };
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*')
    return { mime: 'image/tiff', ext: 'tif', video: false };
  return undefined;
}
