import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { systemClock, type Clock } from '../core/clock.js';
import type { MediaUrlSigner } from './signed-url.js';

/** Options of {@link createMediaHandler}. */
export interface MediaHandlerOptions {
  signer: MediaUrlSigner;
  /** Maps a verified media key (store path or sha256) to a file on disk; undefined when unknown. */
  resolve(key: string): Promise<string | undefined> | string | undefined;
  clock?: Clock;
  /** Content-Type sent. Default `video/mp4`. */
  contentType?: string;
}

/** A byte range, inclusive. */
interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a single-range `Range` header against `size`: a range, `'unsatisfiable'`, or undefined
 * (absent, multi-range or not bytes: serve the whole file, as RFC 9110 allows).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || (b !== '' && Number(b) < start)) return 'unsatisfiable';
  return { start, end };
}

/**
 * A plain Node `(req, res)` handler serving signed media URLs: checks signature and expiry, then streams
 * the file from disk with Range support (206, 416, Content-Length, Accept-Ranges), as Meta's fetcher
 * expects. Mountable in Fastify (`reply.hijack()`) or a bare `node:http` server.
 *
 * @example
 * ```ts
 * const handler = createMediaHandler({ signer, resolve: (sha) => store.pathOf(sha) });
 * http.createServer((req, res) => void handler(req, res)).listen(8080);
 * ```
 */
export function createMediaHandler(options: MediaHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const clock = options.clock ?? systemClock;
  const type = options.contentType ?? 'video/mp4';
  return async (req, res) => {
    // Errors are RFC 9457 problem documents, like every other answer of the API this is mounted in.
    const plain = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
      const slug = text.toLowerCase().replaceAll(' ', '-');
      const instance = (req.url ?? '/').split('?')[0]!.slice(0, 200);
      const body = JSON.stringify({ type: `https://clipcast.dev/problems/media-${slug}`, title: STATUS_CODES[status] ?? 'Error', status, detail: text, instance });
      res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return plain(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
    const check = options.signer.verify(new URL(req.url ?? '/', 'http://local'), clock.now());
    if (!check.ok) return plain(res, check.reason === 'malformed' ? 404 : 403, check.reason === 'expired' ? 'Link expired' : 'Forbidden');
    const path = await options.resolve(check.key);
    const info = path ? await stat(path).catch(() => undefined) : undefined;
    if (!path || !info?.isFile()) return plain(res, 404, 'Not Found');
    const size = info.size;
    const range = parseRange(req.headers.range, size);
    const common = {
      'accept-ranges': 'bytes',
      'content-type': type,
      'last-modified': info.mtime.toUTCString(),
      'cache-control': 'private, max-age=0',
    };
    if (range === 'unsatisfiable') return plain(res, 416, 'Range Not Satisfiable', { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes' });
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    const length = size === 0 ? 0 : end - start + 1;
    res.writeHead(range ? 206 : 200, {
      ...common,
      'content-length': length,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (method === 'HEAD' || length === 0) return void res.end();
    try {
      await pipeline(createReadStream(path, { start, end, highWaterMark: 1024 * 1024 }), res);
    } catch {
      // The client went away (Meta's fetcher closes ranges early); nothing to answer.
      res.destroy();
    }
  };
}
