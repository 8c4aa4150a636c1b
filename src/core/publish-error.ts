import type { PlatformId } from './platform-id.js';

/**
 * How the engine must treat a failed remote call. Adapters classify once; the engine decides.
 *
 * - `retryable`: transient (5xx, network, timeouts): retry with backoff.
 * - `rate_limited`: slow down; retry after `retryAfterMs` (from `Retry-After` or usage headers).
 * - `quota`: a daily/rolling quota is used up: defer the post to `deferUntil`, do not count an attempt.
 * - `needs_reauth`: the account's credentials are expired or revoked: pause the account's posts.
 * - `invalid`: the request can never succeed as it is (bad media, bad option): fail the post.
 * - `unknown_outcome`: the call may or may not have taken effect: reconcile before anything else.
 */
export type ErrorKind = 'retryable' | 'rate_limited' | 'quota' | 'needs_reauth' | 'invalid' | 'unknown_outcome';

/** Options of {@link PublishError}. */
export interface PublishErrorOptions {
  platform: PlatformId | 'postiz' | 'core';
  /** Stable exported code, e.g. `TIKTOK_RATE_LIMITED`. */
  code: string;
  kind: ErrorKind;
  /** HTTP status of the response that caused it, when there was one. */
  status?: number;
  /** Platform's own error code or subcode as it sent it. */
  platformCode?: string;
  retryAfterMs?: number;
  /** For `quota`: the earliest time the post may try again (ms since epoch). */
  deferUntil?: number;
  cause?: unknown;
  /** The raw response body; kept non-enumerable so it never reaches a log by accident. */
  raw?: unknown;
}

/**
 * The one error type every adapter throws. Its message never contains a token or secret.
 *
 * @example
 * ```ts
 * throw new PublishError('TikTok rejected the chunk size', {
 *   platform: 'tiktok', code: 'TIKTOK_INVALID_CHUNK', kind: 'invalid', status: 400,
 * });
 * ```
 */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  readonly platform: PublishErrorOptions['platform'];
  readonly code: string;
  readonly kind: ErrorKind;
  readonly status: number | undefined;
  readonly platformCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly deferUntil: number | undefined;
  declare readonly raw: unknown;

  constructor(message: string, options: PublishErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.platform = options.platform;
    this.code = options.code;
    this.kind = options.kind;
    this.status = options.status;
    this.platformCode = options.platformCode;
    this.retryAfterMs = options.retryAfterMs;
    this.deferUntil = options.deferUntil;
    Object.defineProperty(this, 'raw', { value: options.raw, enumerable: false });
  }

  /** True for the kinds the engine retries on its own. */
  get retryable(): boolean {
    return this.kind === 'retryable' || this.kind === 'rate_limited' || this.kind === 'unknown_outcome';
  }

  /** A plain, secret-free object for the store and the ledger. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      platform: this.platform,
      code: this.code,
      kind: this.kind,
      status: this.status,
      platformCode: this.platformCode,
      retryAfterMs: this.retryAfterMs,
      deferUntil: this.deferUntil,
    };
  }
}

/** True when `error` is a {@link PublishError}. */
export function isPublishError(error: unknown): error is PublishError {
  return error instanceof PublishError;
}
