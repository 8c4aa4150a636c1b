import type { ServerWindow } from './postiz-pacer.js';

/** Media uploaded once per clip, reused by every retry. */
export interface SubmittedMedia {
  id: string;
  path: string;
}

/** An intent recorded before `POST /posts`: the call may have created posts until proved otherwise. */
export interface SubmissionIntent {
  /** When the request was sent (ms). Counts for pacing whatever happens next. */
  at: number;
  /** The planned publish instant sent as `date` (ms). */
  date: number;
  /** Channels the request carried. */
  channelIds: string[];
}

/** What is durably known about one clip's Postiz submission. */
export interface SubmissionRecord {
  clipKey: string;
  media?: SubmittedMedia;
  /** Present while a `POST /posts` has no known outcome. */
  intent?: SubmissionIntent;
  /** Postiz root post id per channel id, for every channel known to be submitted. */
  postIds: Record<string, string>;
}

/**
 * The durable state the Postiz submitter needs, implemented by the engine's store (one row per clip
 * plus a table of send times). Every method returns after the write is durable.
 *
 * @remarks
 * Exactly-once rests on this order: `recordIntent` before the request, `recordResult` (or
 * `recordNoEffect`) after. An intent that is still present on the next run means "reconcile with
 * `GET /posts` first". The send times feed the pacer so restarts never exceed the hourly limit.
 *
 * @example
 * ```ts
 * const store: SubmissionStore = new MemorySubmissionStore();
 * const submitter = new PostizSubmitter({ client, store, clock, postsPerHour: 30 });
 * ```
 */
export interface SubmissionStore {
  /** The clip's record, or undefined before anything was done. */
  load(clipKey: string): Promise<SubmissionRecord | undefined>;
  /** Remembers the uploaded media, so a retry never uploads again. */
  recordUpload(clipKey: string, media: SubmittedMedia): Promise<void>;
  /** Media already uploaded for any submission whose key starts with `prefix` (the clip's other slots). */
  findMedia(prefix: string): Promise<SubmittedMedia | undefined>;
  /** Records the intent (and its send time) before `POST /posts` is sent. */
  recordIntent(clipKey: string, intent: SubmissionIntent): Promise<void>;
  /** Merges post ids learnt from a 201 or from reconciliation; clears the intent. */
  recordResult(clipKey: string, postIds: Record<string, string>, how: { at: number; reconciled: boolean }): Promise<void>;
  /** The request certainly created nothing (4xx, 429): clears the intent; its send time still counts. */
  recordNoEffect(clipKey: string, info: { at: number; code: string }): Promise<void>;
  /** Send times of every `POST /posts` since `since` (ms), for the pacer. */
  postAttempts(since: number): Promise<number[]>;
  /** Records a server-announced block (`429 Retry-After`) ending at `until`. */
  recordBlock(until: number): Promise<void>;
  /** The latest announced block end, if any. */
  blockedUntil(): Promise<number | undefined>;
  /** Keeps the server's window as its `X-RateLimit-*` headers told it (the newest answer wins). */
  recordServerWindow(window: ServerWindow): Promise<void>;
  /** The newest window the server announced, if any. */
  serverWindow(): Promise<ServerWindow | undefined>;
}

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
