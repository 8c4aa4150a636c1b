import { PublishError } from '../core/publish-error.js';
import { parseRetryAfter } from '../http/http.js';

/** Stable codes of the errors the Postiz client throws. */
export type PostizErrorCode =
  | 'POSTIZ_RATE_LIMITED'
  | 'POSTIZ_UNAUTHORIZED'
  | 'POSTIZ_INVALID'
  | 'POSTIZ_NOT_FOUND'
  | 'POSTIZ_PAYLOAD_TOO_LARGE'
  | 'POSTIZ_PLAN_LIMIT'
  | 'POSTIZ_SERVER_ERROR'
  | 'POSTIZ_UNEXPECTED'
  | 'POSTIZ_NETWORK';

/** What {@link classifyPostizResponse} needs to know about the call. */
export interface PostizCallInfo {
  /** Short name of the call for the message, e.g. `POST /posts`. */
  what: string;
  /** True when the call creates something with no idempotency (`POST /posts`): a 5xx is then an unknown outcome. */
  creates: boolean;
  now: number;
  /** Secrets to scrub from any text taken from the body (the API key). */
  secrets?: string[];
}

/**
 * The human message in any of the server's error shapes (reference §3): `{msg}`, `{message}`,
 * `{message: string[]}`, or shape D `{provider, name, message}`.
 */
export function postizErrorMessage(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  }
  if (typeof body !== 'object' || body === null) return String(body).slice(0, 200);
  const b = body as { msg?: unknown; message?: unknown; provider?: unknown; name?: unknown };
  const m = Array.isArray(b.message) ? b.message.map(String).join('; ') : typeof b.message === 'string' ? b.message : typeof b.msg === 'string' ? b.msg : '';
  if (typeof b.provider === 'string') return `${b.provider}${typeof b.name === 'string' ? ` (${b.name})` : ''}: ${m}`;
  return m;
}

/**
 * Classifies a non-2xx answer of the Postiz Public API once: 429 → `rate_limited` with `retryAfterMs`;
 * 401 → `needs_reauth` (`POSTIZ_UNAUTHORIZED`: the API key is wrong or rotated); 400/404/413 → `invalid`;
 * 402 → `quota`; 5xx → `retryable`, or `unknown_outcome` for a create call (rows may exist).
 *
 * @example
 * ```ts
 * if (res.status >= 300) throw classifyPostizResponse(res.status, res.text, res.headers, { what: 'POST /posts', creates: true, now });
 * ```
 */
export function classifyPostizResponse(
  status: number,
  text: string,
  headers: Record<string, string>,
  info: PostizCallInfo,
): PublishError {
  let detail = postizErrorMessage(text);
  for (const secret of info.secrets ?? []) if (secret) detail = detail.split(secret).join('[redacted]');
  const base = { platform: 'postiz' as const, status, raw: text };
  const say = (s: string) => `Postiz ${info.what}: ${s}${detail ? ` (${detail})` : ''}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers['retry-after'], info.now) ?? 3_600_000;
    return new PublishError(say(`rate limited, retry in ${Math.ceil(retryAfterMs / 1000)} s`), {
      ...base, code: 'POSTIZ_RATE_LIMITED', kind: 'rate_limited', retryAfterMs,
    });
  }
  if (status === 401) {
    return new PublishError(say('the API key was refused; check it in Postiz Settings → Developers → Public API (sent raw, no Bearer prefix)'), {
      ...base, code: 'POSTIZ_UNAUTHORIZED', kind: 'needs_reauth',
    });
  }
  if (status === 402) return new PublishError(say('plan limit reached'), { ...base, code: 'POSTIZ_PLAN_LIMIT', kind: 'quota' });
  if (status === 413) return new PublishError(say('request body too large'), { ...base, code: 'POSTIZ_PAYLOAD_TOO_LARGE', kind: 'invalid' });
  if (status === 404) return new PublishError(say('not found'), { ...base, code: 'POSTIZ_NOT_FOUND', kind: 'invalid' });
  if (status >= 400 && status < 500) return new PublishError(say('rejected'), { ...base, code: 'POSTIZ_INVALID', kind: 'invalid' });
  if (status >= 500) {
    return new PublishError(say(info.creates ? 'server error; the posts may have been created' : 'server error'), {
      ...base, code: 'POSTIZ_SERVER_ERROR', kind: info.creates ? 'unknown_outcome' : 'retryable',
    });
  }
  return new PublishError(say(`unexpected status ${status}`), { ...base, code: 'POSTIZ_UNEXPECTED', kind: 'retryable' });
}
