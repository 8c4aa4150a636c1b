import { createHash } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../emulator-server.js';
import { checkVersion, GraphFailure } from './instagram-emulator-graph.js';
import { HOST_PREFIX, type RouteDeps } from './instagram-emulator-knobs.js';
import { fetchInto } from './instagram-emulator-media.js';
import { Mp4Probe } from './instagram-emulator-mp4.js';

/** The rupload error shape (§3.3): a JSON string nested in `debug_info.message`. */
function ruploadError(status: number, message: string, retriable: boolean, type = 'ProcessingFailedError'): EmulatorResponse {
  return { status, body: { debug_info: { retriable, type, message: JSON.stringify({ success: false, error: { message } }) } } };
}

/**
 * `POST rupload.facebook.com/ig-api-upload/{version}/{container-id}`: the bytes of a resumable
 * container, streamed and hashed as they arrive. `offset` must be 0 (restart) or the bytes already
 * received (resume; correction 1), and `offset + body length` must equal `file_size`.
 */
export function registerRupload(deps: RouteDeps): void {
  const { state, knobs } = deps;
  const handler = async (req: EmulatorRequest): Promise<EmulatorResponse | void> => {
    try {
      checkVersion(req.params.version, state.clock.now(), knobs.versionPolicy);
    } catch (error) {
      req.raw.resume();
      if (error instanceof GraphFailure) return error.response;
      throw error;
    }
    const auth = /^OAuth\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const token = auth ? state.tokens.get(auth[1]!.trim()) : undefined;
    const c = state.containers.get(req.params.id!);
    const now = state.clock.now();
    if (!token || token.revoked || (token.expiresAt !== 0 && now >= token.expiresAt) || !c || c.accountKey !== token.accountKey || c.flavour !== token.flavour) {
      req.raw.resume();
      return ruploadError(400, 'unauthorized user request', false);
    }
    if (c.mode !== 'resumable' || c.uploadComplete || state.statusOf(c) !== 'IN_PROGRESS') {
      req.raw.resume();
      return ruploadError(400, 'The upload session is closed or expired', false);
    }
    const fileUrl = req.headers.file_url;
    if (typeof fileUrl === 'string') {
      req.raw.resume();
      deps.track(fetchInto(deps, c, fileUrl));
      return { status: 200, body: { success: true, message: 'Upload successful.' } };
    }
    const offset = Number(req.headers.offset);
    const fileSize = Number(req.headers.file_size);
    const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(fileSize) || fileSize <= 0) {
      req.raw.resume();
      return ruploadError(400, 'offset and file_size headers are required', false);
    }
    if (knobs.limits && fileSize > knobs.maxVideoBytes) {
      req.raw.resume();
      return ruploadError(400, `file_size over the ${knobs.maxVideoBytes} byte limit for reels`, false);
    }
    if (offset !== 0 && offset !== c.bytes) {
      req.raw.resume();
      return ruploadError(400, `offset ${offset} does not match the ${c.bytes} bytes received`, true);
    }
    if (c.fileSize !== undefined && c.fileSize !== fileSize && offset !== 0) {
      req.raw.resume();
      return ruploadError(400, 'file_size changed between requests', false);
    }
    if (length !== undefined && offset + length !== fileSize) {
      req.raw.resume();
      return ruploadError(400, 'file_size does not match offset plus the body length', false);
    }
    if (offset === 0) {
      c.bytes = 0;
      c.hash = createHash('sha256');
      c.probe = knobs.checkMp4 ? new Mp4Probe() : undefined;
    }
    c.fileSize = fileSize;
    const cutAfter = knobs.interruptNextUploadAfter;
    knobs.interruptNextUploadAfter = undefined;
    const hash = c.hash!;
    try {
      for await (const chunk of req.raw) {
        let buf = chunk as Buffer;
        if (c.bytes + buf.length > fileSize) return ruploadError(400, 'body longer than file_size', false);
        if (cutAfter !== undefined && c.bytes - offset + buf.length >= cutAfter) {
          buf = buf.subarray(0, cutAfter - (c.bytes - offset));
          hash.update(buf);
          c.probe?.push(buf);
          c.bytes += buf.length;
          req.raw.socket.destroy();
          return;
        }
        hash.update(buf);
        c.probe?.push(buf);
        c.bytes += buf.length;
      }
    } catch {
      // The client went away mid-body: the bytes hashed so far stay received (bytes_transferred).
      return;
    }
    if (c.bytes !== fileSize) return ruploadError(400, `received ${c.bytes} of ${fileSize} bytes`, true);
    state.completeUpload(c);
    return { status: 200, body: { success: true, message: 'Upload successful.' } };
  };
  deps.server.route('POST', `${HOST_PREFIX.rupload}/ig-api-upload/:version/:id`, handler);
  // One doc page shows the path without a version segment; accept both.
  deps.server.route('POST', `${HOST_PREFIX.rupload}/ig-api-upload/:id`, handler);
}
