import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { PublishError } from '../../core/publish-error.js';
import { ChunkReader } from '../shared/chunk-reader.js';
import { describeNetworkError } from '../../http/http.js';

/**
 * The file from `offset` to the end, read through the shared ring of reused buffers (see ChunkReader
 * for why reuse is safe with undici), reporting the position read so far.
 */
async function* fileChunks(path: string, offset: number, end: number, onRead?: (position: number) => void): AsyncGenerator<Buffer> {
  const reader = await ChunkReader.open(path);
  try {
    let position = offset;
    for await (const piece of reader.range(offset, end - 1)) {
      position += piece.length;
      onRead?.(position);
      yield piece;
    }
  } finally {
    await reader.close();
  }
}

/** One resumable upload request (§3.3 step 2; resume per correction 1). */
export interface ResumableUploadRequest {
  /** The container's `uri` on rupload. */
  uri: string;
  /** Sent as `Authorization: OAuth <token>` (the form rupload requires). */
  token: string;
  path: string;
  fileSize: number;
  /** Bytes Meta already has (`video_status.uploading_phase.bytes_transferred`); the rest is sent. */
  offset: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Body timeout in ms (default 5 min: a slow link still delivers). */
  timeoutMs?: number;
  onProgress?(bytesSent: number): void;
}

/**
 * Streams the file from `offset` to the end in one `POST` with `offset` / `file_size` headers,
 * straight from disk (never buffered whole). Network failures are `retryable`: the bytes Meta kept are
 * read back from the container before resuming, and nothing is public until `media_publish`.
 *
 * @example
 * ```ts
 * await uploadResumable({ uri, token, path: media.path, fileSize: media.size, offset: 0 });
 * ```
 */
export async function uploadResumable(req: ResumableUploadRequest): Promise<void> {
  const length = req.fileSize - req.offset;
  const body = fileChunks(req.path, req.offset, req.fileSize, req.onProgress);
  let status: number;
  let text: string;
  try {
    const res = await request(req.uri, {
      method: 'POST',
      headers: {
        authorization: `OAuth ${req.token}`,
        offset: String(req.offset),
        file_size: String(req.fileSize),
        'content-type': 'application/octet-stream',
        'content-length': String(length),
      },
      // undici documents AsyncIterable bodies (Dispatcher.md) though its .d.ts lists only Readable.
      body: body as unknown as Readable,
      dispatcher: req.dispatcher,
      signal: req.signal,
      headersTimeout: req.timeoutMs ?? 300_000,
      bodyTimeout: req.timeoutMs ?? 300_000,
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (cause) {
    await body.return(undefined).catch(() => undefined);
    if (req.signal?.aborted) throw cause;
    throw new PublishError(`Instagram resumable upload interrupted (${describeNetworkError(cause)})`, {
      platform: 'instagram', code: 'INSTAGRAM_UPLOAD_INTERRUPTED', kind: 'retryable', cause,
    });
  }
  if (status === 200) {
    const ok = safeJson(text) as { success?: boolean } | undefined;
    if (ok?.success === true) return;
  }
  // rupload errors: {debug_info:{retriable,type,message}} with a JSON string nested in message.
  const info = (safeJson(text) as { debug_info?: { retriable?: boolean; type?: string; message?: string } } | undefined)?.debug_info;
  const nested = (safeJson(info?.message ?? '') as { error?: { message?: string } } | undefined)?.error?.message;
  const unauthorized = /unauthorized/i.test(nested ?? '');
  throw new PublishError(`Instagram resumable upload refused: ${nested ?? info?.type ?? `HTTP ${status}`}`, {
    platform: 'instagram',
    code: unauthorized ? 'INSTAGRAM_UPLOAD_UNAUTHORIZED' : 'INSTAGRAM_UPLOAD_REFUSED',
    kind: unauthorized ? 'needs_reauth' : info?.retriable || status >= 500 ? 'retryable' : 'invalid',
    status,
    raw: text,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
