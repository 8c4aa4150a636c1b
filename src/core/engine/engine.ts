import type { AccountService } from '../accounts/account-service.js';
import type { Clock } from '../clock.js';
import type { PostState } from '../post-state.js';
import type { PlatformId } from '../platform-id.js';
import { PublishError, isPublishError } from '../publish-error.js';
import type { Logger, Notifier } from '../ports/notifier.js';
import { silentLogger } from '../ports/notifier.js';
import type { MediaInfo, PlatformAdapter, PublishContext, StepResult, UploadCheckpoint } from '../ports/platform-adapter.js';
import { LeaseLostError, type AccountRecord, type ClipRecord, type PostError, type PostRecord, type Store } from '../ports/store.js';
import { DEFAULT_RETRY_POLICY, rateLimitDelay, retryDelay, type RetryPolicy } from './retry-policy.js';
import { quotaGateFor, releaseUnusedQuota, spentUntil } from './quota-gate.js';
import { TokenRefresher } from './token-refresher.js';

/** Live activity for progress views (not durable). */
export type EngineActivity =
  | { type: 'transition'; post: PostRecord; from: PostState; to: PostState; detail?: string }
  | { type: 'upload'; postId: string; platform: PlatformId; bytes: number; total: number };

/** Options of {@link Engine}; every default documented here. */
export interface EngineOptions {
  store: Store;
  accounts: AccountService;
  /** The adapter that publishes for an account (sandbox or real endpoints). */
  adapterFor(account: AccountRecord): PlatformAdapter;
  /** Where a clip's file for `platform` is (a derived one, e.g. remuxed for Instagram, or the original), and its public URL if served. */
  mediaFor(clip: ClipRecord, platform: PlatformId): MediaInfo;
  clock: Clock;
  /** This worker's id, written as lease owner. */
  workerId: string;
  /** Lease length in ms (default 60 s); renewed while a step runs. */
  leaseMs?: number;
  /** Posts in flight at once in this worker (default 8). */
  concurrency?: number;
  /** Posts in flight per account (default 2). */
  perAccount?: number;
  /** Posts in flight per platform (default 4). */
  perPlatform?: number;
  retry?: Partial<RetryPolicy>;
  notifier?: Notifier;
  logger?: Logger;
  /** Randomness for jitter (default Math.random). */
  random?: () => number;
  /** Progress callback. */
  onActivity?: (activity: EngineActivity) => void;
  /** Renews leases of running steps on this real-time interval in ms (default leaseMs / 3; 0 disables). */
  renewEveryMs?: number;
  /**
   * A quota counted per call (e.g. YouTube's daily `videos.insert` per project). The engine reserves one
   * unit before a post's first step (a full window defers the post to `resetAt`, never fails it), the
   * adapter asks `ctx.quota` before every further call, a post that fails before any call gives its unit
   * back, and a bucket the platform reported spent defers every post of it until the reset.
   */
  quotaFor?: (post: PostRecord, account: AccountRecord) => QuotaRequirement | null;
}

/** See {@link EngineOptions.quotaFor}. */
export interface QuotaRequirement {
  bucket: string;
  windowKey: string;
  amount: number;
  limit: number;
  resetAt: number;
  reason: string;
}

/**
 * The publishing engine: claims due posts with a lease, runs each post's next step through its
 * adapter, and records the outcome and the next step in one transaction with its ledger rows.
 *
 * @remarks
 * Owns retries (exponential backoff, full jitter, Retry-After honoured, a maximum attempt count), the
 * `needs_reauth` pause of an account, quota deferrals and token refresh (once per account). It keeps
 * no state that matters in memory: a post whose worker died is claimed again when its lease expires
 * and resumes from its checkpoint, and the adapter reconciles an unknown outcome before any new call.
 *
 * @example
 * ```ts
 * const engine = new Engine({ store, accounts, adapterFor, mediaFor, clock, workerId: 'w1' });
 * await engine.runDue(); // claims what is due and runs it to its next wait
 * ```
 */
export class Engine {
  readonly #o: Required<Omit<EngineOptions, 'retry' | 'onActivity' | 'notifier' | 'quotaFor'>> & { retry: RetryPolicy; onActivity?: EngineOptions['onActivity']; notifier?: Notifier; quotaFor?: EngineOptions['quotaFor'] };
  readonly #refresher: TokenRefresher;
  readonly #inFlight = new Map<string, { post: PostRecord; abort: AbortController; done: Promise<void> }>();
  #stopping = false;

