import fastifyRateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';

/** A verdict of one limiter: whether the request fits, what is left, when the window resets. */
export interface RateVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  retryAfterSec: number;
}

/** The two limits of the API, both per minute, counted by {@link installRateLimits}. */
export interface RateLimits {
  /** Counts one request of an authenticated key. */
  takeKey(request: FastifyRequest, keyId: string): Promise<RateVerdict>;
  /** Whether this client (IP address) may still try to authenticate, without counting. */
  peekClient(request: FastifyRequest): Promise<RateVerdict>;
  /** Counts one request of this client that came without a valid key. */
  takeClient(request: FastifyRequest): Promise<RateVerdict>;
}

/** Options of {@link installRateLimits}. */
export interface RateLimitOptions {
  clock: Clock;
  /** Requests per API key per minute. */
  perKeyPerMinute: number;
  /** Requests without a valid key per client address per minute. */
  unauthenticatedPerMinute: number;
}

const WINDOW_MS = 60_000;

/**
 * Rate limits on `@fastify/rate-limit` (its counting, keys and IPv6 subnet handling), driven from the
 * auth hook rather than per route: requests with a valid key count against the key; requests without one
 * (missing, unknown, revoked) count against the client address, checked before the key is looked up, so
 * a flood of 401s costs neither database reads nor hashing once the limit is reached.
 *
 * Why a store of our own: the plugin's in-memory store reads `Date.now()`; ours reads the injected clock
 * (tests move time instead of sleeping) and uses fixed windows aligned to the minute, in one process.
 *
 * @example
 * ```ts
 * const limits = installRateLimits(server, { clock, perKeyPerMinute: 600, unauthenticatedPerMinute: 60 });
 * const verdict = await limits.takeKey(request, key.id);
 * ```
 */
export function installRateLimits(server: FastifyInstance, options: RateLimitOptions): RateLimits {
  server.register(fastifyRateLimit, { global: false, store: clockStore(options.clock) });
  let made: { key: Limiter; client: Limiter } | undefined;
  // The plugin decorates the server when it loads (at `ready`); limiters are made on first use.
  const limiters = () =>
    (made ??= {
      key: server.createRateLimit({ max: options.perKeyPerMinute, timeWindow: WINDOW_MS, keyGenerator: (r) => `key:${keyOf.get(r) ?? ''}` }),
      client: server.createRateLimit({ max: options.unauthenticatedPerMinute, timeWindow: WINDOW_MS }),
    });
  const keyOf = new WeakMap<FastifyRequest, string>();
  return {
    async takeKey(request, keyId) {
      keyOf.set(request, keyId);
      return verdictOf(await limiters().key(request), options.perKeyPerMinute);
    },
    async peekClient(request) {
      return verdictOf(await limiters().client(request, { increment: false }), options.unauthenticatedPerMinute, true);
    },
    async takeClient(request) {
      return verdictOf(await limiters().client(request), options.unauthenticatedPerMinute);
    },
  };
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

function verdictOf(result: Awaited<ReturnType<Limiter>>, limit: number, peek = false): RateVerdict {
  if (result.isAllowed) return { allowed: true, limit, remaining: limit, retryAfterSec: 0 };
  // A peek does not count this request: it is refused only when the limit is already used up.
  const exhausted = peek ? result.remaining <= 0 : result.isExceeded;
  return { allowed: !exhausted, limit, remaining: result.remaining, retryAfterSec: Math.max(1, result.ttlInSeconds) };
}

/** A store class for the plugin: fixed windows aligned to `timeWindow`, timed by `clock`. */
function clockStore(clock: Clock): FastifyRateLimitStoreCtor {
  class ClockStore implements FastifyRateLimitStore {
    readonly #windows = new Map<string, { start: number; count: number }>();

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const window = this.#window(key, timeWindow, true);
      window.count += 1;
      callback(null, { current: window.count, ttl: window.start + timeWindow - clock.now() });
    }

    read(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const window = this.#window(key, timeWindow, false);
      callback(null, { current: window.count, ttl: window.start + timeWindow - clock.now() });
    }

    child(): FastifyRateLimitStore {
      return new ClockStore();
    }

    #window(key: string, timeWindow: number, keep: boolean): { start: number; count: number } {
      const now = clock.now();
      const start = now - (now % timeWindow);
      const found = this.#windows.get(key);
      if (found && found.start === start) return found;
      const fresh = { start, count: 0 };
      if (!keep) return fresh;
      this.#windows.set(key, fresh);
      // One entry per key or client address: forget past windows once there are many.
      if (this.#windows.size > 10_000) for (const [k, w] of this.#windows) if (w.start !== start) this.#windows.delete(k);
      return fresh;
    }
  }
  return ClockStore;
}
