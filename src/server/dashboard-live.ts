import type { App } from '../app/open-app.js';
import type { EngineActivity } from '../core/engine/engine.js';
import { toPost } from '../store/rows.js';
import { postView } from './schemas.js';

/** What the dashboard's event stream carries: a post's new state, or upload progress. */
export type LiveMessage =
  | { event: 'post'; data: ReturnType<typeof postView> }
  | { event: 'upload'; data: { postId: string; bytes: number; total: number } };

type Listener = (message: LiveMessage) => void;

/**
 * Feeds the dashboard's server-sent events. Post changes come from the ledger (tailed by `seq` while
 * someone listens), so a worker in another process is seen too; upload progress, which the ledger does
 * not hold, comes from the in-process engine's activity ({@link DashboardLive.activity}).
 *
 * @example
 * ```ts
 * const live = new DashboardLive(app);
 * const worker = await createWorker({ app, logger, onActivity: live.activity });
 * const stop = live.subscribe((m) => res.write(`event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`));
 * ```
 */
export class DashboardLive {
  readonly #listeners = new Set<Listener>();
  #timer: NodeJS.Timeout | undefined;
  #lastSeq: number | undefined;
  #polling = false;

  constructor(
    private readonly app: Pick<App, 'store'>,
    /** How often the ledger is read while someone listens. Default 500 ms. */
    private readonly pollMs = 500,
  ) {}

  /** Engine activity sink: upload progress goes out at once (transitions come through the ledger). */
  readonly activity = (a: EngineActivity): void => {
    if (a.type === 'upload')
      this.#emit({ event: 'upload', data: { postId: a.postId, bytes: a.bytes, total: a.total } });
  };

  /** Adds a listener; returns its removal. Tails the ledger while at least one listens. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (!this.#timer) {
      this.#lastSeq = undefined;
      this.#timer = setInterval(() => void this.poll(), this.pollMs);
      this.#timer.unref();
      void this.poll();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.close();
    };
  }

  /** Reads ledger rows appended since the last read and sends the posts they touched. */
  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const db = this.app.store.db;
      if (this.#lastSeq === undefined) {
        const top = await db
          .selectFrom('events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirst();
        this.#lastSeq = Number(top?.seq ?? 0);
        return;
      }
      const rows = await db
        .selectFrom('events')
        .select(['seq', 'post_id'])
        .where('seq', '>', this.#lastSeq)
        .orderBy('seq')
        .limit(2_000)
        .execute();
      if (rows.length === 0) return;
      this.#lastSeq = Number(rows[rows.length - 1]!.seq);
      const ids = [...new Set(rows.map((r) => r.post_id).filter((id): id is string => !!id))];
      // One read per 500 ids, not one per post: a busy worker appends thousands of rows a second.
      for (let i = 0; i < ids.length; i += 500) {
        const posts = await db.selectFrom('posts').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute();
        for (const row of posts) this.#emit({ event: 'post', data: postView(toPost(row)) });
      }
    } catch {
      // A failed read (store closing) is retried at the next tick; the stream stays open.
    } finally {
      this.#polling = false;
    }
  }

  /** Stops tailing (the server is closing or nobody listens). */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #emit(message: LiveMessage): void {
    for (const l of this.#listeners) l(message);
  }
}
