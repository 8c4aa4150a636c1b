import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { PlatformId } from '../core/platform-id.js';
import { ACTIVE_STATES, type PostState } from '../core/post-state.js';
import type { RemoteState, UploadCheckpoint } from '../core/ports/platform-adapter.js';
import {
  LeaseLostError,
  NotFoundError,
  StateConflictError,
  type AccountRecord,
  type CampaignRecord,
  type ClipRecord,
  type EventRecord,
  type LedgerVerdict,
  type NewCampaign,
  type NewEvent,
  type PostFilter,
  type PostRecord,
  type RateSlot,
  type StepOutcome,
  type Store,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
} from '../core/ports/store.js';
import type { Secrets } from '../core/ports/secrets.js';
import { appendLedger, checkpointMac, verifyLedgerChain, type LedgerCheckpoint, type LedgerEvent, type LedgerKey } from './ledger.js';
import { loadLedgerKey } from './ledger-key.js';
import { headMac } from './ledger-hash.js';
import * as webhooks from './webhook-queries.js';
import { insertCampaignRows } from './campaign-rows.js';
import { takeRateSlot } from './rate-slots.js';
import type { DialectName } from './migrations.js';
import { fromAccount, toAccount, toCampaign, toClip, toEvent, toPost } from './rows.js';
import type { Database, PostsTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** States a worker may claim (when due and not leased). */
const CLAIMABLE: PostState[] = ['scheduled', 'retry_wait', 'deferred', 'preparing', 'uploading', 'processing', 'publishing'];
/** States a post waits in before (or between) steps. */
const WAITING: ReadonlySet<PostState> = new Set(['scheduled', 'retry_wait', 'deferred']);
/** States the user may still reschedule or cancel from. */
const NOT_STARTED: PostState[] = ['scheduled', 'deferred', 'retry_wait', 'needs_reauth'];

/**
 * The `Store` on Kysely, for SQLite and PostgreSQL alike; only transactions and the ledger lock
 * differ per dialect.
 *
 * @example
 * ```ts
 * const store = await openStore({ url: 'sqlite:///tmp/clipcast.db' });
 * const { posts } = await store.listPosts({ state: 'scheduled' });
 * ```
 */
export class KyselyStore implements Store {
  #ledger: LedgerKey | undefined;
  /** Step writes (claims, checkpoints, step outcomes) waiting for a writer, see `#write`. */
  readonly #pending: StepWrite[] = [];
  #writers = 0;
  readonly #maxWriters: number;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    /** Step-write transactions running at once (default: 2 on PostgreSQL, 1 on SQLite, which has one writer). */
    options: { writers?: number } = {},
  ) {
    this.#maxWriters = Math.max(1, options.writers ?? (dialect === 'postgres' ? 2 : 1));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Runs `fn` in a write transaction (SQLite: BEGIN IMMEDIATE, so concurrent processes queue instead of failing). */
  async tx<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.db.transaction().execute(fn);
    return this.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw error;
      }
    });
  }

  // ---- accounts

  async insertAccount(account: AccountRecord): Promise<void> {
    await this.tx(async (trx) => {
      if (account.isMain) {
        await trx.updateTable('accounts').set({ is_main: 0 }).where('platform', '=', account.platform).execute();
      }
      await trx.insertInto('accounts').values(fromAccount(account)).execute();
      await this.#append(trx, [{ accountId: account.id, type: 'account.added', data: { platform: account.platform, handle: account.handle } }], account.createdAt);
    });
  }

  async listAccounts(filter: { platform?: PlatformId } = {}): Promise<AccountRecord[]> {
    let q = this.db.selectFrom('accounts').selectAll().orderBy('platform').orderBy('handle');
    if (filter.platform) q = q.where('platform', '=', filter.platform);
    return (await q.execute()).map(toAccount);
  }

  async getAccount(id: string): Promise<AccountRecord | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAccount(row) : undefined;
  }

  async updateAccount(id: string, patch: Partial<Omit<AccountRecord, 'id' | 'createdAt'>>, event?: NewEvent): Promise<void> {
    await this.tx(async (trx) => {
      const current = await trx.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current) throw new NotFoundError(`account ${id} not found`);
      const next = fromAccount({ ...toAccount(current), ...patch });
      if (patch.isMain) await trx.updateTable('accounts').set({ is_main: 0 }).where('platform', '=', next.platform).execute();
      const { id: _id, created_at: _c, ...values } = next;
      await trx.updateTable('accounts').set(values).where('id', '=', id).execute();
      if (event) await this.#append(trx, [{ accountId: id, ...event }], next.updated_at);
    });
  }

  async deleteAccount(id: string): Promise<boolean> {
    return this.tx(async (trx) => {
      const open = await trx
        .selectFrom('posts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', id)
        .where('state', 'not in', ['published', 'failed', 'cancelled'])
        .executeTakeFirstOrThrow();
      if (Number(open.n) > 0) return false;
      const used = await trx.selectFrom('posts').select('id').where('account_id', '=', id).executeTakeFirst();
      if (used) {
        // Keep the row for history (posts reference it); make it unusable.
        await trx.updateTable('accounts').set({ active: 0, status: 'disabled', is_main: 0, credentials_enc: '' }).where('id', '=', id).execute();
      } else {
        await trx.deleteFrom('accounts').where('id', '=', id).execute();
      }
      return true;
    });
  }

  // ---- campaigns

  async createCampaign(input: NewCampaign, now: number): Promise<{ campaign: CampaignRecord; created: boolean }> {
    const fingerprint = input.campaign.fingerprint;
    try {
      return await this.tx(async (trx) => {
        const existing = await trx.selectFrom('campaigns').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();
        if (existing) return { campaign: toCampaign(existing), created: false };
        const c = input.campaign;
        const events = await insertCampaignRows(trx, input, now);
        await this.#append(trx, events, now);
        const row = await trx.selectFrom('campaigns').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
        return { campaign: toCampaign(row), created: true };
      });
    } catch (error) {
      // PostgreSQL (read committed): two creates of the same campaign both find none, and the later
      // insert waits for the earlier commit, then fails on the unique fingerprint. That is "it exists",
      // as SQLite (which serializes writers) answers: report the winner's campaign instead of the error.
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.db.selectFrom('campaigns').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();
      if (!winner) throw error;
      return { campaign: toCampaign(winner), created: false };
    }
  }

  async getCampaign(id: string): Promise<CampaignRecord | undefined> {
    const row = await this.db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCampaign(row) : undefined;
  }

  async listCampaigns(): Promise<(CampaignRecord & { counts: Record<string, number> })[]> {
    const rows = await this.db.selectFrom('campaigns').selectAll().orderBy('created_at', 'desc').execute();
    const counts = await this.db
      .selectFrom('posts')
      .select(['campaign_id', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['campaign_id', 'state'])
      .execute();
    return rows.map((r) => {
      const c: Record<string, number> = {};
      for (const x of counts) if (x.campaign_id === r.id) c[x.state] = Number(x.n);
      return { ...toCampaign(r), counts: c };
    });
  }

  async cancelCampaign(id: string, now: number): Promise<number> {
    return this.tx(async (trx) => {
      const campaign = await trx.selectFrom('campaigns').select('id').where('id', '=', id).executeTakeFirst();
      if (!campaign) throw new NotFoundError(`campaign ${id} not found`);
      const posts = await trx.selectFrom('posts').select(['id', 'account_id', 'state']).where('campaign_id', '=', id).where('state', 'in', NOT_STARTED).execute();
      if (posts.length) {
        await trx.updateTable('posts').set({ state: 'cancelled', lease_owner: null, lease_until: null, updated_at: now }).where('campaign_id', '=', id).where('state', 'in', NOT_STARTED).execute();
      }
      await trx.updateTable('campaigns').set({ state: 'cancelled', cancelled_at: now }).where('id', '=', id).execute();
      await this.#append(
        trx,
        [
          { campaignId: id, type: 'campaign.cancelled', data: { posts: posts.length } },
          ...posts.map((p) => ({ postId: p.id, campaignId: id, accountId: p.account_id, type: 'post.transition', data: { from: p.state, to: 'cancelled', reason: 'campaign cancelled' } })),
        ],
        now,
      );
      return posts.length;
    });
  }

  async getClip(id: string): Promise<ClipRecord | undefined> {
    const row = await this.db.selectFrom('clips').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toClip(row) : undefined;
  }

  // ---- posts

  async getPost(id: string): Promise<PostRecord | undefined> {
    const row = await this.db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toPost(row) : undefined;
  }

  async listPosts(filter: PostFilter = {}): Promise<{ posts: PostRecord[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 10_000);
    let q = this.db.selectFrom('posts').selectAll().orderBy('scheduled_at').orderBy('id').limit(limit + 1);
    if (filter.campaignId) q = q.where('campaign_id', '=', filter.campaignId);
    if (filter.accountId) q = q.where('account_id', '=', filter.accountId);
    if (filter.platform) q = q.where('platform', '=', filter.platform);
    if (filter.state) q = q.where('state', 'in', Array.isArray(filter.state) ? filter.state : [filter.state]);
    if (filter.from !== undefined) q = q.where('scheduled_at', '>=', filter.from);
    if (filter.to !== undefined) q = q.where('scheduled_at', '<', filter.to);
    if (filter.cursor) {
      const [at, id] = decodeCursor(filter.cursor);
      q = q.where((eb) => eb.or([eb('scheduled_at', '>', at), eb.and([eb('scheduled_at', '=', at), eb('id', '>', id)])]));
    }
    const rows = (await q.execute()).map(toPost);
    const more = rows.length > limit;
    const posts = more ? rows.slice(0, limit) : rows;
    const last = posts[posts.length - 1];
    return { posts, nextCursor: more && last ? encodeCursor(last.scheduledAt, last.id) : null };
  }

  async countPostsByState(): Promise<{ platform: string; state: string; count: number }[]> {
    const rows = await this.db.selectFrom('posts').select(['platform', 'state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['platform', 'state']).execute();
    return rows.map((r) => ({ platform: r.platform, state: r.state, count: Number(r.n) }));
  }

  /**
   * The media (sha256) some post may still need: clips with a post neither published nor cancelled
   * (a failed post can be retried). `clipcast media prune` keeps these.
   */
  async mediaInUse(): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('clips')
      .innerJoin('posts', 'posts.clip_row_id', 'clips.id')
      .select('clips.media_sha256')
      .distinct()
      .where('posts.state', 'not in', ['published', 'cancelled'])
      .execute();
    return new Set(rows.map((r) => r.media_sha256));
  }

  async hasUnsettledPosts(): Promise<boolean> {
    // Every state a worker may still claim is unsettled; the rest are final or wait for a reconnect.
    const row = await this.db.selectFrom('posts').select('id').where('state', 'in', CLAIMABLE).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * What a status line shows: posts waiting whose time has come (`dueNow`), when the next waiting one
   * is due (`nextAt`, ms, or null), and every post counted by state. Reads the (state, next_attempt_at) index.
   */
  async queueSummary(now: number): Promise<{ dueNow: number; nextAt: number | null; counts: Record<string, number> }> {
    const waiting = [...WAITING];
    const due = await this.db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).where('state', 'in', waiting).where('next_attempt_at', '<=', now).executeTakeFirst();
    const next = await this.db.selectFrom('posts').select((eb) => eb.fn.min<number>('next_attempt_at').as('at')).where('state', 'in', waiting).where('next_attempt_at', '>', now).executeTakeFirst();
    const counts: Record<string, number> = {};
    for (const r of await this.countPostsByState()) counts[r.state] = (counts[r.state] ?? 0) + r.count;
    return { dueNow: Number(due?.n ?? 0), nextAt: next?.at === null || next?.at === undefined ? null : Number(next.at), counts };
  }

  async reschedulePost(id: string, at: number, now: number): Promise<PostRecord> {
    return this.#userChange(id, now, NOT_STARTED.filter((s) => s !== 'needs_reauth'), (p) => ({
      set: { scheduled_at: at, next_attempt_at: at, state: p.state === 'retry_wait' ? 'retry_wait' : 'scheduled' },
      event: { type: 'post.rescheduled', data: { from: new Date(p.scheduledAt).toISOString(), to: new Date(at).toISOString() } },
    }));
  }

  async cancelPost(id: string, now: number): Promise<PostRecord> {
    return this.#userChange(id, now, NOT_STARTED, (p) => ({
      set: { state: 'cancelled' },
      event: { type: 'post.transition', data: { from: p.state, to: 'cancelled', reason: 'cancelled by the user' } },
    }));
  }

  async retryPost(id: string, now: number): Promise<PostRecord> {
    return this.#userChange(id, now, ['failed'], (p) => ({
      set: { state: 'scheduled', next_attempt_at: now, attempt: 0, last_error_json: null },
      event: { type: 'post.transition', data: { from: p.state, to: 'scheduled', reason: 'retry requested by the user' } },
    }));
  }

  async #userChange(
    id: string,
    now: number,
    allowed: PostState[],
    change: (p: PostRecord) => { set: Updateable<PostsTable>; event: Omit<NewEvent, 'postId'> },
  ): Promise<PostRecord> {
    return this.tx(async (trx) => {
      const row = await trx.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError(`post ${id} not found`);
      const post = toPost(row);
      if (!allowed.includes(post.state) || (post.leaseUntil !== null && post.leaseUntil > now)) {
        throw new StateConflictError(`post ${id} is ${post.state}${post.leaseUntil && post.leaseUntil > now ? ' and being worked on' : ''}; this change needs it to be ${allowed.join(' or ')}`);
      }
      const { set, event } = change(post);
      await trx.updateTable('posts').set({ ...set, updated_at: now }).where('id', '=', id).execute();
      await this.#append(trx, [{ postId: id, campaignId: post.campaignId, accountId: post.accountId, ...event }], now);
      return toPost(await trx.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    });
  }

  // ---- dispatch

  async claimDuePosts(input: { owner: string; now: number; leaseMs: number; limit: number; excludeAccountIds?: string[]; platform?: PlatformId }): Promise<PostRecord[]> {
    if (input.limit <= 0) return [];
    // Through the step writers: a claim shares the transaction and the ledger append of the writes
    // queued with it (its row locks are held until that commit).
    return this.#write(async (trx) => {
      let pick = trx
        .selectFrom('posts')
        .selectAll()
        .where('state', 'in', CLAIMABLE)
        .where('next_attempt_at', '<=', input.now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', input.now)]))
        .orderBy('next_attempt_at')
        .orderBy('scheduled_at') // ties (Postiz campaigns are due at once): earliest planned first
        .limit(input.limit);
      if (input.excludeAccountIds?.length) pick = pick.where('account_id', 'not in', input.excludeAccountIds);
      if (input.platform) pick = pick.where('platform', '=', input.platform);
      if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      // The rows are locked (PostgreSQL) or the write transaction is ours (SQLite): what was read is what
      // gets updated, so the claimed posts are built from it instead of read again.
      const before = await pick.execute();
      if (!before.length) return { value: [], events: [] };
      const ids = before.map((r) => r.id);
      const lease = { lease_owner: input.owner, lease_until: input.now + input.leaseMs, updated_at: input.now };
      const waiting = [...WAITING];
      // A waiting post resumes the step it waits for (resume_state); one in a step keeps its state.
      await trx
        .updateTable('posts')
        .set({ ...lease, state: sql<string>`case when state in (${sql.join(waiting)}) then resume_state else state end` })
        .where('id', 'in', ids)
        .execute();
      const events: NewEvent[] = [];
      const claimed = before.map((r) => {
        const p = toPost(r);
        if (WAITING.has(p.state)) {
          events.push({ postId: p.id, campaignId: p.campaignId, accountId: p.accountId, type: 'post.transition', data: { from: p.state, to: r.resume_state, worker: input.owner } });
        } else if (p.leaseOwner) {
          events.push({ postId: p.id, campaignId: p.campaignId, accountId: p.accountId, type: 'post.lease_recovered', data: { state: p.state, previousWorker: p.leaseOwner, worker: input.owner } });
        }
        return toPost({ ...r, ...lease, state: WAITING.has(p.state) ? r.resume_state : r.state });
      });
      return { value: claimed, events: events.map((e) => ({ ...e, at: input.now })) };
    }, { exclusive: true });
  }

  /**
   * A post wakes at its lease expiry while leased past its due time, else at its due time. Per state, the
   * (state, next_attempt_at) index is walked up to the first post not leased past its due time: no later
   * post of that state can wake earlier (a wake is never before the due time), so only the leased posts
   * before it (at most those in flight) are read, not every post waiting.
   */
  async nextWakeAt(): Promise<number | null> {
    const wake = sql`case when lease_until is not null and lease_until > next_attempt_at then lease_until else next_attempt_at end`;
    const perState = CLAIMABLE.map(
      (state) => sql`select ${wake} as w from posts where state = ${state} and next_attempt_at <= coalesce((select q.next_attempt_at from posts q where q.state = ${state} and (q.lease_until is null or q.lease_until <= q.next_attempt_at) order by q.next_attempt_at limit 1), ${sql.lit(Number.MAX_SAFE_INTEGER)})`,
    );
    const { rows } = await sql<{ at: number | null }>`select min(w) as at from (${sql.join(perState, sql` union all `)}) wakes`.execute(this.db);
    const at = rows[0]?.at;
    return at === null || at === undefined ? null : Number(at);
  }

  async renewLease(postId: string, owner: string, until: number): Promise<void> {
    const res = await this.db.updateTable('posts').set({ lease_until: until }).where('id', '=', postId).where('lease_owner', '=', owner).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new LeaseLostError(postId);
  }

  async checkpoint(postId: string, owner: string, patch: { remote?: RemoteState; upload?: UploadCheckpoint | null; event?: NewEvent }, now: number): Promise<void> {
    await this.#write<void>(async (trx) => {
      let post: { campaign_id: string; account_id: string };
      if (this.dialect === 'postgres') post = await this.#checkpointPg(trx, postId, owner, patch, now);
      else {
        const row = (post = await this.#leased(trx, postId, owner));
        if (patch.remote) {
          const remote = { ...(JSON.parse(row.remote_json) as RemoteState), ...patch.remote };
          await trx.updateTable('posts').set({ remote_json: JSON.stringify(remote), updated_at: now }).where('id', '=', postId).execute();
        }
        if (patch.upload === null) await trx.deleteFrom('upload_sessions').where('post_id', '=', postId).execute();
        else if (patch.upload) await this.#saveUpload(trx, postId, patch.upload, now);
      }
      return { value: undefined, events: patch.event ? [{ postId, campaignId: post.campaign_id, accountId: post.account_id, ...patch.event, at: now }] : [] };
    }, { standalone: !patch.event });
  }

  /**
   * PostgreSQL: a checkpoint in one statement guarded by the lease: the remote patch merged into the
   * post (see {@link remoteMerge}) and the upload session saved or removed in the same statement, each
   * only when the post is still leased to `owner`; nothing is written otherwise.
   */
  async #checkpointPg(trx: Db, postId: string, owner: string, patch: { remote?: RemoteState; upload?: UploadCheckpoint | null }, now: number): Promise<{ campaign_id: string; account_id: string }> {
    const leased = patch.remote
      ? sql`update posts set remote_json = ${remoteMerge(patch.remote)}, updated_at = ${now} where id = ${postId} and lease_owner = ${owner} returning id, campaign_id, account_id`
      : sql`select id, campaign_id, account_id from posts where id = ${postId} and lease_owner = ${owner}`;
    const u = patch.upload;
    const upload =
      u === null
        ? sql`, gone as (delete from upload_sessions where post_id in (select id from p))`
        : u
          ? sql`, saved as (insert into upload_sessions (post_id, created_at, protocol, url, total_bytes, bytes_acked, chunk_size, expires_at, updated_at)
              select id, ${now}, ${u.protocol}, ${u.url}, ${u.totalBytes}, ${u.bytesAcked}, ${u.chunkSize}, ${u.expiresAt ?? null}, ${now} from p
              on conflict (post_id) do update set protocol = excluded.protocol, url = excluded.url, total_bytes = excluded.total_bytes, bytes_acked = excluded.bytes_acked,
                chunk_size = excluded.chunk_size, expires_at = excluded.expires_at, updated_at = excluded.updated_at)`
          : sql``;
    const { rows } = await sql<{ campaign_id: string; account_id: string }>`with p as (${leased})${upload} select campaign_id, account_id from p`.execute(trx);
    if (rows[0]) return rows[0];
    await this.#leased(trx, postId, owner); // throws NotFoundError or LeaseLostError
    throw new LeaseLostError(postId);
  }

  async #saveUpload(trx: Db, postId: string, u: UploadCheckpoint, now: number): Promise<void> {
    const values = { protocol: u.protocol, url: u.url, total_bytes: u.totalBytes, bytes_acked: u.bytesAcked, chunk_size: u.chunkSize, expires_at: u.expiresAt ?? null, updated_at: now };
    await trx
      .insertInto('upload_sessions')
      .values({ post_id: postId, created_at: now, ...values })
      .onConflict((oc) => oc.column('post_id').doUpdateSet(values))
      .execute();
  }

  async getUploadSession(postId: string): Promise<UploadCheckpoint | null> {
    const r = await this.db.selectFrom('upload_sessions').selectAll().where('post_id', '=', postId).executeTakeFirst();
    if (!r) return null;
    return {
      protocol: r.protocol,
      url: r.url,
      totalBytes: Number(r.total_bytes),
      bytesAcked: Number(r.bytes_acked),
      chunkSize: Number(r.chunk_size),
      ...(r.expires_at === null ? {} : { expiresAt: Number(r.expires_at) }),
    };
  }

  async finishStep(postId: string, owner: string, o: StepOutcome, now: number): Promise<PostRecord> {
    return this.#write(async (trx) => {
      let remote: RemoteState | undefined;
      if (o.remotePatch && this.dialect !== 'postgres') remote = { ...(JSON.parse((await this.#leased(trx, postId, owner)).remote_json) as RemoteState), ...o.remotePatch };
      const waiting = WAITING.has(o.state) || o.state === 'needs_reauth';
      const active = [...ACTIVE_STATES];
      // Guarded by the lease in the statement itself; the post as written comes back from it.
      const row = await trx
        .updateTable('posts')
        .set({
          state: o.state,
          // The step a waiting post resumes: the one it was in (the row's state before this update).
          ...(waiting ? { resume_state: sql<string>`case when state in (${sql.join(active)}) then state else 'preparing' end` } : {}),
          next_attempt_at: o.nextAttemptAt ?? now,
          ...(o.attempt !== undefined ? { attempt: o.attempt } : {}),
          ...(remote ? { remote_json: JSON.stringify(remote) } : o.remotePatch ? { remote_json: remoteMerge(o.remotePatch) } : {}),
          ...(o.remoteId !== undefined ? { remote_id: o.remoteId } : {}),
          ...(o.permalink !== undefined ? { permalink: o.permalink } : {}),
          ...(o.lastError !== undefined ? { last_error_json: o.lastError ? JSON.stringify(o.lastError) : null } : {}),
          ...(o.scheduledAt !== undefined ? { scheduled_at: o.scheduledAt } : {}),
          ...(o.keepLease ? {} : { lease_owner: null, lease_until: null }),
          updated_at: now,
        })
        .where('id', '=', postId)
        .where('lease_owner', '=', owner)
        .returningAll()
        .executeTakeFirst();
      if (!row) {
        await this.#leased(trx, postId, owner); // throws NotFoundError or LeaseLostError
        throw new LeaseLostError(postId);
      }
      return { value: toPost(row), events: o.events.map((e) => ({ postId, campaignId: row.campaign_id, accountId: row.account_id, ...e, at: now })) };
    }, { standalone: !o.events.length });
  }

  async resumeAccountPosts(accountId: string, now: number): Promise<number> {
    return this.tx(async (trx) => {
      const posts = await trx.selectFrom('posts').select(['id', 'campaign_id']).where('account_id', '=', accountId).where('state', '=', 'needs_reauth').execute();
      if (!posts.length) return 0;
      await trx.updateTable('posts').set({ state: 'scheduled', next_attempt_at: now, updated_at: now }).where('account_id', '=', accountId).where('state', '=', 'needs_reauth').execute();
      await this.#append(trx, posts.map((p) => ({ postId: p.id, campaignId: p.campaign_id, accountId, type: 'post.transition', data: { from: 'needs_reauth', to: 'scheduled', reason: 'account reconnected' } })), now);
      return posts.length;
    });
  }

  async #leased(trx: Db, postId: string, owner: string) {
    const row = await trx.selectFrom('posts').selectAll().where('id', '=', postId).executeTakeFirst();
    if (!row) throw new NotFoundError(`post ${postId} not found`);
    if (row.lease_owner !== owner) throw new LeaseLostError(postId);
    return row;
  }

  /**
   * Runs a step write (claim, checkpoint, step outcome) in a transaction with its ledger rows, grouping the
   * writes that queue up while others commit into one transaction: one ledger append (and one commit)
   * for the group instead of one each, since appends are serialized across every worker. A write resolves
   * only once its transaction committed, so an intent recorded before an irreversible call is durable
   * before the call, as it was alone. Up to `writers` groups run at once; a write that finds a free
   * writer runs at once, alone, so there is no waiting to fill a group.
   *
   * `run` reads and checks first and throws a refusal ({@link LeaseLostError}, {@link NotFoundError}) only
   * before it writes anything: a refused write fails alone and the rest of its group commits. Any other
   * error rolls the group back and each of its writes runs again on its own, so one failing write fails
   * only its caller.
   *
   * `standalone`: the write appends nothing to the ledger and is one statement on PostgreSQL (a checkpoint
   * without an event, an outcome without events). When no other write is queued with it, it runs as that
   * one statement, committed by itself, without BEGIN and COMMIT around it: a third of the round trips.
   */
  #write<T>(run: (trx: Db) => Promise<{ value: T; events: LedgerEvent[] }>, o: { exclusive?: boolean; standalone?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ run, exclusive: o.exclusive ?? false, standalone: (o.standalone ?? false) && this.dialect === 'postgres', resolve: resolve as (v: unknown) => void, reject });
      if (this.#writers < this.#maxWriters) {
        this.#writers += 1;
        void this.#writer();
      }
    });
  }

  async #writer(): Promise<void> {
    for (;;) {
      const group = this.#pending.splice(0, WRITE_GROUP_MAX);
      if (!group.length) {
        // In the same synchronous turn as the check: a write queued after it finds a free writer.
        this.#writers -= 1;
        return;
      }
      await this.#writeGroup(group); // settles every write of the group itself, never throws
    }
  }

  async #writeGroup(group: StepWrite[]): Promise<void> {
    const only = group.length === 1 ? group[0]! : undefined;
    if (only?.standalone) {
      try {
        only.resolve((await only.run(this.db)).value); // no events: standalone is set only for writes that have none
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    let committing = false;
    let outcomes: ({ ok: true; value: unknown; events: LedgerEvent[] } | { ok: false; error: unknown })[] = [];
    try {
      await this.tx(async (trx) => {
        outcomes = [];
        const events: LedgerEvent[] = [];
        let last = 0;
        // PostgreSQL: the writes of a group are sent one after the other without waiting for each answer
        // in between (the driver queues them on the transaction's connection); each is one statement
        // guarded by its lease, so they cannot interfere. A claim runs alone (it reads, then updates, what
        // another claim of the group could pick too). SQLite runs them in turn (its driver is synchronous).
        const concurrent = this.dialect === 'postgres';
        let running: Promise<void>[] = [];
        const settle = async (i: number, w: StepWrite) => {
          try {
            const r = await w.run(trx);
            outcomes[i] = { ok: true, value: r.value, events: r.events };
          } catch (error) {
            if (!(error instanceof LeaseLostError || error instanceof NotFoundError) || group.length === 1) throw error;
            outcomes[i] = { ok: false, error };
          }
        };
        for (const [i, w] of group.entries()) {
          if (!concurrent || w.exclusive) {
            await Promise.all(running);
            running = [];
            await settle(i, w);
          } else running.push(settle(i, w));
        }
        await Promise.all(running);
        for (const o of outcomes) {
          if (!o.ok) continue;
          for (const e of o.events) {
            events.push(e);
            last = Math.max(last, e.at ?? 0);
          }
        }
        // Last, so the ledger lock is held only for the append and the commit.
        await this.#append(trx, events, last || Date.now());
        committing = true;
      });
    } catch (error) {
      if (committing || group.length === 1) {
        // Alone, or the commit itself failed (its outcome unknown): the callers get the error as they would alone.
        for (const w of group) w.reject(error);
        return;
      }
      for (const w of group) await this.#writeGroup([w]);
      return;
    }
    group.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
  }

  // ---- ledger

  async appendEvents(events: NewEvent[], now: number): Promise<void> {
    if (!events.length) return;
    await this.tx((trx) => this.#append(trx, events, now));
  }

  async #append(trx: Db, events: NewEvent[], now: number): Promise<void> {
    await appendLedger(trx, this.dialect, this.#ledger, events, now);
  }

  /** Loads (or, on a new ledger, makes) the ledger key kept encrypted under `secrets`; appends need it. */
  async unsealLedger(secrets: Secrets): Promise<void> {
    this.#ledger = await loadLedgerKey(this, secrets);
  }

  async listEvents(filter: { postId?: string; campaignId?: string; limit?: number }): Promise<EventRecord[]> {
    let q = this.db.selectFrom('events').selectAll().orderBy('seq').limit(filter.limit ?? 10_000);
    if (filter.postId) q = q.where('post_id', '=', filter.postId);
    if (filter.campaignId) q = q.where('campaign_id', '=', filter.campaignId);
    return (await q.execute()).map(toEvent);
  }

  /** Verifies the ledger; with `checkpoint` (see {@link ledgerCheckpoint}) also against that earlier head. */
  async verifyLedger(checkpoint?: LedgerCheckpoint): Promise<LedgerVerdict> {
    if (checkpoint && this.#ledger && checkpointMac(this.#ledger.key, checkpoint.n, checkpoint.hash, checkpoint.at) !== checkpoint.mac) {
      return { ok: false, count: 0, brokenAt: null, reason: `the ledger checkpoint of ${checkpoint.at} is not signed with this ledger's key (forged, or from another data dir)` };
    }
    return verifyLedgerChain(this.db, this.dialect, this.#ledger, checkpoint);
  }

  /** A signed copy of the current head, to keep outside the database (`ledger verify` writes it to the data dir). */
  async ledgerCheckpoint(at: number): Promise<LedgerCheckpoint | undefined> {
    const head = await this.db.selectFrom('ledger_head').selectAll().where('id', '=', 1).executeTakeFirst();
    if (!head || !this.#ledger || headMac(this.#ledger.key, Number(head.n), head.hash) !== head.mac) return undefined;
    const iso = new Date(at).toISOString();
    return { n: Number(head.n), hash: head.hash, at: iso, mac: checkpointMac(this.#ledger.key, Number(head.n), head.hash, iso) };
  }

  // ---- rate limits, quota and settings

  takeRateSlot(bucket: string, limit: number, windowMs: number, now: number): Promise<RateSlot> {
    return this.tx((trx) => takeRateSlot(trx, this.dialect, bucket, limit, windowMs, now));
  }

  async reserveQuota(bucket: string, windowKey: string, n: number, limit: number): Promise<boolean> {
    if (n > limit) return false;
    // One atomic statement: several workers reserving at once (PostgreSQL, READ COMMITTED) neither
    // collide on the first insert nor lose each other's updates; a full window updates nothing.
    const row = await this.db
      .insertInto('quota_usage')
      .values({ bucket, window_key: windowKey, used: n })
      .onConflict((oc) =>
        oc
          .columns(['bucket', 'window_key'])
          .doUpdateSet({ used: sql<number>`quota_usage.used + excluded.used` })
          .where(sql<number>`quota_usage.used + excluded.used`, '<=', limit),
      )
      .returning('used')
      .executeTakeFirst();
    return row !== undefined;
  }

  async releaseQuota(bucket: string, windowKey: string, n: number): Promise<void> {
    await this.db
      .updateTable('quota_usage')
      .set({ used: sql<number>`case when used > ${n} then used - ${n} else 0 end` })
      .where('bucket', '=', bucket)
      .where('window_key', '=', windowKey)
      .execute();
  }

  async quotaUsed(bucket: string, windowKey: string): Promise<number> {
    const row = await this.db.selectFrom('quota_usage').select('used').where('bucket', '=', bucket).where('window_key', '=', windowKey).executeTakeFirst();
    return row ? Number(row.used) : 0;
  }

  // ---- outgoing webhooks (queries in webhook-queries.ts)

  insertWebhookEndpoint(e: WebhookEndpointRecord): Promise<void> {
    return webhooks.insertEndpoint(this.db, e);
  }

  listWebhookEndpoints(): Promise<WebhookEndpointRecord[]> {
    return webhooks.listEndpoints(this.db);
  }

  deleteWebhookEndpoint(id: string): Promise<boolean> {
    return webhooks.deleteEndpoint(this.db, id);
  }

  enqueueWebhookDeliveries(eventType: string, payload: Record<string, unknown>, now: number, makeId: () => string): Promise<number> {
    return webhooks.enqueueDeliveries(this.db, eventType, payload, now, makeId);
  }

  dueWebhookDeliveries(now: number, limit: number): Promise<WebhookDeliveryRecord[]> {
    return webhooks.dueDeliveries(this.db, now, limit);
  }

  finishWebhookDelivery(id: string, p: Parameters<Store['finishWebhookDelivery']>[1]): Promise<void> {
    return webhooks.finishDelivery(this.db, id, p);
  }

  listWebhookDeliveries(limit = 100): Promise<WebhookDeliveryRecord[]> {
    return webhooks.listDeliveries(this.db, limit);
  }

  async getSetting(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async setSetting(key: string, value: string, now: number): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
}

/**
 * PostgreSQL: `remote_json` with a patch merged in, as `{ ...remote, ...patch }` then JSON.stringify
 * does: `||` replaces the keys given, and a key given as undefined is removed (JSON.stringify drops it).
 */
function remoteMerge(patch: RemoteState) {
  const dropped = Object.keys(patch).filter((k) => patch[k] === undefined);
  return sql<string>`((remote_json::jsonb - ${dropped}::text[]) || ${JSON.stringify(patch)}::jsonb)::text`;
}

/** Most writes grouped in one transaction. */
const WRITE_GROUP_MAX = 64;

/** A queued step write (see `KyselyStore.#write`). */
interface StepWrite {
  run(trx: Db): Promise<{ value: unknown; events: LedgerEvent[] }>;
  /** Runs with no other write of its group in flight (a claim). */
  exclusive: boolean;
  /** Needs no transaction when it is the only write of its group (see `KyselyStore.#write`). */
  standalone: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

function encodeCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new StateConflictError(`cursor "${cursor}" is not one this server returned; start again without a cursor`);
}

/** A unique-constraint violation: PostgreSQL SQLSTATE 23505, SQLite SQLITE_CONSTRAINT_UNIQUE. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
