import { PublishError, type ErrorKind } from '../../core/publish-error.js';
import { parseRetryAfter } from '../../http/http.js';
import { nextYouTubeQuotaReset } from './youtube-quota.js';

/** The first item of Google's error envelope. */
export interface GoogleErrorItem {
  reason?: string;
  domain?: string;
  message?: string;
}

/** Reads `{error:{code,message,errors:[…],status}}`; undefined when the body is something else. */
export function parseGoogleError(text: string): { message?: string; status?: string; item: GoogleErrorItem } | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: string; status?: string; errors?: GoogleErrorItem[] } | string };
    if (!body.error || typeof body.error !== 'object') return undefined;
    return { message: body.error.message, status: body.error.status, item: body.error.errors?.[0] ?? {} };
  } catch {
    return undefined;
  }
}

/**
 * The fixed codes this adapter throws (plus `YOUTUBE_REJECTED_<REASON>` for other 4xx reasons, e.g.
 * `YOUTUBE_REJECTED_INVALID_TITLE`, and `YOUTUBE_HTTP_<status>` when a 4xx carries no reason).
 */
export const YOUTUBE_ERROR_CODES = [
  'YOUTUBE_QUOTA_EXCEEDED', 'YOUTUBE_QUOTA_RESERVED', 'YOUTUBE_UPLOAD_LIMIT_EXCEEDED', 'YOUTUBE_NO_CHANNEL', 'YOUTUBE_AUTH_ERROR',
  'YOUTUBE_INSUFFICIENT_SCOPE', 'YOUTUBE_RATE_LIMITED', 'YOUTUBE_SERVER_ERROR', 'YOUTUBE_NETWORK',
  'YOUTUBE_INVALID_GRANT', 'YOUTUBE_OAUTH_CLIENT', 'YOUTUBE_OAUTH_SERVER_ERROR', 'YOUTUBE_OAUTH_ERROR',
  'YOUTUBE_INVALID_OPTION', 'YOUTUBE_REJECTED', 'YOUTUBE_PROCESSING_FAILED', 'YOUTUBE_VIDEO_GONE',
  'YOUTUBE_SESSION_LOST', 'YOUTUBE_RESUME_LATER', 'YOUTUBE_UPLOAD_NO_PROGRESS', 'YOUTUBE_UPLOAD_STALLED',
  'YOUTUBE_LOST_UPLOAD_PENDING', 'YOUTUBE_NEEDS_REVIEW', 'YOUTUBE_NO_VIDEO_ID', 'YOUTUBE_THUMBNAIL_MISSING',
] as const;

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'uploadRateLimitExceeded', 'RESOURCE_EXHAUSTED']);
const DAY_MS = 24 * 3600_000;

/**
 * Classifies a Data API error from the HTTP status and `errors[0].reason` (never from message text).
 *
 * - `quotaExceeded` (or any `youtube.quota` domain) → `quota`, deferred to the next Pacific midnight;
 * - `uploadLimitExceeded` → `quota`, deferred 24 h (the channel cap is per day, reset time unpublished);
 * - `authError` 401 → `needs_reauth` (the adapter refreshes once before it lets this through);
 * - `insufficientPermissions` → `needs_reauth` (re-consent with more scopes);
 * - rate limits and 429 → `rate_limited` with `Retry-After` when sent;
 * - 5xx, 408 → `retryable`; any other 4xx → `invalid`.
 *
 * @example
 * ```ts
 * throw classifyYouTubeError(res.status, res.text, { what: 'videos.list', now: clock.now() });
 * ```
 */
