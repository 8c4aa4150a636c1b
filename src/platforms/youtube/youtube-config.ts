import type { YouTubeQuotaModel } from './youtube-quota.js';

/** Options of the YouTube adapter. Every field has a documented default in {@link YOUTUBE_DEFAULTS}. */
export interface YouTubeConfig {
  /** Data API origin; paths `/youtube/v3/…` are appended. Default `https://youtube.googleapis.com`. */
  apiBaseUrl: string;
  /** Upload origin; paths `/upload/youtube/v3/…` are appended. Default `https://www.googleapis.com`. */
  uploadBaseUrl: string;
  /** Consent page. Default `https://accounts.google.com/o/oauth2/v2/auth`. */
  authUrl: string;
  /** Token endpoint (code exchange and refresh). Default `https://oauth2.googleapis.com/token`. */
  tokenUrl: string;
  /** Revocation endpoint. Default `https://oauth2.googleapis.com/revoke`. */
  revokeUrl: string;
  /** Origin of public watch/Shorts links. Default `https://www.youtube.com`. */
  watchBaseUrl: string;
  /** Bytes per chunk PUT; a multiple of 256 KiB. Default 8 MiB. */
  chunkSize: number;
  /** Bytes read from disk at a time while streaming a chunk (the read stream's buffer). Default 1 MiB. */
  readBufferBytes: number;
  /** Time a chunk PUT may take to answer, ms. Default 120 s. */
  chunkTimeoutMs: number;
  /**
   * Sends of a chunk that Google answers `308` without moving `Range` before the upload stops with
   * `YOUTUBE_UPLOAD_STALLED`; each one ends the step (the engine backs off) and the next step asks the
   * session first. Default 4.
   */
  maxNoProgressSends: number;
  /**
   * Looks in the channel's uploads for a video whose final answer was lost with its session, before the
   * post stops for a person's review (never a blind new upload). Default 3.
   */
  lostUploadLookups: number;
  /** Time between those looks (a listing may lag the upload). Default 2 min. */
  lostUploadLookupIntervalMs: number;
  /** Delay between processing polls (Google suggests 15–60 s). Default 15 s. */
  pollIntervalMs: number;
  /** Refresh the access token when it expires within this margin. Default 5 min (google-auth-library's). */
  refreshMarginMs: number;
  /** A session older than this is probably expired (noted in the resume event; the 404 still decides). Default 6 days. */
  sessionMaxAgeMs: number;
  /** `snippet.categoryId` when the post gives none. Default `22` (People & Blogs). */
  defaultCategoryId: string;
  /** Quota model for the calculator. Default: by date (see `youtubeQuotaModelAt`). */
  quotaModel?: YouTubeQuotaModel;
  /** OAuth client used when the credentials carry none. */
  clientId?: string;
  clientSecret?: string;
  /** The OAuth app is in "Testing" publishing status (refresh tokens die after 7 days). Default false. */
  testingMode: boolean;
}

/** The defaults, aimed at Google. */
export const YOUTUBE_DEFAULTS: Readonly<YouTubeConfig> = Object.freeze({
  apiBaseUrl: 'https://youtube.googleapis.com',
  uploadBaseUrl: 'https://www.googleapis.com',
  authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
  watchBaseUrl: 'https://www.youtube.com',
  chunkSize: 8 * 1024 * 1024,
  readBufferBytes: 1024 * 1024,
  chunkTimeoutMs: 120_000,
  maxNoProgressSends: 4,
  lostUploadLookups: 3,
  lostUploadLookupIntervalMs: 120_000,
  pollIntervalMs: 15_000,
  refreshMarginMs: 5 * 60_000,
  sessionMaxAgeMs: 6 * 24 * 3600_000,
  defaultCategoryId: '22',
  testingMode: false,
});

/** Granularity of resumable chunks. */
export const YOUTUBE_CHUNK_QUANTUM = 256 * 1024;

/**
 * Merges `partial` over the defaults, validates and freezes it.
 *
 * @example
 * ```ts
 * const config = youTubeConfig({ chunkSize: 16 * 1024 * 1024 });
 * ```
 */
export function youTubeConfig(partial: Partial<YouTubeConfig> = {}): Readonly<YouTubeConfig> {
  const config = { ...YOUTUBE_DEFAULTS, ...partial };
  if (!Number.isInteger(config.chunkSize) || config.chunkSize <= 0 || config.chunkSize % YOUTUBE_CHUNK_QUANTUM !== 0) {
    throw new Error(`youtube chunkSize must be a positive multiple of 262144 bytes (256 KiB), got ${config.chunkSize}`);
  }
  if (!Number.isInteger(config.maxNoProgressSends) || config.maxNoProgressSends < 1) {
    throw new Error(`youtube maxNoProgressSends must be a positive integer, got ${config.maxNoProgressSends}`);
  }
  return Object.freeze(config);
}

/**
 * The endpoints of a Google served elsewhere (the emulator, every endpoint on one origin): the only
 * thing that differs between a sandbox account and a real one.
 *
 * @example
 * ```ts
 * const config = youTubeConfig({ ...youTubeEndpoints(emulator.url), chunkSize });
 * ```
 */
export function youTubeEndpoints(emulatorUrl: string): Pick<YouTubeConfig, 'apiBaseUrl' | 'uploadBaseUrl' | 'authUrl' | 'tokenUrl' | 'revokeUrl' | 'watchBaseUrl'> {
  const base = emulatorUrl.replace(/\/+$/, '');
  return { apiBaseUrl: base, uploadBaseUrl: base, authUrl: `${base}/o/oauth2/v2/auth`, tokenUrl: `${base}/token`, revokeUrl: `${base}/revoke`, watchBaseUrl: base };
}

/**
 * A config aimed at a local emulator (every endpoint on one origin).
 *
 * @example
 * ```ts
 * const config = sandboxYouTubeConfig(emulator.url);
 * ```
 */
export function sandboxYouTubeConfig(emulatorUrl: string, partial: Partial<YouTubeConfig> = {}): Readonly<YouTubeConfig> {
  return youTubeConfig({ ...youTubeEndpoints(emulatorUrl), ...partial });
}
