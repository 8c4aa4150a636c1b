import { PublishError, type ErrorKind } from '../../core/publish-error.js';
import { parseRetryAfter } from '../../http/http.js';

/** A failed TikTok answer, as the client read it (no token or URL in it). */
export interface TikTokFailure {
  /** HTTP status (0 when none). */
  status: number;
  /** `error.code` of the v2 envelope, or `error` of the OAuth shape. */
  code?: string;
  message?: string;
  logId?: string;
  /** The `Retry-After` header, when sent (TikTok documents none). */
  retryAfter?: string;
  raw?: unknown;
}

/** What classification needs beyond the answer. */
export interface ClassifyContext {
  /** What was being done, for the message: `TikTok video/init`. */
  what: string;
  now: number;
  rateLimitDelayMs: number;
  dailyCapDeferMs: number;
}

interface Rule {
  code: string;
  kind: ErrorKind;
  hint: string;
}

/** v2 `error.code` → our classification (reference §4.4, §5.3, §6.3, §9.4, §10). */
const V2_RULES: Record<string, Rule> = {
  rate_limit_exceeded: { code: 'TIKTOK_RATE_LIMITED', kind: 'rate_limited', hint: 'per-token rate limit exceeded' },
  internal_error: { code: 'TIKTOK_SERVER_ERROR', kind: 'retryable', hint: 'TikTok internal error' },
  access_token_invalid: { code: 'TIKTOK_ACCESS_TOKEN_INVALID', kind: 'needs_reauth', hint: 'the access token is invalid, expired or revoked; reconnect the account' },
  scope_not_authorized: { code: 'TIKTOK_SCOPE_NOT_AUTHORIZED', kind: 'needs_reauth', hint: 'the account did not grant the scope this needs; reconnect and grant video.publish / video.upload' },
  scope_permission_missed: { code: 'TIKTOK_SCOPE_NOT_AUTHORIZED', kind: 'needs_reauth', hint: 'a scope is missing; reconnect the account' },
  spam_risk_too_many_posts: { code: 'TIKTOK_DAILY_POST_CAP', kind: 'quota', hint: "the creator reached TikTok's daily post cap; try again tomorrow" },
  reached_active_user_cap: { code: 'TIKTOK_ACTIVE_USER_CAP', kind: 'quota', hint: "the app reached its daily quota of posting creators; try later" },
  spam_risk_too_many_pending_share: { code: 'TIKTOK_PENDING_SHARE_CAP', kind: 'quota', hint: 'the creator has 5 pending inbox drafts; they must post or clear them first' },
  spam_risk_user_banned_from_posting: { code: 'TIKTOK_CREATOR_BANNED', kind: 'invalid', hint: 'the creator is banned from posting' },
  unaudited_client_can_only_post_to_private_accounts: {
    code: 'TIKTOK_UNAUDITED_CLIENT',
    kind: 'invalid',
    hint: "the app has not passed TikTok's audit: it may only post SELF_ONLY (only me) to private accounts; choose privacy_level SELF_ONLY or get the app audited",
  },
  privacy_level_option_mismatch: { code: 'TIKTOK_PRIVACY_MISMATCH', kind: 'invalid', hint: "privacy_level is not one of the creator's current options" },
  url_ownership_unverified: { code: 'TIKTOK_URL_UNVERIFIED', kind: 'invalid', hint: 'the video URL is not under a domain or URL prefix verified for the app' },
  invalid_params: { code: 'TIKTOK_INVALID_PARAMS', kind: 'invalid', hint: 'TikTok rejected a parameter' },
  invalid_param: { code: 'TIKTOK_INVALID_PARAMS', kind: 'invalid', hint: 'TikTok rejected a parameter' },
  invalid_file_upload: { code: 'TIKTOK_INVALID_FILE', kind: 'invalid', hint: "the file does not meet TikTok's specs" },
  invalid_publish_id: { code: 'TIKTOK_INVALID_PUBLISH_ID', kind: 'invalid', hint: 'TikTok does not know this publish_id' },
  token_not_authorized_for_specified_publish_id: { code: 'TIKTOK_PUBLISH_ID_NOT_OWNED', kind: 'invalid', hint: 'the publish_id belongs to another account' },
  publish_not_cancellable: { code: 'TIKTOK_NOT_CANCELLABLE', kind: 'invalid', hint: 'the publish can no longer be cancelled' },
  app_version_check_failed: { code: 'TIKTOK_APP_VERSION', kind: 'invalid', hint: "the creator's TikTok app is too old" },
};

/** OAuth `error` → classification (§2.8). A refused refresh or code means reconnecting. */
const OAUTH_RULES: Record<string, Rule> = {
  invalid_grant: { code: 'TIKTOK_OAUTH_INVALID_GRANT', kind: 'needs_reauth', hint: 'the code or refresh token is invalid, expired, used or revoked; reconnect the account' },
  access_denied: { code: 'TIKTOK_OAUTH_ACCESS_DENIED', kind: 'needs_reauth', hint: 'the user denied access' },
  invalid_client: { code: 'TIKTOK_OAUTH_INVALID_CLIENT', kind: 'invalid', hint: 'client_key or client_secret is wrong' },
  invalid_request: { code: 'TIKTOK_OAUTH_INVALID_REQUEST', kind: 'invalid', hint: 'malformed OAuth request (redirect_uri or PKCE mismatch?)' },
  invalid_scope: { code: 'TIKTOK_OAUTH_INVALID_SCOPE', kind: 'invalid', hint: 'unknown or malformed scope' },
  unauthorized_client: { code: 'TIKTOK_OAUTH_UNAUTHORIZED_CLIENT', kind: 'invalid', hint: 'the app may not use this grant' },
  unsupported_grant_type: { code: 'TIKTOK_OAUTH_UNSUPPORTED_GRANT', kind: 'invalid', hint: 'grant type not supported' },
  unsupported_response_type: { code: 'TIKTOK_OAUTH_UNSUPPORTED_RESPONSE', kind: 'invalid', hint: 'response type not supported' },
};