  constructor(options: EngineOptions) {
    const leaseMs = options.leaseMs ?? 60_000;
    this.#o = {
      leaseMs,
      concurrency: 8,
      perAccount: 2,
      perPlatform: 4,
      logger: silentLogger,
      random: Math.random,
      renewEveryMs: Math.floor(leaseMs / 3),
      ...options,
      retry: { ...DEFAULT_RETRY_POLICY, ...(options.retry ?? {}) },
    };
    this.#refresher = new TokenRefresher(options.accounts);
  }

  /** Posts being worked on now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Whether every slot is taken (nothing can be claimed until a post in flight settles). */
  get full(): boolean {
    return this.#inFlight.size >= this.#o.concurrency;
  }

  /** Claims due posts within the concurrency bounds and starts them; returns how many it started. */
  async claimAndStart(): Promise<number> {
    if (this.#stopping) return 0;
    const free = this.#o.concurrency - this.#inFlight.size;
    if (free <= 0) return 0;
    const exclude = await this.#excludedAccounts();
    const posts = await this.#o.store.claimDuePosts({
      owner: this.#o.workerId,
      now: this.#o.clock.now(),
      leaseMs: this.#o.leaseMs,
      limit: free,
      excludeAccountIds: exclude,
    });
    for (const post of posts) this.#start(post);
    return posts.length;
  }

  /** Claims and runs everything due until nothing due is left and nothing is in flight (tests, demo). */
  async runDue(): Promise<void> {
    for (;;) {
      const started = await this.claimAndStart();
      if (!started && !this.#inFlight.size) return;
      await Promise.race([...this.#inFlight.values()].map((f) => f.done));
    }
  }

  /** Resolves when every post in flight has reached its next wait. */
  async idle(): Promise<void> {
    while (this.#inFlight.size) await Promise.all([...this.#inFlight.values()].map((f) => f.done));
  }

  /** A promise that settles when any in-flight post settles (for dispatchers). */
  anySettled(): Promise<void> {
    return Promise.race([...this.#inFlight.values()].map((f) => f.done));
  }

  /** Stops claiming; aborts running steps, which release their posts for another worker to resume. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const f of this.#inFlight.values()) f.abort.abort();
    await this.idle();
  }

  async #excludedAccounts(): Promise<string[]> {
    if (!this.#inFlight.size) return [];
    const perAccount = new Map<string, number>();
    const perPlatform = new Map<string, number>();
    for (const { post } of this.#inFlight.values()) {
      perAccount.set(post.accountId, (perAccount.get(post.accountId) ?? 0) + 1);
      perPlatform.set(post.platform, (perPlatform.get(post.platform) ?? 0) + 1);
    }
    const fullPlatforms = [...perPlatform].filter(([, n]) => n >= this.#o.perPlatform).map(([p]) => p);
    const excluded = new Set([...perAccount].filter(([, n]) => n >= this.#o.perAccount).map(([a]) => a));
    if (fullPlatforms.length) {
      for (const a of await this.#o.store.listAccounts()) if (fullPlatforms.includes(a.platform)) excluded.add(a.id);
    }
    return [...excluded];
  }

  #start(post: PostRecord): void {
    const abort = new AbortController();
    const entry = { post, abort, done: Promise.resolve() };
    entry.done = this.#run(post, abort.signal)
      .catch((error: unknown) => {
        this.#o.logger.error({ postId: post.id, err: describe(error) }, 'engine error');
      })
      .finally(() => this.#inFlight.delete(post.id));
    this.#inFlight.set(post.id, entry);
  }

  async #run(claimed: PostRecord, signal: AbortSignal): Promise<void> {
    const { store, clock } = this.#o;
    let post = claimed;
    const renew = this.#o.renewEveryMs > 0
      ? setInterval(() => {
          store.renewLease(post.id, this.#o.workerId, clock.now() + this.#o.leaseMs).catch(() => undefined);
        }, this.#o.renewEveryMs)
      : undefined;
    renew?.unref();
    // Read once per claim, not once per step: the clip never changes once its campaign is created, and
    // the upload session changes only through this worker's own checkpoints while it holds the lease
    // (`read.upload` follows them, see #step). The account is read at every step: another worker may
    // have rotated its tokens, or it may need to be reconnected.
    let read: StepReads | undefined;
    try {
      for (;;) {
        // The step's reads at once (one round trip of waiting, not three).
        const [account, clip, upload] = await Promise.all([store.getAccount(post.accountId), read?.clip ?? store.getClip(post.clipRowId), read ? read.upload : store.getUploadSession(post.id)]);
        read = { clip, upload };
        if (!account || !account.active) {
          await this.#finish(post, { state: 'failed', error: { code: 'ACCOUNT_REMOVED', message: `account ${post.accountId} was removed`, kind: 'invalid', retryable: false } });
          return;
        }
        if (account.status === 'needs_reauth') {
          await this.#finish(post, { state: 'needs_reauth', detail: `account ${account.platform}:${account.handle} must be reconnected` });
          return;
        }
        let reserved: boolean;
        try {
          reserved = await this.#reserveQuota(post, account);
        } catch (error) {
          // The quota key reads the account's credentials: an unreadable account ends the step classified.
          if (error instanceof LeaseLostError) return;
          await this.#failure(post, account, setupError(account, error));
          return;
        }
        if (!reserved) return;
        const next = await this.#step(post, account, signal, false, read);
        if (!next) return;
        post = next;
      }
    } finally {
      if (renew) clearInterval(renew);
    }
  }

  /**
   * Reserves the post's quota once (recorded in its remote state); defers the post when the window is
   * full. Returns whether the post may go on. A crash between the reservation and its record counts the
   * post twice: the safe direction.
   */
  async #reserveQuota(post: PostRecord, account: AccountRecord): Promise<boolean> {
    const need = this.#o.quotaFor?.(post, account);
    if (!need || post.remote.quotaReserved) return true;
    const { store, clock } = this.#o;
    const spent = await spentUntil(store, need.bucket, clock.now());
    if (spent === undefined && (await store.reserveQuota(need.bucket, need.windowKey, need.amount, need.limit))) {
      await store.checkpoint(post.id, this.#o.workerId, { remote: { quotaReserved: `${need.bucket}@${need.windowKey}`, quotaAmount: need.amount }, event: { type: 'quota.reserved', data: { bucket: need.bucket, window: need.windowKey, amount: need.amount } } }, clock.now());
      post.remote = { ...post.remote, quotaReserved: `${need.bucket}@${need.windowKey}`, quotaAmount: need.amount };
      return true;
    }
    const until = spent ?? need.resetAt;
    const reason = spent === undefined ? need.reason : 'the platform reported the quota used up';
    await this.#finish(post, { state: 'deferred', nextAttemptAt: until, detail: `quota: ${reason}; next try ${new Date(until).toISOString()}` });
    await this.#o.notifier?.notify('post.deferred', { postId: post.id, clipId: post.clipId, platform: post.platform, until: new Date(until).toISOString(), reason });
    return false;
  }

  /** Runs one step; returns the post when the same worker should go on at once, else undefined. */
  async #step(post: PostRecord, account: AccountRecord, signal: AbortSignal, refreshTried = false, read?: StepReads): Promise<PostRecord | undefined> {
    const { store, clock } = this.#o;
    let adapter: PlatformAdapter;
    try {
      // Building the adapter reads and decrypts the credentials and resolves the app: anything it throws
      // ends this step with a classified outcome, never an error outside the step (a lease-recovery loop).
      adapter = this.#o.adapterFor(account);
    } catch (error) {
      await this.#failure(post, account, setupError(account, error));
      return undefined;
    }
    const clip = read ? read.clip : await store.getClip(post.clipRowId);
    if (!clip) {
      await this.#fail(post, { code: 'CLIP_MISSING', message: `clip ${post.clipRowId} of post ${post.id} is missing from the store`, kind: 'invalid', retryable: false });
      return undefined;
    }
    let result: StepResult;
    try {
      const adapterAccount = await this.#refresher.fresh(account, adapter);
      const ctx: PublishContext = {
        postId: post.id,
        state: post.state,
        attempt: post.attempt,
        account: adapterAccount,
        media: this.#o.mediaFor(clip, post.platform),
        content: post.content,
        scheduledAt: post.scheduledAt,
        remote: post.remote,
        upload: read ? read.upload && { ...read.upload } : await store.getUploadSession(post.id),
        clock,
        signal,
        checkpoint: async (patch) => {
          await store.checkpoint(post.id, this.#o.workerId, patch, clock.now());
          // What the store now holds, for the next step of this claim (written only after the commit).
          if (read && patch.upload !== undefined) read.upload = patch.upload && { ...patch.upload };
        },
        saveCredentials: async (credentials, expiresAt) => {
          await this.#o.accounts.updateCredentials(account.id, credentials, expiresAt);
        },
        progress: (bytes, total) => this.#o.onActivity?.({ type: 'upload', postId: post.id, platform: post.platform, bytes, total }),
        takeRateSlot: (bucket, limit, windowMs) => store.takeRateSlot(bucket, limit, windowMs, clock.now()),
      };
      const quotaFor = this.#o.quotaFor;
      if (quotaFor && quotaFor(post, account)) ctx.quota = quotaGateFor({ store, clock, post, account, quotaFor, checkpoint: ctx.checkpoint });
      result = await adapter.step(ctx);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.#o.logger.warn({ postId: post.id }, 'lease lost; another worker continues this post');
        return undefined;
      }
      if (signal.aborted) {
        // Stopping: leave the post where it is, due now, for the next worker to resume from its checkpoint.
        await this.#finish(post, { state: post.state, detail: 'worker stopped', quiet: true }).catch(() => undefined);
        return undefined;
      }
      if (isPublishError(error) && error.kind === 'needs_reauth' && !refreshTried && ACCESS_TOKEN_CODES.test(error.code)) {
        // The access token was refused before its recorded expiry: refresh once, then try the step again.
        const refreshed = await this.#refresher.force(account, adapter).catch((e: unknown) => {
          this.#o.logger.warn({ accountId: account.id, err: describe(e) }, 'forced token refresh failed');
          return false;
        });
        if (refreshed) {
          const fresh = await store.getAccount(account.id);
          if (fresh) return this.#step(post, fresh, signal, true);
        }
      }
      await this.#failure(post, account, error);
      return undefined;
    }
    if (result.status === 'published') {
      await this.#finish(post, { state: 'published', remoteId: result.remoteId, permalink: result.permalink ?? null, detail: result.note });
      await this.#o.notifier?.notify('post.published', { postId: post.id, campaignId: post.campaignId, clipId: post.clipId, platform: post.platform, remoteId: result.remoteId, permalink: result.permalink ?? null });
      this.#o.logger.info({ postId: post.id, clipId: post.clipId, platform: post.platform, permalink: result.permalink, ...(result.note ? { note: result.note } : {}) }, 'published');
      return undefined;
    }
    const delay = result.delayMs ?? 0;
    const keep = delay === 0 && !this.#stopping;
    const updated = await this.#finish(post, { state: result.next, nextAttemptAt: clock.now() + delay, keepLease: keep, detail: result.note });
    return keep ? updated : undefined;
  }

  async #failure(post: PostRecord, account: AccountRecord, raw: unknown): Promise<void> {
    const { clock, retry } = this.#o;
    const error = isPublishError(raw)
      ? raw
      : new PublishError(`unexpected error: ${describe(raw)}`, { platform: 'core', code: 'INTERNAL', kind: 'retryable', cause: raw });
    const lastError: PostError = { code: error.code, message: error.message, kind: error.kind, retryable: error.retryable, ...(error.status ? { status: error.status } : {}) };
    const now = clock.now();
    switch (error.kind) {
      case 'needs_reauth': {
        await this.#o.store.updateAccount(account.id, { status: 'needs_reauth', updatedAt: now }, { type: 'account.needs_reauth', data: { code: error.code, message: error.message } });
        await this.#finish(post, { state: 'needs_reauth', error: lastError });
        await this.#o.notifier?.notify('account.needs_reauth', { accountId: account.id, platform: account.platform, handle: account.handle, reason: error.message });
        this.#o.logger.warn({ accountId: account.id, platform: account.platform, code: error.code }, 'account needs to be reconnected; its posts wait');
        return;
      }
      case 'quota': {
        const until = error.deferUntil ?? now + 3_600_000;
        await this.#finish(post, { state: 'deferred', nextAttemptAt: until, error: lastError, detail: `quota: ${error.message}; next try ${new Date(until).toISOString()}` });
        await this.#o.notifier?.notify('post.deferred', { postId: post.id, clipId: post.clipId, platform: post.platform, until: new Date(until).toISOString(), reason: error.message });
        this.#o.logger.info({ postId: post.id, platform: post.platform, until: new Date(until).toISOString() }, 'deferred by quota');
        return;
      }
      case 'invalid':
        await this.#fail(post, lastError);
        return;
      default: {
        const attempt = post.attempt + 1;
        if (attempt >= retry.maxAttempts) {
          await this.#fail(post, { ...lastError, message: `${lastError.message} (gave up after ${attempt} attempts)` }, attempt);
          return;
        }
        const delay =
          error.kind === 'rate_limited'
            ? rateLimitDelay(attempt, retry, this.#o.random, error.retryAfterMs)
            : retryDelay(attempt, retry, this.#o.random, error.retryAfterMs);
        await this.#finish(post, { state: 'retry_wait', nextAttemptAt: now + delay, attempt, error: lastError, detail: `${error.kind}: retry ${attempt + 1}/${retry.maxAttempts} in ${Math.round(delay / 1000)}s` });
        this.#o.logger.info({ postId: post.id, platform: post.platform, code: error.code, attempt, delayMs: delay }, 'will retry');
      }
    }
  }

  async #fail(post: PostRecord, error: PostError, attempt?: number): Promise<void> {
    const fresh = await this.#o.store.getPost(post.id);
    if (fresh) await releaseUnusedQuota(this.#o.store, fresh, this.#o.workerId, this.#o.clock.now()).catch((e: unknown) => this.#o.logger.warn({ postId: post.id, err: describe(e) }, 'could not release the quota reservation'));
    await this.#finish(post, { state: 'failed', error, ...(attempt !== undefined ? { attempt } : {}) });
    await this.#o.notifier?.notify('post.failed', { postId: post.id, campaignId: post.campaignId, clipId: post.clipId, platform: post.platform, code: error.code, reason: error.message });
    this.#o.logger.warn({ postId: post.id, clipId: post.clipId, platform: post.platform, code: error.code }, `failed: ${error.message}`);
  }

  async #finish(
    post: PostRecord,
    o: { state: PostState; nextAttemptAt?: number; keepLease?: boolean; attempt?: number; remoteId?: string; permalink?: string | null; error?: PostError; detail?: string; quiet?: boolean },
  ): Promise<PostRecord> {
    const now = this.#o.clock.now();
    const data: Record<string, unknown> = { from: post.state, to: o.state, worker: this.#o.workerId };
    if (o.detail) data.detail = o.detail;
    if (o.error) data.error = o.error;
    if (o.remoteId) data.remoteId = o.remoteId;
    const updated = await this.#o.store.finishStep(
      post.id,
      this.#o.workerId,
      {
        state: o.state,
        nextAttemptAt: o.nextAttemptAt ?? now,
        keepLease: o.keepLease ?? false,
        ...(o.attempt !== undefined ? { attempt: o.attempt } : {}),
        ...(o.remoteId !== undefined ? { remoteId: o.remoteId } : {}),
        ...(o.permalink !== undefined ? { permalink: o.permalink } : {}),
        ...(o.error !== undefined ? { lastError: o.error } : {}),
        events: [{ type: o.quiet ? 'post.released' : 'post.transition', data }],
      },
      now,
    );
    if (post.state !== o.state) this.#o.onActivity?.({ type: 'transition', post: updated, from: post.state, to: o.state, ...(o.detail ? { detail: o.detail } : {}) });
    return updated;
  }
}

/** What a claim reads once and its steps share (see `Engine.#run`). */
interface StepReads {
  clip: ClipRecord | undefined;
  /** The upload session as the store holds it, kept current by the step's own checkpoints. */
  upload: UploadCheckpoint | null;
}

/**
 * An error thrown while setting up a step (building the adapter, reading the credentials): a
 * PublishError keeps its classification; anything else is a configuration problem that retrying cannot
 * fix, so the post fails with the message (and a `post.failed` notification).
 */
function setupError(account: AccountRecord, error: unknown): PublishError {
  if (isPublishError(error)) return error;
  return new PublishError(`account ${account.platform}:${account.handle} cannot publish: ${error instanceof Error ? error.message : String(error)}`, {
    platform: 'core',
    code: 'ADAPTER_SETUP',
    kind: 'invalid',
    cause: error,
  });
}

/** Error codes that mean "this access token is no longer accepted" (a refresh may fix it). */
const ACCESS_TOKEN_CODES = /ACCESS_TOKEN_(INVALID|EXPIRED)|TOKEN_EXPIRED|UNAUTHENTICATED|INVALID_CREDENTIALS$/;

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
