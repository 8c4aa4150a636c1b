import { createHash, randomBytes, type Hash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from '../emulator-server.js';
import { googleError, MESSAGES } from './youtube-envelope.js';
import { validateVideoMetadata, type VideoWritable } from './youtube-metadata-rules.js';
import { renderVideo, VALID_PARTS } from './youtube-video-render.js';
import { authorize, isDenied, newVideoId, readJson, type Video, type YouTubeWorld } from './youtube-world.js';

/** One resumable upload session (reference §2.8). */
export interface UploadSession {
  id: string;
  channelId: string;
  clientId: string;
  total: number;
  mime: string;
  parts: string[];
  metadata: VideoWritable;
  notifySubscribers: boolean;
  persisted: number;
  /** sha256 state over the persisted bytes. */
  hash: Hash;
  createdAt: number;
  completed?: EmulatorResponse;
  /** Bytes received on this session's PUTs, resent bytes included. */
  received: number;
  /** PUTs with bytes, and status queries. */
  chunkPuts: number;
  statusQueries: number;
}

const QUANTUM = 256 * 1024;
const PATH = '/upload/youtube/v3/videos';

/**
 * The resumable `videos.insert` protocol: initiating POST, chunk PUTs, status queries, expiry, replay.
 *
 * @example
 * ```ts
 * const sessions = new UploadSessions(server, world, (video) => onCreated(video));
 * ```
 */
export class UploadSessions {
  readonly sessions = new Map<string, UploadSession>();

  constructor(
    server: EmulatorServer,
    private readonly world: YouTubeWorld,
    private readonly onVideo: (video: Video) => void,
  ) {
    server.route('POST', PATH, (req) => this.#initiate(req));
    server.route('PUT', PATH, (req) => this.#put(req));
  }

  /** Test hook: makes a session expire now. */
  expire(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (s) s.createdAt = -Infinity;
  }

  async #initiate(req: EmulatorRequest): Promise<EmulatorResponse> {
    const q = req.url.searchParams;
    const auth = authorize(this.world, req, 'videos.insert');
    if (isDenied(auth)) {
      req.raw.resume();
      return auth;
    }
    const channel = this.world.channels.get(auth.channelId);
    if (!channel?.hasChannel) {
      req.raw.resume();
      return googleError(401, 'youtubeSignupRequired', MESSAGES.youtubeSignupRequired, { domain: 'youtube.header', withStatus: true });
    }
    if (q.get('uploadType') !== 'resumable') {
      req.raw.resume();
      // Google also takes media/multipart; this emulator speaks only the resumable protocol.
      return googleError(400, 'badRequest', 'This emulator supports uploadType=resumable only.', { location: 'uploadType', locationType: 'parameter' });
    }
    const parts = (q.get('part') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    if (parts.length === 0) return googleError(400, 'required', 'Required parameter: part', { location: 'part', locationType: 'parameter' });
    const unknown = parts.find((p) => !VALID_PARTS.includes(p));
    if (unknown) return googleError(400, 'unknownPart', `${unknown}`, { location: 'part', locationType: 'parameter' });
    const lengthHeader = String(req.headers['x-upload-content-length'] ?? '');
    if (!/^\d+$/.test(lengthHeader) || Number(lengthHeader) === 0) {
      req.raw.resume();
      return googleError(400, 'badRequest', 'X-Upload-Content-Length must be the file size in bytes.', { location: 'X-Upload-Content-Length', locationType: 'header' });
    }
    const mime = String(req.headers['x-upload-content-type'] ?? '');
    if (!/^video\/[\w.+-]+$/.test(mime) && mime !== 'application/octet-stream') {
      req.raw.resume();
      return googleError(400, 'badContent', `Media type '${mime}' is not supported.`, { location: 'X-Upload-Content-Type', locationType: 'header' });
    }
    const parsed = await readJson<VideoWritable>(req);
    if ('error' in parsed) return parsed.error;
    const body = parsed.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return googleError(400, 'invalidVideoMetadata', 'The request metadata must be a video resource.', { domain: 'youtube.video' });
    }
    const invalid = validateVideoMetadata(body, true);
    if (invalid) return invalid;
    const day = `${auth.channelId} ${DateTime.fromMillis(this.world.clock.now(), { zone: 'America/Los_Angeles' }).toISODate()}`;
    const today = this.world.uploadsPerDay.get(day) ?? 0;
    if (today >= this.world.knobs.channelUploadsPerDay) {
      return googleError(400, 'uploadLimitExceeded', MESSAGES.uploadLimitExceeded, { domain: 'youtube.video' });
    }
    this.world.uploadsPerDay.set(day, today + 1);
    const id = randomBytes(18).toString('base64url');
    this.sessions.set(id, {
      id,
      channelId: auth.channelId,
      clientId: auth.clientId,
      total: Number(lengthHeader),
      mime,
      parts,
      metadata: body,
      notifySubscribers: q.get('notifySubscribers') !== 'false',
      persisted: 0,
      hash: createHash('sha256'),
      createdAt: this.world.clock.now(),
      received: 0,
      chunkPuts: 0,
      statusQueries: 0,
    });
    // The upload_id sits in the middle of the URI, as in Google's example: clients store it whole.
    const location = `${this.world.baseUrl()}${PATH}?uploadType=resumable&upload_id=${id}&part=${encodeURIComponent(parts.join(','))}`;
    return { status: 200, headers: { location, 'x-guploader-uploadid': id, 'content-length': 0 } };
  }

  async #put(req: EmulatorRequest): Promise<EmulatorResponse | void> {
    const id = req.url.searchParams.get('upload_id');
    const session = id ? this.sessions.get(id) : undefined;
    if (!session || this.world.clock.now() - session.createdAt >= this.world.knobs.sessionTtlMs) {
      req.raw.resume();
      // "404 (no body, or notFound)": we send no body.
      return { status: 404, body: '' };
    }
    // Whether the session URI alone suffices is unconfirmed: a token, when sent, must be valid.
    if (req.headers.authorization !== undefined) {
      const token = this.world.oauth.resolve(req.headers.authorization);
      if (typeof token !== 'object') {
        req.raw.resume();
        return this.world.oauth.unauthenticated(false);
      }
    }
    const range = parseContentRange(req.headers['content-range'], session.total);
    const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (range === 'bad') {
      req.raw.resume();
      return googleError(400, 'badRequest', 'Invalid Content-Range header.', { location: 'Content-Range', locationType: 'header' });
    }
    if (range === 'query') {
      req.raw.resume();
      session.statusQueries += 1;
      return session.completed ?? this.#incomplete(session);
    }
    const [first, last] = range ?? [0, session.total - 1];
    if (length !== undefined && length !== last - first + 1) {
      req.raw.resume();
      return googleError(400, 'badRequest', 'Content-Length does not match Content-Range.', { location: 'Content-Length', locationType: 'header' });
    }
    if (session.completed) {
      req.raw.resume();
      return session.completed;
    }
    const final = last === session.total - 1;
    if (!final && (last - first + 1) % QUANTUM !== 0) {
      // Undocumented on Google's side (corrections §5): a misaligned non-final chunk gets a 400.
      // "All non-final chunks the same size" is not enforced: a resume after partial persistence
      // legitimately starts mid-chunk, and Google documents no error for it.
      req.raw.resume();
      return googleError(400, 'badRequest', 'Chunk size must be a multiple of 262144 bytes except for the last chunk.');
    }
    if (first !== session.persisted) {
      // Overlap or gap: none of the bytes are accepted.
      req.raw.resume();
      return this.#incomplete(session);
    }
    if ((this.world.knobs.noProgressPuts ?? 0) > 0) {
      this.world.knobs.noProgressPuts! -= 1;
      session.chunkPuts += 1;
      for await (const data of req.raw as AsyncIterable<Buffer>) {
        session.received += data.length;
        this.world.received.set(session.id, session.received);
      }
      return this.#incomplete(session);
    }
    const hook = this.world.knobs.nextChunkPersistBytes;
    this.world.knobs.nextChunkPersistBytes = undefined;
    const limit = hook === undefined ? last + 1 : Math.min(last + 1, first + Math.floor(hook / QUANTUM) * QUANTUM);
    session.chunkPuts += 1;
    const ok = await this.#receive(req, session, first, limit);
    if (!ok) return undefined; // connection gone: nothing to answer
    if (session.persisted === session.total) {
      const answer = this.#complete(session);
      if ((this.world.knobs.loseFinalAnswer ?? 0) > 0) {
        this.world.knobs.loseFinalAnswer! -= 1;
        this.expire(session.id);
        req.raw.socket.destroy();
        return undefined;
      }
      return answer;
    }
    return this.#incomplete(session);
  }

  /** Streams the body into the session hash, committing at every 256 KiB boundary (and at the end). */
  async #receive(req: EmulatorRequest, session: UploadSession, first: number, limit: number): Promise<boolean> {
    let pos = first;
    let work = session.hash.copy();
    const knobs = this.world.knobs;
    let stallAt = Infinity;
    if (knobs.stallChunkAt === first) {
      knobs.stallChunkAt = undefined;
      stallAt = first + Math.floor((limit - first) / 2);
    }
    try {
      for await (const data of req.raw as AsyncIterable<Buffer>) {
        session.received += data.length;
        this.world.received.set(session.id, session.received);
        if (pos >= stallAt) {
          // Stalled: the rest of the body is read but not persisted, and no answer comes.
          if (stallAt !== -1) knobs.onStall?.();
          stallAt = -1;
          continue;
        }
        let offset = 0;
        while (offset < data.length && pos < limit) {
          const toBoundary = QUANTUM - (pos % QUANTUM);
          const take = Math.min(toBoundary, data.length - offset, limit - pos);
          work.update(data.subarray(offset, offset + take));
          offset += take;
          pos += take;
          if (pos % QUANTUM === 0 || pos === session.total) {
            session.hash = work;
            session.persisted = pos;
            work = work.copy();
          }
        }
      }
    } catch {
      return false;
    }
    if (stallAt === -1) {
      await new Promise<void>((resolve) => (req.raw.socket.destroyed ? resolve() : req.raw.socket.once('close', () => resolve())));
      return false;
    }
    // A body cut short (client killed, connection reset) is not `complete`: keep what was committed.
    return req.raw.complete;
  }

  #incomplete(session: UploadSession): EmulatorResponse {
    const headers: Record<string, string | number> = { 'content-length': 0, 'x-guploader-uploadid': session.id };
    if (session.persisted > 0) headers['range'] = `bytes=0-${session.persisted - 1}`;
    return { status: 308, headers };
  }

  #complete(session: UploadSession): EmulatorResponse {
    const now = this.world.clock.now();
    const knobs = this.world.knobs;
    if (knobs.finalChunkError) {
      const { status, reason, message } = knobs.finalChunkError;
      knobs.finalChunkError = undefined;
      session.completed = googleError(status, reason, message ?? `The upload failed: ${reason}.`, { domain: 'youtube.video' });
      return session.completed;
    }
    const outcome = knobs.nextOutcome ?? knobs.defaultOutcome;
    knobs.nextOutcome = undefined;
    const snippet = session.metadata.snippet ?? {};
    const status = session.metadata.status ?? {};
    const channel = this.world.channels.get(session.channelId)!;
    const privacy = knobs.audited ? String(status.privacyStatus ?? 'public') : 'private';
    const video: Video = {
      id: newVideoId(),
      channelId: session.channelId,
      snippet: {
        publishedAt: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        channelId: session.channelId,
        title: snippet.title,
        description: snippet.description ?? '',
        ...(Array.isArray(snippet.tags) ? { tags: snippet.tags } : {}),
        categoryId: String(snippet.categoryId ?? '22'),
        channelTitle: channel.title,
        liveBroadcastContent: 'none',
        ...(snippet.defaultLanguage ? { defaultLanguage: snippet.defaultLanguage } : {}),
        ...(snippet.defaultAudioLanguage ? { defaultAudioLanguage: snippet.defaultAudioLanguage } : {}),
      },
      status: {
        privacyStatus: privacy,
        // Unaudited: kept private; whether publishAt is dropped or kept is unconfirmed; we keep it.
        ...(status.publishAt !== undefined ? { publishAt: status.publishAt } : {}),
        license: status.license ?? 'youtube',
        embeddable: status.embeddable ?? true,
        publicStatsViewable: status.publicStatsViewable ?? true,
        madeForKids: status.selfDeclaredMadeForKids ?? false,
        selfDeclaredMadeForKids: status.selfDeclaredMadeForKids ?? false,
        containsSyntheticMedia: status.containsSyntheticMedia ?? false,
      },
      sha256: session.hash.digest('hex'),
      size: session.total,
      createdAt: now,
      processingMs: knobs.processingMs,
      outcome,
      deleted: false,
      hasCustomThumbnail: false,
      notifySubscribers: session.notifySubscribers,
    };
    this.world.videos.set(video.id, video);
    this.onVideo(video);
    session.completed = { status: knobs.completionStatus, body: renderVideo(this.world, video, session.parts, true, true) };
    return session.completed;
  }
}

function parseContentRange(header: string | undefined, total: number): [number, number] | 'query' | 'bad' | undefined {
  if (header === undefined) return undefined;
  const query = /^bytes \*\/(\d+)$/.exec(header);
  if (query) return Number(query[1]) === total ? 'query' : 'bad';
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header);
  if (!m) return 'bad';
  const [a, b, t] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (t !== total || b < a || b >= total) return 'bad';
  return [a, b];
}