/**
 * Classifies a failed v2 API answer once, from its HTTP status and `error.code`.
 *
 * @example
 * ```ts
 * throw classifyTikTokError({ status: 429, code: 'rate_limit_exceeded' }, { what: 'TikTok video/init', now, rateLimitDelayMs: 10_000, dailyCapDeferMs: 86_400_000 });
 * ```
 */
export function classifyTikTokError(f: TikTokFailure, ctx: ClassifyContext): PublishError {
  let rule = f.code ? V2_RULES[f.code] : undefined;
  if (!rule && (f.status === 429)) rule = V2_RULES.rate_limit_exceeded;
  if (!rule && f.status >= 500) rule = V2_RULES.internal_error;
  if (!rule && f.status === 401) rule = V2_RULES.access_token_invalid;
  rule ??= { code: 'TIKTOK_ERROR', kind: 'invalid', hint: 'TikTok refused the request' };
  return build(rule, f, ctx);
}

/**
 * Classifies a failed OAuth answer (`{error, error_description, log_id}`, any HTTP status).
 *
 * @example
 * ```ts
 * classifyTikTokOAuthError({ status: 400, code: 'invalid_grant' }, ctx).kind; // 'needs_reauth'
 * ```
 */
export function classifyTikTokOAuthError(f: TikTokFailure, ctx: ClassifyContext): PublishError {
  let rule = f.code ? OAUTH_RULES[f.code] : undefined;
  if (!rule && f.status === 429) rule = V2_RULES.rate_limit_exceeded;
  if (!rule && f.status >= 500) rule = V2_RULES.internal_error;
  rule ??= { code: 'TIKTOK_OAUTH_ERROR', kind: 'invalid', hint: 'TikTok refused the OAuth request' };
  return build(rule, f, ctx);
}

function build(rule: Rule, f: TikTokFailure, ctx: ClassifyContext): PublishError {
  const detail = [f.code && `code ${f.code}`, f.status ? `HTTP ${f.status}` : '', f.message && `"${f.message}"`, f.logId && `log_id ${f.logId}`].filter(Boolean).join(', ');
  const message = `${ctx.what} failed: ${rule.hint}${detail ? ` (${detail})` : ''}`;
  return new PublishError(message, {
    platform: 'tiktok',
    code: rule.code,
    kind: rule.kind,
    status: f.status || undefined,
    platformCode: f.code,
    retryAfterMs: rule.kind === 'rate_limited' ? (parseRetryAfter(f.retryAfter, ctx.now) ?? ctx.rateLimitDelayMs) : undefined,
    deferUntil: rule.kind === 'quota' ? ctx.now + ctx.dailyCapDeferMs : undefined,
    raw: f.raw,
  });
}

/** What a `fail_reason` of status/fetch means (§9.3). Unknown reasons: not retryable, surfaced as-is. */
const FAIL_REASONS: Record<string, { kind: ErrorKind; text: string }> = {
  file_format_check_failed: { kind: 'invalid', text: 'TikTok could not accept the file format or codec (use MP4 with H.264/AAC)' },
  duration_check_failed: { kind: 'invalid', text: "the video's duration is outside TikTok's limits for this creator" },
  frame_rate_check_failed: { kind: 'invalid', text: 'the frame rate is outside 23–60 fps' },
  picture_size_check_failed: { kind: 'invalid', text: 'the resolution is outside 360–4096 px per side' },
  internal: { kind: 'retryable', text: 'TikTok had an internal error while processing; a fresh upload will be tried' },
  video_pull_failed: { kind: 'retryable', text: 'TikTok could not download the video from its URL; a fresh attempt will be made' },
  photo_pull_failed: { kind: 'retryable', text: 'TikTok could not download the photo' },
  publish_cancelled: { kind: 'invalid', text: 'the publish was cancelled' },
  auth_removed: { kind: 'needs_reauth', text: 'the creator removed the app’s access while it was processing; reconnect the account' },
  spam_risk_too_many_posts: { kind: 'quota', text: "the creator reached TikTok's daily post cap" },
  spam_risk_user_banned_from_posting: { kind: 'invalid', text: 'the creator is banned from posting' },
  spam_risk_text: { kind: 'invalid', text: 'TikTok judged the caption risky or spammy; edit the caption' },
  spam_risk: { kind: 'invalid', text: 'TikTok judged the request risky' },
};

/**
 * Turns a FAILED status's `fail_reason` into a PublishError with a clear message and the right kind.
 *
 * @example
 * ```ts
 * failReasonError('frame_rate_check_failed', 'v_pub_file~v2-1.7', ctx).kind; // 'invalid'
 * ```
 */
export function failReasonError(reason: string, ctx: ClassifyContext): PublishError {
  const known = FAIL_REASONS[reason];
  const kind = known?.kind ?? 'invalid';
  const text = known?.text ?? `TikTok failed the post with an unknown reason "${reason}"`;
  return new PublishError(`TikTok processing failed: ${text} (fail_reason ${reason})`, {
    platform: 'tiktok',
    code: known ? `TIKTOK_FAILED_${reason.toUpperCase()}` : 'TIKTOK_FAILED',
    kind,
    platformCode: reason,
    deferUntil: kind === 'quota' ? ctx.now + ctx.dailyCapDeferMs : undefined,
  });
}
