import { createHash } from 'node:crypto';
import { request } from 'undici';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from '../emulator-server.js';
import { chunkRange, progressHeader } from './tiktok-emulator-chunks.js';
import type { PublishRecord, TikTokState } from './tiktok-emulator-state.js';

const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm'];

/** The path upload_urls point at (query: upload_id, upload_token). */
export const UPLOAD_PATH = '/upload/video/';
/**
 * A route that drains and hashes a PUT body like the upload route does, with no protocol: the bench's
 * curl baseline. (Not under `/__sandbox/`, which the base server reserves for its control API.)
 */
export const SINK_PATH = '/sandbox/sink'; // no trailing slash: `curl -T file url/` would append the file name

/**
 * Registers the upload PUT and the sink.
 *
 * @example
 * ```ts
 * registerUploadRoutes(server, state);
 * ```
 */
export function registerUploadRoutes(server: EmulatorServer, state: TikTokState): void {
  server.route('PUT', UPLOAD_PATH, (req) => put(state, req));
  server.route('PUT', SINK_PATH, async (req) => {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of req.raw) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    return { status: 201, body: { bytes, sha256: hash.digest('hex') } };
  });
}

function plain(status: number, message: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers }, body: { error: { message } } };
}

async function put(state: TikTokState, req: EmulatorRequest): Promise<EmulatorResponse | void> {
  const task = state.uploads.get(req.url.searchParams.get('upload_id') ?? '');
  const reject = (answer: EmulatorResponse) => {
    if (task) req.raw.on('data', (chunk: Buffer) => (task.drainedBytes += chunk.length));
    req.raw.resume();
    return answer;
  };
  if (!task || task.uploadToken !== req.url.searchParams.get('upload_token')) return reject(plain(404, 'No valid upload task for this URL.'));
  task.puts += 1;
  const record = state.publishes.get(task.publishId)!;
  if (state.clock.now() >= task.expiresAt) return reject(plain(403, 'The upload URL has expired.'));
  const progress = { 'content-range': progressHeader(task.received, task.videoSize, state.options.progressHeaderStyle) };
  // A PUT after completion: 416 (unconfirmed behaviour).
  if (task.done || record.cancelled) return reject(plain(416, 'The upload is already complete.', progress));
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (state.options.checkUploadContentType && !VIDEO_TYPES.includes(type)) return reject(plain(400, 'Content-Type must be video/mp4, video/quicktime or video/webm.'));
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
  if (!m) return reject(plain(400, 'Content-Range is missing or malformed.'));
  const [first, last, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (total !== task.videoSize || last < first) return reject(plain(400, 'Content-Range does not match the video size.'));
  if (Number(req.headers['content-length'] ?? -1) !== last - first + 1) return reject(plain(400, 'Content-Length does not match Content-Range.'));
  const index = Math.floor(first / task.chunkSize);
  const planned = chunkRange(Math.min(index, task.totalChunkCount - 1), task.chunkSize, task.totalChunkCount, task.videoSize);
  if (first !== task.received || planned.first !== first || planned.last !== last) {
    return reject(plain(416, 'Content-Range does not match the upload progress.', progress));
  }
  if (state.stalledPuts > 0) {
    // Fault: the PUT is answered 206 but its bytes are not kept; the progress header does not move.
    state.stalledPuts -= 1;
    for await (const chunk of req.raw) task.wireBytes += (chunk as Buffer).length;
    return { status: 206, headers: progress };
  }
  // Hash a copy: a chunk cut off mid-body leaves the accepted bytes' hash untouched.
  const hash = task.hash.copy();
  let seen = 0;
  try {
    for await (const chunk of req.raw) {
      hash.update(chunk as Buffer);
      seen += (chunk as Buffer).length;
      task.wireBytes += (chunk as Buffer).length;
    }
  } catch {
    return undefined; // connection gone: nothing accepted, nothing to answer
  }
  if (seen !== last - first + 1) return plain(400, 'Content-Length does not match the body.');
  task.hash = hash;
  task.received = last + 1;
  task.ranges.push({ first, last });
  record.uploadedBytes = task.received;
  const headers = { 'content-range': progressHeader(task.received, task.videoSize, state.options.progressHeaderStyle) };
  if (task.received < task.videoSize) return { status: 206, headers };
  task.done = true;
  record.sha256 = hash.digest('hex');
  record.bytesCompleteAt = state.clock.now();
  state.onBytesComplete(record);
  return { status: 201, headers };
}

/**
 * Downloads a PULL_FROM_URL source like TikTok does: GET with undici, no redirects followed (a 3xx is
 * a failure), streamed and hashed, never held in memory. Resolves when finished or failed.
 *
 * @example
 * ```ts
 * await pullVideo(state, record, 'https://media.example.com/clips/7.mp4', new AbortController().signal);
 * ```
 */
export async function pullVideo(state: TikTokState, record: PublishRecord, url: string, signal: AbortSignal): Promise<void> {
  const hash = createHash('sha256');
  try {
    const res = await request(url, { method: 'GET', signal, headersTimeout: 60_000, bodyTimeout: 60_000 });
    // TikTok does not follow redirects (a 3xx is a failed pull), nor does undici.request.
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`status ${res.statusCode}`);
    }
    for await (const chunk of res.body) {
      hash.update(chunk as Buffer);
      record.downloadedBytes += (chunk as Buffer).length;
    }
    record.sha256 = hash.digest('hex');
    record.bytesCompleteAt = state.clock.now();
  } catch {
    if (record.cancelled) {
      record.status = 'FAILED';
      record.failReason = 'publish_cancelled';
    } else if (record.status === 'PROCESSING_DOWNLOAD') {
      record.status = 'FAILED';
      record.failReason = 'video_pull_failed';
    }
  }
  state.onBytesComplete(record);
}
