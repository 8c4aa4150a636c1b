import type { Clock } from '../../core/clock.js';
import type { Engine } from '../../core/engine/engine.js';
import type { Store } from '../../core/ports/store.js';

/** Options of {@link LocalDispatcher}. */
export interface LocalDispatcherOptions {
  engine: Engine;
  store: Store;
  clock: Clock;
  /**
   * Longest sleep in ms before looking at the store again (default 2 s): posts created by another
   * process (a CLI `publish` beside a running worker) are noticed within this time.
   */
  idleCheckMs?: number;
  /** Called after each wake-up (e.g. to deliver webhooks or write a heartbeat). */
  onWake?: () => Promise<void>;
}

/**
 * The embedded dispatcher: an in-process timer that sleeps until the next post is due (from the store's
 * `nextWakeAt`), wakes early when an in-flight post settles or `notify()` is called, and never busy-polls.
 *
 * @example
 * ```ts
 * const dispatcher = new LocalDispatcher({ engine, store, clock });
 * const running = dispatcher.run();
 * process.once('SIGTERM', () => dispatcher.stop());
 * await running;
 * ```
 */
export class LocalDispatcher {
  #stopped = false;
  #kick: (() => void) | undefined;
  readonly #idleCheckMs: number;

  constructor(private readonly options: LocalDispatcherOptions) {
    this.#idleCheckMs = options.idleCheckMs ?? 2_000;
  }

  /** Wakes the loop now (after a change in this process). */
  notify(): void {
    this.#kick?.();
  }

  /** Runs until {@link LocalDispatcher.stop}; then waits for in-flight steps to release their posts. */
  async run(): Promise<void> {
    const { engine, store, clock } = this.options;
    while (!this.#stopped) {
      const started = await engine.claimAndStart();
      await this.options.onWake?.();
      if (this.#stopped) break;
      if (engine.full) {
        // No slot to claim into: the next settle wakes the loop (no need to ask when the next post is due).
        await this.#sleep(this.#idleCheckMs);
        continue;
      }
      const wake = await store.nextWakeAt();
      const now = clock.now();
      let delay = wake === null ? this.#idleCheckMs : Math.min(Math.max(wake - now, 0), this.#idleCheckMs);
      // Due posts we could not take (all slots or accounts busy): wait for a slot, not a spin.
      if (delay === 0 && started === 0) delay = engine.inFlight ? this.#idleCheckMs : 50;
      await this.#sleep(delay);
    }
    await engine.stop();
  }

  /** Stops claiming new posts; `run()` resolves once in-flight posts are released. */
  stop(): void {
    this.#stopped = true;
    this.#kick?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const settled = this.options.engine.inFlight ? this.options.engine.anySettled() : undefined;
      void settled?.then(done);
      this.#kick = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