export function classifyYouTubeError(status: number, text: string, meta: { what: string; now: number; retryAfter?: string }): PublishError {
  const parsed = parseGoogleError(text);
  const reason = parsed?.item.reason ?? parsed?.status;
  const make = (kind: ErrorKind, code: string, message: string, extra: { retryAfterMs?: number; deferUntil?: number } = {}) =>
    new PublishError(`${meta.what}: ${message}`, { platform: 'youtube', code: `YOUTUBE_${code}`, kind, status, platformCode: reason, raw: text, ...extra });
  const retryAfterMs = parseRetryAfter(meta.retryAfter, meta.now);
  if (reason === 'quotaExceeded' || parsed?.item.domain === 'youtube.quota') {
    return make('quota', 'QUOTA_EXCEEDED', 'the project daily quota is used up; it resets at midnight Pacific time', { deferUntil: nextYouTubeQuotaReset(meta.now) });
  }
  if (reason === 'uploadLimitExceeded') {
    return make('quota', 'UPLOAD_LIMIT_EXCEEDED', 'the channel reached its daily upload limit; trying again in 24 h', { deferUntil: meta.now + DAY_MS });
  }
  if (status === 401 && reason === 'youtubeSignupRequired') {
    return make('invalid', 'NO_CHANNEL', 'the Google account has no YouTube channel; create one, then retry');
  }
  if (status === 401) return make('needs_reauth', 'AUTH_ERROR', 'the access token was refused; reconnect the account');
  if (reason === 'insufficientPermissions') {
    return make('needs_reauth', 'INSUFFICIENT_SCOPE', 'the token lacks a required scope; reconnect the account granting youtube.upload, youtube.readonly and youtube');
  }
  if (status === 429 || RATE_REASONS.has(reason ?? '')) {
    return make('rate_limited', 'RATE_LIMITED', `rate limited (${reason ?? status})`, { retryAfterMs: retryAfterMs ?? 60_000 });
  }
  if (status >= 500 || status === 408) return make('retryable', 'SERVER_ERROR', `server error ${status}${reason ? ` (${reason})` : ''}`, { retryAfterMs });
  const detail = reason ? `${reason}${parsed?.message ? `: ${parsed.message}` : ''}` : `HTTP ${status}`;
  return make('invalid', reason ? `REJECTED_${reason.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}` : `HTTP_${status}`, detail);
}

/**
 * Classifies an OAuth token endpoint error (`{error, error_description}`): `invalid_grant` → `needs_reauth`
 * (revoked, expired, or a Testing-mode token past 7 days), client problems → `invalid`, 5xx → `retryable`.
 *
 * @example
 * ```ts
 * throw classifyOAuthError(400, '{"error":"invalid_grant"}', 'token refresh');
 * ```
 */
export function classifyOAuthError(status: number, text: string, what: string): PublishError {
  let error: string | undefined;
  let description: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    error = typeof body.error === 'string' ? body.error : undefined;
    description = typeof body.error_description === 'string' ? body.error_description : undefined;
  } catch {
    // not JSON: fall back to the status
  }
  const base = { platform: 'youtube' as const, status, platformCode: error, raw: text };
  if (error === 'invalid_grant') {
    return new PublishError(`${what}: Google refused the grant (${description ?? 'invalid_grant'}); reconnect the account`, { ...base, code: 'YOUTUBE_INVALID_GRANT', kind: 'needs_reauth' });
  }
  if (status >= 500 || error === 'temporarily_unavailable' || error === 'server_error') {
    return new PublishError(`${what}: OAuth server error ${status}`, { ...base, code: 'YOUTUBE_OAUTH_SERVER_ERROR', kind: 'retryable' });
  }
  if (error === 'invalid_client' || error === 'deleted_client' || error === 'unauthorized_client') {
    return new PublishError(`${what}: the OAuth client was refused (${error}); check the client id and secret`, { ...base, code: 'YOUTUBE_OAUTH_CLIENT', kind: 'needs_reauth' });
  }
  return new PublishError(`${what}: OAuth error ${error ?? status}${description ? ` (${description})` : ''}`, { ...base, code: 'YOUTUBE_OAUTH_ERROR', kind: 'invalid' });
}
