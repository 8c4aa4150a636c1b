import type { PublishError } from '../publish-error.js';

/** How the engine retries. Defaults in {@link DEFAULT_RETRY_POLICY}. */
export interface RetryPolicy {
  /** Attempts before a post fails for good (default 8). */
  maxAttempts: number;
  /** First backoff ceiling in ms (default 2 s); doubles per attempt. */
  baseDelayMs: number;
  /** Largest backoff ceiling in ms (default 10 min). */
  maxDelayMs: number;
  /**
   * First backoff after a rate limit (`rate_limited`) in ms (default 10 s, TikTok's advice); doubles per
   * attempt, so the limit's window clears within a few attempts instead of being hit at a flat pace.
   */
  rateLimitBaseMs: number;
}

/** The defaults: 8 attempts, 2 s doubling to 10 min, full jitter; rate limits from 10 s. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 600_000, rateLimitBaseMs: 10_000 });

/**
 * Exponential backoff with full jitter (a random delay in [0, min(max, base·2^(attempt-1))]), never
 * shorter than what the platform asked for (`Retry-After`, usage headers).
 *
 * @example
 * ```ts
 * retryDelay(3, DEFAULT_RETRY_POLICY, Math.random, error.retryAfterMs); // ≤ 8 s, ≥ Retry-After
 * ```
 */
export function retryDelay(attempt: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * The backoff after a rate limit: exponential from `rateLimitBaseMs` (10 s, 20 s, 40 s, …) with equal
 * jitter (never under half the ceiling, so workers do not come back at once), and never shorter than
 * what the platform asked for (`Retry-After`, or when the limit's window clears).
 *
 * @example
 * ```ts
 * rateLimitDelay(2, DEFAULT_RETRY_POLICY, Math.random); // 10–20 s
 * ```
 */
export function rateLimitDelay(attempt: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.rateLimitBaseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Whether another attempt is allowed after `attempt` failed with `error`. */
export function shouldRetry(attempt: number, policy: RetryPolicy, error: PublishError): boolean {
  return error.retryable && attempt < policy.maxAttempts;
}
