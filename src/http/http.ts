import { request, type Dispatcher } from 'undici';
import { PublishError, type PublishErrorOptions } from '../core/publish-error.js';

/** Options every platform client takes, so tests aim it at an emulator. */
export interface HttpOptions {
  /** undici dispatcher (agent, pool); default undici's global one. */
  dispatcher?: Dispatcher;
  /** Headers timeout per request in ms (default 30 s). */
  timeoutMs?: number;
  /** User-Agent sent (default `clipcast`). */
  userAgent?: string;
}

/** A response read whole (for small JSON answers; uploads use undici.request directly). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The request of {@link httpRequest}. */
export interface HttpRequest {
  method: Dispatcher.HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** String, Buffer or a stream (for uploads). */
  body?: Dispatcher.DispatchOptions['body'];
  signal?: AbortSignal;
}

/**
 * One HTTP exchange on `undici.request`, body read as text. Network errors become a `PublishError`:
 * `retryable` when the request cannot have had an effect (`safe`), else `unknown_outcome`.
 *
 * @example
 * ```ts
 * const res = await httpRequest({ method: 'GET', url }, { platform: 'tiktok', safe: true }, http);
 * ```
 */
export async function httpRequest(
  req: HttpRequest,
  meta: { platform: PublishErrorOptions['platform']; safe: boolean; what: string },
  http: HttpOptions = {},
): Promise<HttpResponse> {
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: { 'user-agent': http.userAgent ?? 'clipcast', ...(req.headers ?? {}) },
      body: req.body,
      signal: req.signal,
      dispatcher: http.dispatcher,
      headersTimeout: http.timeoutMs ?? 30_000,
      bodyTimeout: http.timeoutMs ?? 30_000,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: flattenHeaders(res.headers), text };
  } catch (cause) {
    if (req.signal?.aborted) throw cause;
    throw new PublishError(`${meta.what}: network error (${describeNetworkError(cause)})`, {
      platform: meta.platform,
      code: `${meta.platform.toUpperCase()}_NETWORK`,
      kind: meta.safe ? 'retryable' : 'unknown_outcome',
      cause,
    });
  }
}

/** Lower-cased, single-valued headers. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** A short, secret-free description of a network error (its code, not its message, which may hold a URL). */
export function describeNetworkError(error: unknown): string {
  const e = error as { code?: string; name?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? e?.name ?? 'unknown';
}

/**
 * Parses `Retry-After` (delta seconds or HTTP date) into milliseconds from `now`; undefined when absent
 * or unparsable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Parses JSON keeping integers beyond 2^53 exact: every integer literal with 16 or more digits becomes a
 * string. (Platform ids are identifiers, never arithmetic.)
 */
export function parseJsonLossless<T = unknown>(text: string): T {
  // Walk the text, touching only number tokens outside strings.
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j]!)) j++;
      const token = text.slice(i, j);
      out += /^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token)) ? `"${token}"` : token;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out) as T;
}
