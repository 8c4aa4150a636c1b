import { sql, type Generated, type Kysely, type Transaction } from 'kysely';
import { PublishError } from '../core/publish-error.js';
import type { PacerInput, ServerWindow, SubmissionIntent, SubmissionRecord, SubmissionStore, SubmittedMedia } from '../core/ports/postiz-submissions.js';
import type { KyselyStore } from './kysely-store.js';
import type { Database } from './schema.js';

/** `postiz_submissions` (migration `0002_postiz`). Times in ms. */
export interface PostizSubmissionsTable {
  clip_key: string;
  org: string;
  /** `new` | `uploaded` | `intent` (a `POST /posts` without a known outcome) | `submitted`. */
  state: string;
  media_id: string | null;
  media_path: string | null;
  intent_at: number | null;
  intent_date: number | null;
  intent_channels_json: string | null;
  post_ids_json: string;
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** `postiz_sends`: one row per `POST /posts` that left (rejected ones count for the server too). */
export interface PostizSendsTable {
  seq: Generated<number>;
  org: string;
  at: number;
  clip_key: string;
}

type PostizDb = Database & { postiz_submissions: PostizSubmissionsTable; postiz_sends: PostizSendsTable };
type Db = Kysely<PostizDb> | Transaction<PostizDb>;

/**
 * The durable {@link SubmissionStore} on the engine's store (SQLite and PostgreSQL alike): one row per
 * clip submission in `postiz_submissions`, the send history per Postiz organization in `postiz_sends`,
 * and the last announced block (`429 Retry-After`) in `settings` under `postiz.blocked_until:<org>`.
 *
 * @remarks
 * `org` scopes the send history: every submitter talking to the same Postiz organization must use the
 * same value (see `postizOrgKey`), so the pacer counts every request the server counts.
 *
 * @example
 * ```ts
 * const submissions = new KyselySubmissionStore(app.store, postizOrgKey(config));
 * const submitter = new PostizSubmitter({ client, store: submissions, clock });
 * ```
 */
export class KyselySubmissionStore implements SubmissionStore {
  /**
   * @param options - `postsPerHour`: when set, `recordIntent` re-checks the pacer inside its
   *   transaction (serialized per organization: SQLite's write lock, a PostgreSQL advisory lock) and
   *   throws a `quota` PublishError (`POSTIZ_PACED`, `deferUntil`) instead of recording a send the
   *   window has no room for, so several worker processes together never exceed the limit. It asks
   *   `nextPostAt` (the Postiz pacer, injected by the wiring so the store does not depend on the
   *   adapter) when the next send may go.
   */
  constructor(
    private readonly store: KyselyStore,
    readonly org: string,
    private readonly now: () => number = Date.now,
    private readonly options: { postsPerHour?: number; nextPostAt?: (input: PacerInput) => number } = {},
  ) {
    if (options.postsPerHour && !options.nextPostAt) throw new Error('KyselySubmissionStore: postsPerHour needs nextPostAt (the Postiz pacer)');
  }

  get #db(): Kysely<PostizDb> {
    return this.store.db.withTables<{ postiz_submissions: PostizSubmissionsTable; postiz_sends: PostizSendsTable }>();
  }

