/** What the limiter decided for one counted `POST /posts`. */
export type LimitDecision =
  | { allowed: true; limit: number; remaining: number; resetSec: number }
  | { allowed: false; retryAfterSec: number };

interface Counter {
  hits: number;
  windowEnd: number;
  blockedUntil?: number;
}

const HOUR = 3_600_000;

/**
 * The Postiz throttler on `POST /public/v1/posts` as the reference (§4) describes it: per organization,
 * a fixed window of one hour starting at the first counted request, and once a request goes over the
 * limit a block of one hour measured from that first refused request. Requests made while blocked
 * still count (they keep the counter above the limit) but do not extend the block.
 *
 * @example
 * ```ts
 * const limiter = new PostizLimiter(30);
 * const d = limiter.hit('org_1', clock.now());
 * if (!d.allowed) answer429(d.retryAfterSec);
 * ```
 */
export class PostizLimiter {
  #counters = new Map<string, Counter>();

  /** @param limit - requests per window; `Infinity` switches limiting off. */
  constructor(
    public limit: number,
    public windowMs = HOUR,
    public blockMs = HOUR,
  ) {}

  /** Counts one request of `orgId` at `now` and says whether it may go on. */
  hit(orgId: string, now: number): LimitDecision {
    let c = this.#counters.get(orgId);
    if (c?.blockedUntil !== undefined && now >= c.blockedUntil) c = undefined;
    if (!c || (c.blockedUntil === undefined && now >= c.windowEnd)) {
      c = { hits: 0, windowEnd: now + this.windowMs };
      this.#counters.set(orgId, c);
    }
    c.hits += 1;
    if (c.blockedUntil === undefined && c.hits > this.limit) c.blockedUntil = now + this.blockMs;
    if (c.blockedUntil !== undefined) {
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil((c.blockedUntil - now) / 1000)) };
    }
    return {
      allowed: true,
      limit: this.limit,
      remaining: Math.max(0, this.limit - c.hits),
      resetSec: Math.max(0, Math.ceil((c.windowEnd - now) / 1000)),
    };
  }

  /** Forgets every counter (a Redis flush). */
  reset(): void {
    this.#counters.clear();
  }
}
