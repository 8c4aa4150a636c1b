import type { Clock } from '../core/clock.js';

/**
 * A fixed-window rate limiter kept in memory (one process): `limit` requests per key per `windowMs`.
 *
 * @example
 * ```ts
 * const limiter = new FixedWindowLimiter(600, 60_000, clock);
 * const verdict = limiter.take(keyId);
 * if (!verdict.allowed) reply.header('retry-after', String(verdict.retryAfterSec));
 * ```
 */
export class FixedWindowLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Counts one request for `key`; says whether it fits and how long until the window resets. */
  take(key: string): { allowed: boolean; remaining: number; retryAfterSec: number } {
    const now = this.clock.now();
    const start = now - (now % this.windowMs);
    let window = this.#windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.#windows.set(key, window);
      if (this.#windows.size > 10_000) this.#prune(start);
    }
    const retryAfterSec = Math.max(1, Math.ceil((start + this.windowMs - now) / 1000));
    if (window.count >= this.limit) return { allowed: false, remaining: 0, retryAfterSec };
    window.count += 1;
    return { allowed: true, remaining: this.limit - window.count, retryAfterSec };
  }

  #prune(currentStart: number): void {
    for (const [k, w] of this.#windows) if (w.start !== currentStart) this.#windows.delete(k);
  }
}