  #tx<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.store.tx((trx) => fn(trx.withTables<{ postiz_submissions: PostizSubmissionsTable; postiz_sends: PostizSendsTable }>()));
  }

  async load(clipKey: string): Promise<SubmissionRecord | undefined> {
    const row = await this.#db.selectFrom('postiz_submissions').selectAll().where('clip_key', '=', clipKey).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Every row of this organization (status views, tests). */
  async list(): Promise<(SubmissionRecord & { state: string; attempts: number; lastError: string | null })[]> {
    const rows = await this.#db.selectFrom('postiz_submissions').selectAll().where('org', '=', this.org).orderBy('clip_key').execute();
    return rows.map((r) => ({ ...toRecord(r), state: r.state, attempts: Number(r.attempts), lastError: r.last_error }));
  }

  async #ensure(trx: Db, clipKey: string): Promise<PostizSubmissionsTable> {
    const row = await trx.selectFrom('postiz_submissions').selectAll().where('clip_key', '=', clipKey).executeTakeFirst();
    if (row) return row;
    const now = this.now();
    const fresh: PostizSubmissionsTable = {
      clip_key: clipKey, org: this.org, state: 'new', media_id: null, media_path: null, intent_at: null, intent_date: null,
      intent_channels_json: null, post_ids_json: '{}', attempts: 0, last_error: null, created_at: now, updated_at: now,
    };
    await trx.insertInto('postiz_submissions').values(fresh).execute();
    return fresh;
  }

  async recordUpload(clipKey: string, media: SubmittedMedia): Promise<void> {
    await this.#tx(async (trx) => {
      const row = await this.#ensure(trx, clipKey);
      await trx.updateTable('postiz_submissions')
        .set({ media_id: media.id, media_path: media.path, state: row.state === 'new' ? 'uploaded' : row.state, updated_at: this.now() })
        .where('clip_key', '=', clipKey).execute();
    });
  }

  async findMedia(prefix: string): Promise<SubmittedMedia | undefined> {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const row = await this.#db.selectFrom('postiz_submissions').select(['media_id', 'media_path'])
      .where('org', '=', this.org).where(sql<boolean>`clip_key like ${pattern} escape '\\'`)
      .where('media_id', 'is not', null).where('media_path', 'is not', null)
      .orderBy('created_at').executeTakeFirst();
    return row?.media_id && row.media_path ? { id: row.media_id, path: row.media_path } : undefined;
  }

  async recordIntent(clipKey: string, intent: SubmissionIntent): Promise<void> {
    await this.#tx(async (trx) => {
      if (this.options.postsPerHour) await this.#guard(trx, intent.at, this.options.postsPerHour);
      const row = await this.#ensure(trx, clipKey);
      await trx.updateTable('postiz_submissions')
        .set({
          state: 'intent', intent_at: intent.at, intent_date: intent.date, intent_channels_json: JSON.stringify(intent.channelIds),
          attempts: Number(row.attempts) + 1, updated_at: this.now(),
        })
        .where('clip_key', '=', clipKey).execute();
      await trx.insertInto('postiz_sends').values({ org: this.org, at: intent.at, clip_key: clipKey }).execute();
    });
  }

  async #guard(trx: Db, at: number, limit: number): Promise<void> {
    if (this.store.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`postiz:${this.org}`}))`.execute(trx);
    const history = (await trx.selectFrom('postiz_sends').select('at').where('org', '=', this.org).where('at', '>=', at - 7_200_000).execute()).map((r) => Number(r.at));
    const blocked = await trx.selectFrom('settings').select('value').where('key', '=', `postiz.blocked_until:${this.org}`).executeTakeFirst();
    const window = await trx.selectFrom('settings').select('value').where('key', '=', `postiz.window:${this.org}`).executeTakeFirst();
    // Another worker's clock may be a little ahead: judge at the latest send seen, so its sends count.
    const now = Math.max(at, ...history);
    const server = window ? (JSON.parse(window.value) as ServerWindow) : undefined;
    const slot = this.options.nextPostAt!({ history, limit, now, ...(blocked ? { blockedUntil: Number(blocked.value) } : {}), ...(server ? { server } : {}) });
    if (slot > now) {
      throw new PublishError(`Postiz: paced under the hourly limit (another worker took the slot); next submission at ${new Date(slot).toISOString()}`, {
        platform: 'postiz', code: 'POSTIZ_PACED', kind: 'quota', deferUntil: slot,
      });
    }
  }

  async recordResult(clipKey: string, postIds: Record<string, string>, how: { at: number; reconciled: boolean } = { at: this.now(), reconciled: false }): Promise<void> {
    await this.#tx(async (trx) => {
      const row = await this.#ensure(trx, clipKey);
      const merged = { ...(JSON.parse(row.post_ids_json) as Record<string, string>), ...postIds };
      await trx.updateTable('postiz_submissions')
        .set({
          state: Object.keys(merged).length ? 'submitted' : row.media_id ? 'uploaded' : 'new',
          post_ids_json: JSON.stringify(merged), intent_at: null, intent_date: null, intent_channels_json: null, updated_at: how.at,
        })
        .where('clip_key', '=', clipKey).execute();
    });
  }

  async recordNoEffect(clipKey: string, info: { at: number; code: string }): Promise<void> {
    await this.#tx(async (trx) => {
      const row = await this.#ensure(trx, clipKey);
      const hasPosts = row.post_ids_json !== '{}';
      await trx.updateTable('postiz_submissions')
        .set({
          state: hasPosts ? 'submitted' : row.media_id ? 'uploaded' : 'new',
          intent_at: null, intent_date: null, intent_channels_json: null, last_error: info.code, updated_at: info.at,
        })
        .where('clip_key', '=', clipKey).execute();
    });
  }

  async postAttempts(since: number): Promise<number[]> {
    const rows = await this.#db.selectFrom('postiz_sends').select('at').where('org', '=', this.org).where('at', '>=', since).orderBy('at').execute();
    return rows.map((r) => Number(r.at));
  }

  async recordBlock(until: number): Promise<void> {
    const current = await this.blockedUntil();
    if (current !== undefined && current >= until) return;
    await this.store.setSetting(`postiz.blocked_until:${this.org}`, String(until), this.now());
  }

  async blockedUntil(): Promise<number | undefined> {
    const v = await this.store.getSetting(`postiz.blocked_until:${this.org}`);
    return v === undefined ? undefined : Number(v);
  }

  async recordServerWindow(window: ServerWindow): Promise<void> {
    await this.#tx(async (trx) => {
      const key = `postiz.window:${this.org}`;
      const row = await trx.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      if (row && (JSON.parse(row.value) as ServerWindow).at > window.at) return;
      const value = JSON.stringify(window);
      if (row) await trx.updateTable('settings').set({ value, updated_at: window.at }).where('key', '=', key).execute();
      else await trx.insertInto('settings').values({ key, value, updated_at: window.at }).execute();
    });
  }

  async serverWindow(): Promise<ServerWindow | undefined> {
    const v = await this.store.getSetting(`postiz.window:${this.org}`);
    return v === undefined ? undefined : (JSON.parse(v) as ServerWindow);
  }
}

function toRecord(row: PostizSubmissionsTable): SubmissionRecord {
  const record: SubmissionRecord = { clipKey: row.clip_key, postIds: JSON.parse(row.post_ids_json) as Record<string, string> };
  if (row.media_id && row.media_path) record.media = { id: row.media_id, path: row.media_path };
  if (row.intent_at !== null) {
    record.intent = { at: Number(row.intent_at), date: Number(row.intent_date), channelIds: JSON.parse(row.intent_channels_json ?? '[]') as string[] };
  }
  return record;
}
