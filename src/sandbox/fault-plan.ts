/**
 * Faults an emulator injects, matched per request. Tests and users set them; the emulator consumes them.
 *
 * - `status`: answer with this status (e.g. 429 with `retryAfterSec`, or 500/503) without running the route.
 * - `reset`: destroy the connection before reading the request body (a dropped connection).
 * - `reset-mid-body`: read about half of the request body, then destroy the connection.
 * - `drop-response`: run the route fully (its effects happen), then destroy the connection without
 *   answering: the client cannot know the outcome. The case reconciliation exists for.
 * - `delay`: wait `ms` (real time) before running the route (a slow response).
 * - `status-after`: run the route fully (its effects happen), then answer with this status and body
 *   instead of the route's answer: the platform did it, then reported an error (e.g. Meta's
 *   `media_publish` publishing the reel and answering a transient error).
 */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSec?: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'reset-mid-body' }
  | { kind: 'drop-response' }
  | { kind: 'delay'; ms: number }
  | { kind: 'status-after'; status: number; body?: unknown; headers?: Record<string, string> };

/** One entry of a fault plan. */
export interface FaultRule {
  /** HTTP method to match, or any when absent. */
  method?: string;
  /** Path to match: a string matches as a prefix; a RegExp source string when wrapped in slashes (`/…/`). */
  path?: string;
  fault: Fault;
  /** How many matching requests get the fault (default 1; `Infinity` for all). */
  times?: number;
  /** Matching requests to let through before the fault starts (default 0). */
  after?: number;
  /** Probability in [0,1] that a matching request gets the fault (default 1); uses the emulator's seeded RNG. */
  probability?: number;
}

interface LiveRule extends Required<Omit<FaultRule, 'method' | 'path' | 'probability'>> {
  method: string | undefined;
  path: string | undefined;
  probability: number;
  seen: number;
  fired: number;
}

/**
 * An ordered list of fault rules; the first rule that matches and still has budget fires.
 *
 * @example
 * ```ts
 * emulator.faults.add({ method: 'POST', path: '/v2/post/publish/video/init/', times: 2,
 *   fault: { kind: 'status', status: 429, retryAfterSec: 1 } });
 * ```
 */
export class FaultPlan {
  #rules: LiveRule[] = [];
  #random: () => number;
  /** Faults fired so far, for tests to assert on. */
  readonly fired: { method: string; path: string; fault: Fault }[] = [];

  constructor(random: () => number = mulberry32(42)) {
    this.#random = random;
  }

  add(rule: FaultRule): this {
    this.#rules.push({
      method: rule.method?.toUpperCase(),
      path: rule.path,
      fault: rule.fault,
      times: rule.times ?? 1,
      after: rule.after ?? 0,
      probability: rule.probability ?? 1,
      seen: 0,
      fired: 0,
    });
    return this;
  }

  clear(): void {
    this.#rules = [];
  }

  /** The rules still armed (for the control endpoint). */
  list(): FaultRule[] {
    return this.#rules
      .filter((r) => r.fired < r.times)
      .map(({ method, path, fault, times, after, probability }) => ({
        ...(method ? { method } : {}),
        ...(path ? { path } : {}),
        fault,
        times,
        after,
        probability,
      }));
  }

  /** Returns the fault for this request, if any, consuming it. */
  take(method: string, path: string): Fault | undefined {
    for (const rule of this.#rules) {
      if (rule.fired >= rule.times) continue;
      if (rule.method && rule.method !== method.toUpperCase()) continue;
      if (rule.path && !pathMatches(rule.path, path)) continue;
      rule.seen += 1;
      if (rule.seen <= rule.after) continue;
      if (rule.probability < 1 && this.#random() >= rule.probability) continue;
      rule.fired += 1;
      this.fired.push({ method, path, fault: rule.fault });
      return rule.fault;
    }
    return undefined;
  }
}

function pathMatches(pattern: string, path: string): boolean {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/') && /[\\^$*+?()[\]{}|]/.test(pattern)) {
    return new RegExp(pattern.slice(1, -1)).test(path);
  }
  return path.startsWith(pattern);
}

/** A small seeded PRNG so fault plans with probabilities are repeatable. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
