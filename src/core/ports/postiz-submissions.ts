/**
 * The durable state the Postiz adapter needs from the engine's store (implemented on SQLite and
 * PostgreSQL by the store, in memory by `MemorySubmissionStore`), and the server window the pacer reads.
 * A port: the adapter knows this interface, never the store's implementation.
 */

/**
 * What the server said about its window on the last counted answer (`X-RateLimit-Limit`,
 * `X-RateLimit-Remaining`, `X-RateLimit-Reset`), with when it said it.
 */
export interface ServerWindow {
  limit: number;
  remaining: number;
  /** When the server's window ends (ms): the answer's time plus `X-RateLimit-Reset` seconds. */
  resetAt: number;
  /** When the answer was received (ms). */
  at: number;
}

/**
 * What the pacer of a fixed hourly window knows when asked for the next send time (see
 * `nextPostAt` in the Postiz adapter): the store hands it over inside its transaction.
 */
export interface PacerInput {
  /** Send times (ms) of every `POST /posts` that reached the server, including rejected ones (they count). */
  history: readonly number[];
  /** The server's `API_LIMIT` (requests per window). */
  limit: number;
  now: number;
  /** End of a block the server announced with `429 Retry-After` (ms), if any. */
  blockedUntil?: number;
  /** Window length (default one hour, as the server). */
  windowMs?: number;
  /**
   * Guard around window boundaries for clock skew and transit time (default 5 s): the pacer never
   * sends within this margin of a window's end, so the server cannot count a request in a window the
   * pacer did not.
   */
  marginMs?: number;
  /**
   * The server's own count, from its headers: other clients of the organization spend the same
   * budget, so while its window lasts the pacer trusts `remaining` (less what was sent since) over
   * its own history, and a lower announced `limit` over the configured one.
   */
  server?: ServerWindow;
}

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
