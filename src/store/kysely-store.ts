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
import { appendLedger, checkpointMac, verifyLedgerChain, type LedgerCheckpoint, type LedgerKey } from './ledger.js';
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

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
  ) {}

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
    return this.tx(async (trx) => {
      let pick = trx
        .selectFrom('posts')
        .select('id')
        .where('state', 'in', CLAIMABLE)
        .where('next_attempt_at', '<=', input.now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', input.now)]))
        .orderBy('next_attempt_at')
        .orderBy('scheduled_at') // ties (Postiz campaigns are due at once): earliest planned first
        .limit(input.limit);
      if (input.excludeAccountIds?.length) pick = pick.where('account_id', 'not in', input.excludeAccountIds);
      if (input.platform) pick = pick.where('platform', '=', input.platform);
      if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
      const ids = (await pick.execute()).map((r) => r.id);
      if (!ids.length) return [];
      const before = (await trx.selectFrom('posts').selectAll().where('id', 'in', ids).execute()).map(toPost);
      await trx.updateTable('posts').set({ lease_owner: input.owner, lease_until: input.now + input.leaseMs, updated_at: input.now }).where('id', 'in', ids).execute();
      const events: NewEvent[] = [];
      for (const p of before) {
        if (WAITING.has(p.state)) {
          const resume = (await trx.selectFrom('posts').select('resume_state').where('id', '=', p.id).executeTakeFirstOrThrow()).resume_state as PostState;
          await trx.updateTable('posts').set({ state: resume }).where('id', '=', p.id).execute();
          events.push({ postId: p.id, campaignId: p.campaignId, accountId: p.accountId, type: 'post.transition', data: { from: p.state, to: resume, worker: input.owner } });
        } else if (p.leaseOwner) {
          events.push({ postId: p.id, campaignId: p.campaignId, accountId: p.accountId, type: 'post.lease_recovered', data: { state: p.state, previousWorker: p.leaseOwner, worker: input.owner } });
        }
      }
      if (events.length) await this.#append(trx, events, input.now);
      return (await trx.selectFrom('posts').selectAll().where('id', 'in', ids).orderBy('next_attempt_at').execute()).map(toPost);
    });
  }

  async nextWakeAt(): Promise<number | null> {
    const row = await this.db
      .selectFrom('posts')
      .select(sql<number | null>`min(case when lease_until is not null and lease_until > next_attempt_at then lease_until else next_attempt_at end)`.as('at'))
      .where('state', 'in', CLAIMABLE)
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  async renewLease(postId: string, owner: string, until: number): Promise<void> {
    const res = await this.db.updateTable('posts').set({ lease_until: until }).where('id', '=', postId).where('lease_owner', '=', owner).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new LeaseLostError(postId);
  }

  async checkpoint(postId: string, owner: string, patch: { remote?: RemoteState; upload?: UploadCheckpoint | null; event?: NewEvent }, now: number): Promise<void> {
    await this.tx(async (trx) => {
      const row = await this.#leased(trx, postId, owner);
      if (patch.remote) {
        const remote = { ...(JSON.parse(row.remote_json) as RemoteState), ...patch.remote };
        await trx.updateTable('posts').set({ remote_json: JSON.stringify(remote), updated_at: now }).where('id', '=', postId).execute();
      }
      if (patch.upload === null) await trx.deleteFrom('upload_sessions').where('post_id', '=', postId).execute();
      else if (patch.upload) await this.#saveUpload(trx, postId, patch.upload, now);
      if (patch.event) await this.#append(trx, [{ postId, campaignId: row.campaign_id, accountId: row.account_id, ...patch.event }], now);
    });
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
    return this.tx(async (trx) => {
      const row = await this.#leased(trx, postId, owner);
      const remote = o.remotePatch ? { ...(JSON.parse(row.remote_json) as RemoteState), ...o.remotePatch } : undefined;
      const waiting = WAITING.has(o.state) || o.state === 'needs_reauth';
      await trx
        .updateTable('posts')
        .set({
          state: o.state,
          ...(waiting ? { resume_state: ACTIVE_STATES.has(row.state as PostState) ? row.state : 'preparing' } : {}),
          next_attempt_at: o.nextAttemptAt ?? now,
          ...(o.attempt !== undefined ? { attempt: o.attempt } : {}),
          ...(remote ? { remote_json: JSON.stringify(remote) } : {}),
          ...(o.remoteId !== undefined ? { remote_id: o.remoteId } : {}),
          ...(o.permalink !== undefined ? { permalink: o.permalink } : {}),
          ...(o.lastError !== undefined ? { last_error_json: o.lastError ? JSON.stringify(o.lastError) : null } : {}),
          ...(o.scheduledAt !== undefined ? { scheduled_at: o.scheduledAt } : {}),
          ...(o.keepLease ? {} : { lease_owner: null, lease_until: null }),
          updated_at: now,
        })
        .where('id', '=', postId)
        .execute();
      if (o.events.length) await this.#append(trx, o.events.map((e) => ({ postId, campaignId: row.campaign_id, accountId: row.account_id, ...e })), now);
      return toPost(await trx.selectFrom('posts').selectAll().where('id', '=', postId).executeTakeFirstOrThrow());
    });
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
