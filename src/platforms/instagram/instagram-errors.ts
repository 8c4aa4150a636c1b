import { PublishError, type ErrorKind } from '../../core/publish-error.js';
import { parseJsonLossless, parseRetryAfter, type HttpResponse } from '../../http/http.js';
import { parseUsage } from './instagram-usage.js';

/** The Graph error envelope (§7.1). */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
}

/** A message for every documented publishing subcode (§7.3) and the observed ones, used for container `ERROR`s and Graph errors. */
export const INSTAGRAM_SUBCODE_MESSAGES: Readonly<Record<number, string>> = Object.freeze({
  2207001: 'Instagram server error',
  2207003: 'Meta timed out downloading the video',
  2207004: 'the image is larger than 8 MiB (a cover image must stay under 8 MB)',
  2207005: 'unsupported image format; use JPEG (e.g. for the cover image)',
  2207006: 'media not found (permission or expired token)',
  2207008: 'the container is missing or expired',
  2207009: 'image aspect ratio outside 4:5 to 1.91:1',
  2207010: 'caption longer than 2,200 characters',
  2207018: 'a collaborator could not be tagged',
  2207020: 'the media expired; upload it again',
  2207023: 'unknown media_type',
  2207026: 'unsupported video format (MP4/MOV, H.264/HEVC, faststart, no edit lists, ≤300 MB); re-encode it',
  2207027: 'media not ready for publishing yet',
  2207028: 'a carousel needs 2 to 10 items',
  2207032: 'Meta failed to create the media container',
  2207035: 'product tags could not be applied',
  2207036: 'product tags could not be applied',
  2207037: 'product tags could not be applied',
  2207040: 'more than 20 @mentions',
  2207042: 'the daily publishing limit is reached',
  2207050: 'the Instagram account is inactive, checkpointed or restricted; the user must fix it in the Instagram app',
  2207051: 'activity restricted as suspected spam',
  2207052: 'Meta could not fetch the video from its URL (must be public, direct and support Range)',
  2207053: 'unknown video upload error',
  2207057: 'thumb_offset is outside the video duration',
  2207073: 'this media type cannot be deleted',
  2207076: 'video processing rejected (not servable or not compliant when fetched)',
  2207077: 'video download failed (host without Range support or temporary)',
  2207081: 'the account is not eligible for trial reels',
  2207082: 'video could not be processed (e.g. audio track problem)',
  2207085: 'video could not be processed; check format, duration and resolution',
});

/** Container-error subcodes that a new container may fix (download or server hiccups). */
const TRANSIENT_SUBCODES = new Set([2207001, 2207003, 2207032, 2207052, 2207053, 2207077, 2207082]);
const RATE_CODES = new Set([4, 17, 32, 613, 80001, 80002, 341]);
const AUTH_CODES = new Set([190, 102, 10]);

/**
 * Classifies a container `ERROR` by the subcode its `status` text carries (`/(\d{7})/`).
 *
 * @example
 * ```ts
 * containerError('Error: Media upload has failed with error code 2207026', 'c1'); // invalid, re-encode
 * ```
 */
export function containerError(statusText: string | undefined, containerId: string): PublishError {
  const subcode = Number(/(\d{7})/.exec(statusText ?? '')?.[1] ?? NaN);
  const known = INSTAGRAM_SUBCODE_MESSAGES[subcode];
  const kind: ErrorKind = TRANSIENT_SUBCODES.has(subcode) ? 'retryable' : 'invalid';
  return new PublishError(`Instagram could not process container ${containerId}: ${known ?? 'processing failed'}${Number.isNaN(subcode) ? '' : ` (subcode ${subcode})`}`, {
    platform: 'instagram',
    code: kind === 'retryable' ? 'INSTAGRAM_CONTAINER_RETRYABLE' : 'INSTAGRAM_CONTAINER_ERROR',
    kind,
    platformCode: Number.isNaN(subcode) ? undefined : String(subcode),
    raw: statusText,
  });
}

/** Extracts the Graph error from a response body, if any. */
export function graphErrorOf(text: string): GraphErrorBody | undefined {
  try {
    const body = parseJsonLossless<{ error?: GraphErrorBody; error_type?: string; code?: number; error_message?: string }>(text);
    if (body.error && typeof body.error === 'object') return body.error;
    if (body.error_type) return { type: body.error_type, code: body.code, message: body.error_message };
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Classifies a failed Graph (or api.instagram.com) response, once, from `error.code` and
 * `error_subcode` (§7.4), the HTTP status only as a fallback.
 *
 * @example
 * ```ts
 * if (res.status >= 400) throw classifyInstagramError(res, 'create container', clock.now());
 * ```
 */
export function classifyInstagramError(res: HttpResponse, what: string, now: number, options: { oauthEndpoint?: boolean; quotaRecheckMs?: number } = {}): PublishError {
  const err = graphErrorOf(res.text);
  const code = err?.code;
  const sub = err?.error_subcode;
  const platformCode = code === undefined ? undefined : sub === undefined ? String(code) : `${code}/${sub}`;
  const usage = parseUsage(res.headers);
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'], now) ?? (usage.regainMinutes > 0 ? usage.regainMinutes * 60_000 : undefined);
  const detail = sub !== undefined && INSTAGRAM_SUBCODE_MESSAGES[sub] ? INSTAGRAM_SUBCODE_MESSAGES[sub] : err?.type ?? `HTTP ${res.status}`;
  const make = (kind: ErrorKind, suffix: string, extra: { retryAfterMs?: number; deferUntil?: number } = {}) =>
    new PublishError(`Instagram ${what} failed: ${detail}${platformCode ? ` (code ${platformCode})` : ''}`, {
      platform: 'instagram', code: `INSTAGRAM_${suffix}`, kind, status: res.status, platformCode, raw: res.text, ...extra,
    });

  if (options.oauthEndpoint && code === 400) return make('invalid', 'OAUTH_REJECTED');
  if (code === 9 || sub === 2207042) return make('quota', 'QUOTA', { deferUntil: now + (options.quotaRecheckMs ?? 3_600_000) });
  if (sub === 2207051 || sub === 2207050 || code === 25 || code === 368) return make('invalid', 'ACCOUNT_RESTRICTED');
  if (code !== undefined && RATE_CODES.has(code)) return make('rate_limited', 'RATE_LIMITED', { retryAfterMs: retryAfterMs ?? 60_000 });
  if (code !== undefined && (AUTH_CODES.has(code) || (code >= 200 && code <= 299))) return make('needs_reauth', 'AUTH');
  if (code === 9007 || sub === 2207027) return make('retryable', 'NOT_READY', { retryAfterMs: 30_000 });
  if (code === 1 || code === 2 || code === -1 || code === -2 || err?.is_transient || sub === 2207008 || sub === 2207052) return make('retryable', 'TRANSIENT', { retryAfterMs });
  if (res.status === 429) return make('rate_limited', 'RATE_LIMITED', { retryAfterMs: retryAfterMs ?? 60_000 });
  if (res.status >= 500) return make('retryable', 'SERVER_ERROR', { retryAfterMs });
  if (res.status === 401) return make('needs_reauth', 'AUTH');
  return make('invalid', 'INVALID');
}
