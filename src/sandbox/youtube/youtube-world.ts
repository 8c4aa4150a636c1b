import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { EmulatorRequest, EmulatorResponse } from '../emulator-server.js';
import { googleError, MESSAGES } from './youtube-envelope.js';
import type { AccessToken, GoogleOAuthEmulator } from './youtube-oauth-emulator.js';
import type { MeteredMethod, QuotaMeter } from './youtube-quota-meter.js';

/** A channel (one Google account's YouTube channel). */
export interface Channel {
  id: string;
  handle: string;
  title: string;
  /** False: the Google account has no channel (`401 youtubeSignupRequired` on insert). */
  hasChannel: boolean;
  /** Phone-verified: may set custom thumbnails. */
  verified: boolean;
}

/** How a video's processing ends (test hook). */
export type ProcessingOutcome =
  | { kind: 'succeeded' }
  | { kind: 'failed'; reason: string }
  | { kind: 'rejected'; reason: string };

/** A video the emulator holds. */
export interface Video {
  id: string;
  channelId: string;
  snippet: Record<string, unknown>;
  status: Record<string, unknown>;
  sha256: string;
  size: number;
  createdAt: number;
  processingMs: number;
  outcome: ProcessingOutcome;
  deleted: boolean;
  hasCustomThumbnail: boolean;
  notifySubscribers: boolean;
}

/** Emulator knobs tests and benches flip at run time. */
export interface YouTubeKnobs {
  /** Processing time after the last byte (default 0: processed at once). */
  processingMs: number;
  /** Outcome of the next video's processing (consumed), else `defaultOutcome`. */
  nextOutcome?: ProcessingOutcome;
  defaultOutcome: ProcessingOutcome;
  /** Upload session lifetime (default 7 days, unconfirmed value; reference §2.6). */
  sessionTtlMs: number;
  /** Status of a completing PUT: 201 (the guide) or 200 (also seen). */
  completionStatus: 200 | 201;
  /** Per-channel videos per Pacific day before `uploadLimitExceeded` (default 50; unpublished by Google). */
  channelUploadsPerDay: number;
  /** Project passed the audit: when false every insert is forced private (reference §5.2). */
  audited: boolean;
  /** Thumbnail size limit in bytes (default: 2 MB before 14 Sep 2026, 50 MB since, by the clock). */
  thumbnailMaxBytes?: number;
  /** Persist at most this many bytes of the next chunk PUT (consumed): partial persistence. 0 = nothing. */
  nextChunkPersistBytes?: number;
  /**
   * Stall the chunk PUT that starts at this offset (consumed): persist half its body, read the rest
   * without persisting it, and never answer until the client goes away (a client killed mid-chunk,
   * its last bytes received but not acknowledged). `onStall` fires when the stall starts.
   */
  stallChunkAt?: number;
  /**
   * Fail the next upload at its final chunk instead of creating the video (consumed). Whether Google
   * reports some metadata errors only at the end is unconfirmed; this covers that reading. The failure
   * is the session's final response and is replayed to status queries, as Google does.
   */
  finalChunkError?: { status: number; reason: string; message?: string };
  onStall?: () => void;
}

/** Shared state of the emulator's route groups. */
export interface YouTubeWorld {
  clock: Clock;
  baseUrl: () => string;
  oauth: GoogleOAuthEmulator;
  quota: QuotaMeter;
  knobs: YouTubeKnobs;
  channels: Map<string, Channel>;
  videos: Map<string, Video>;
  playlists: Map<string, { id: string; channelId: string; title: string; items: { id: string; videoId: string; position: number }[] }>;
  /** Bytes received on upload PUTs, per session, resent bytes included. */
  received: Map<string, number>;
  uploadsPerDay: Map<string, number>;
}

/** Scopes each method accepts (reference §1.6, discovery rev. 20260924). */
export const METHOD_SCOPES: Record<MeteredMethod, string[]> = {
  'videos.insert': ['youtube.upload', 'youtube', 'youtube.force-ssl', 'youtubepartner'],
  'thumbnails.set': ['youtube.upload', 'youtube', 'youtube.force-ssl', 'youtubepartner'],
  'videos.list': ['youtube.readonly', 'youtube', 'youtube.force-ssl', 'youtubepartner'],
  'videos.update': ['youtube', 'youtube.force-ssl', 'youtubepartner'],
  'playlistItems.insert': ['youtube', 'youtube.force-ssl', 'youtubepartner'],
  'playlistItems.list': ['youtube.readonly', 'youtube', 'youtube.force-ssl', 'youtubepartner'],
  'videoCategories.list': ['youtube.readonly', 'youtube', 'youtube.force-ssl', 'youtubepartner'],
  'channels.list': ['youtube.readonly', 'youtube', 'youtube.force-ssl', 'youtubepartner'],
};

const SCOPE_PREFIX = 'https://www.googleapis.com/auth/';

/**
 * Authenticates, checks the method's scopes and charges quota, in Google's order: 401, 403 scope,
 * 403 quota. Returns the token or the error response to send.
 *
 * @example
 * ```ts
 * const auth = authorize(world, req, 'videos.list');
 * if ('status' in auth) return auth;
 * ```
 */
export function authorize(world: YouTubeWorld, req: EmulatorRequest, method: MeteredMethod): AccessToken | EmulatorResponse {
  const token = world.oauth.resolve(req.headers.authorization);
  if (token === 'missing' || token === undefined) return world.oauth.unauthenticated(token === 'missing');
  const accepted = METHOD_SCOPES[method].map((s) => SCOPE_PREFIX + s);
  if (!token.scopes.some((s) => accepted.includes(s))) {
    return googleError(403, 'insufficientPermissions', MESSAGES.insufficientPermissions, { withStatus: true });
  }
  if (!world.quota.charge(token.clientId, method, world.clock.now())) {
    return googleError(403, 'quotaExceeded', MESSAGES.quotaExceeded, { domain: 'youtube.quota' });
  }
  return token;
}

/** An opaque 11-character video id. */
export function newVideoId(): string {
  return randomBytes(8).toString('base64url').slice(0, 11);
}

/** Reads the JSON body, or gives Google's `parseError` answer. */
export async function readJson<T>(req: EmulatorRequest): Promise<{ body: T } | { error: EmulatorResponse }> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    req.raw.resume();
    return { error: googleError(400, 'parseError', 'This API does not support parsing form-encoded input.') };
  }
  try {
    return { body: await req.json<T>(1024 * 1024) };
  } catch {
    return { error: googleError(400, 'parseError', 'Parse Error') };
  }
}

/** Type guard for the error branch of {@link authorize}. */
export function isDenied(value: AccessToken | EmulatorResponse): value is EmulatorResponse {
  return !('token' in value);
}
