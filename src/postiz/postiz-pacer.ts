import type { PacerInput } from '../core/ports/postiz-submissions.js';

export type { PacerInput, ServerWindow } from '../core/ports/postiz-submissions.js';

const HOUR = 3_600_000;

/** The fixed window the history is in at `now`, as the server counts it. */
export function currentWindow(input: PacerInput): { start: number; count: number } | undefined {
  const windowMs = input.windowMs ?? HOUR;
  const from = input.blockedUntil ?? -Infinity;
  let start: number | undefined;
  let count = 0;
  for (const t of [...input.history].filter((t) => t >= from && t <= input.now).sort((a, b) => a - b)) {
    if (start === undefined || t >= start + windowMs) {
      start = t;
      count = 0;
    }
    count += 1;
  }
  return start === undefined ? undefined : { start, count };
}

/**
 * When the next `POST /posts` may go (ms, ≥ `now`) without ever exceeding the server's fixed-window
 * limit (reference §4: a window of one hour from its first request; going over blocks for an hour).
 *
 * @example
 * ```ts
 * const at = nextPostAt({ history: sentTimes, limit: 30, now: clock.now() });
 * if (at > clock.now()) defer(at);
 * ```
 */
export function nextPostAt(input: PacerInput): number {
  const windowMs = input.windowMs ?? HOUR;
  const margin = input.marginMs ?? 5_000;
  const now = input.now;
  if (input.blockedUntil !== undefined && now < input.blockedUntil + margin) return input.blockedUntil + margin;
  const server = input.server;
  if (server && now < server.resetAt + margin) {
    const sentSince = input.history.filter((t) => t > server.at && t <= now).length;
    if (server.remaining - sentSince <= 0) return server.resetAt + margin;
  }
  const limit = server ? Math.min(input.limit, server.limit) : input.limit;
  const w = currentWindow(input);
  if (!w) return now;
  const end = w.start + windowMs;
  if (now >= end + margin) return now;
  if (now >= end - margin) return end + margin;
  return w.count < limit ? now : end + margin;
}

/**
 * The send times of the next `n` queued submissions if each goes as soon as the pacer allows (ETA of
 * the Nth is `[n - 1]`). Pure: the history is not changed.
 *
 * @example
 * ```ts
 * const etas = postEtas({ history, limit: 30, now }, 45); // 30 now-ish, 15 an hour later
 * ```
 */
export function postEtas(input: PacerInput, n: number): number[] {
  const history = [...input.history];
  const out: number[] = [];
  let now = input.now;
  for (let i = 0; i < n; i++) {
    const at = nextPostAt({ ...input, history, now });
    out.push(at);
    history.push(at);
    now = at;
  }
  return out;
}

/**
 * Largest number of requests the history puts in any one server window (a test oracle: it must never
 * exceed the limit).
 */
export function maxPerWindow(history: readonly number[], windowMs = HOUR): number {
  let best = 0;
  let start: number | undefined;
  let count = 0;
  for (const t of [...history].sort((a, b) => a - b)) {
    if (start === undefined || t >= start + windowMs) {
      start = t;
      count = 0;
    }
    count += 1;
    best = Math.max(best, count);
  }
  return best;
}
