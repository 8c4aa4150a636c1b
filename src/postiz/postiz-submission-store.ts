import type { ServerWindow, SubmissionIntent, SubmissionRecord, SubmissionStore, SubmittedMedia } from '../core/ports/postiz-submissions.js';

export type { SubmittedMedia, SubmissionIntent, SubmissionRecord, SubmissionStore } from '../core/ports/postiz-submissions.js';

/**
 * An in-memory {@link SubmissionStore} (tests, demo). Keep one instance and build new submitters over
 * it to simulate a restart.
 *
 * @example
 * ```ts
 * const store = new MemorySubmissionStore();
 * ```
 */
export class MemorySubmissionStore implements SubmissionStore {
  readonly records = new Map<string, SubmissionRecord>();
  readonly attempts: number[] = [];
  readonly noEffect: { clipKey: string; at: number; code: string }[] = [];
  #blockedUntil: number | undefined;
  #window: ServerWindow | undefined;

  async load(clipKey: string): Promise<SubmissionRecord | undefined> {
    const r = this.records.get(clipKey);
    return r ? structuredClone(r) : undefined;
  }

  #get(clipKey: string): SubmissionRecord {
    let r = this.records.get(clipKey);
    if (!r) this.records.set(clipKey, (r = { clipKey, postIds: {} }));
    return r;
  }

  async recordUpload(clipKey: string, media: SubmittedMedia): Promise<void> {
    this.#get(clipKey).media = { ...media };
  }

  async findMedia(prefix: string): Promise<SubmittedMedia | undefined> {
    for (const [key, r] of this.records) if (key.startsWith(prefix) && r.media) return { ...r.media };
    return undefined;
  }

  async recordIntent(clipKey: string, intent: SubmissionIntent): Promise<void> {
    this.#get(clipKey).intent = structuredClone(intent);
    this.attempts.push(intent.at);
  }

  async recordResult(clipKey: string, postIds: Record<string, string>): Promise<void> {
    const r = this.#get(clipKey);
    r.postIds = { ...r.postIds, ...postIds };
    delete r.intent;
  }

  async recordNoEffect(clipKey: string, info: { at: number; code: string }): Promise<void> {
    delete this.#get(clipKey).intent;
    this.noEffect.push({ clipKey, ...info });
  }

  async postAttempts(since: number): Promise<number[]> {
    return this.attempts.filter((t) => t >= since);
  }

  async recordBlock(until: number): Promise<void> {
    this.#blockedUntil = Math.max(this.#blockedUntil ?? 0, until);
  }

  async blockedUntil(): Promise<number | undefined> {
    return this.#blockedUntil;
  }

  async recordServerWindow(window: ServerWindow): Promise<void> {
    if (!this.#window || this.#window.at <= window.at) this.#window = { ...window };
  }

  async serverWindow(): Promise<ServerWindow | undefined> {
    return this.#window ? { ...this.#window } : undefined;
  }
}
