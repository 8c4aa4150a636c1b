/**
 * Time, injected everywhere so tests drive it.
 *
 * @example
 * ```ts
 * const clock = new FakeClock(new Date('2025-12-01T09:00:00Z'));
 * clock.advance(60_000);
 * ```
 */
export interface Clock {
  /** Current time in milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/**
 * A clock that only moves when told to. Timers registered with {@link FakeClock.sleep} fire in order
 * as {@link FakeClock.advance} passes their due time.
 */
export class FakeClock implements Clock {
  #now: number;
  #timers: { at: number; resolve: () => void }[] = [];

  constructor(start: Date | number = Date.UTC(2025, 11, 1, 9, 0, 0)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms`, resolving every sleep that falls due. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  /** Sets the time (never backwards), resolving every sleep that falls due. */
  set(at: Date | number): void {
    const target = typeof at === 'number' ? at : at.getTime();
    if (target < this.#now) throw new Error(`FakeClock cannot go back from ${this.#now} to ${target}`);
    this.#now = target;
    const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at);
    this.#timers = this.#timers.filter((t) => t.at > target);
    for (const t of due) t.resolve();
  }

  /** A promise that resolves once the clock has been advanced past `ms` from now. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#timers.push({ at: this.#now + ms, resolve }));
  }
}
