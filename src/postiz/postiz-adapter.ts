import type { Clock } from '../core/clock.js';
import { isPostizCredentials } from '../core/accounts/credential-fields.js';
import type { PlatformId } from '../core/platform-id.js';
import type { AdapterAccount, Credentials, PlatformAdapter, PostContent, PublishContext, StepResult } from '../core/ports/platform-adapter.js';
import type { AccountRecord, PostRecord, Store } from '../core/ports/store.js';
import { PublishError } from '../core/publish-error.js';
import type { PostizClient } from './postiz-client.js';
import { PostizFollower, type FollowOutcome } from './postiz-follow.js';
import { isPostizProvider, toPostizSettings, type PostizProvider } from './postiz-settings.js';
import type { SubmissionStore } from './postiz-submission-store.js';
import { PostizSubmitter, type ClipSubmission } from './postiz-submit.js';

/** What the adapter tells `onStuck` (the engine notifier's `post.stuck`). */
export interface PostizStuckInfo {
  postId: string;
  campaignId: string;
  clipId: number;
  platform: PlatformId;
  channelId: string;
  postizPostId: string;
  plannedAt: string;
  overdueMs: number;
}

/** Options of {@link createPostizAdapter}; defaults documented per field. */
export interface PostizAdapterOptions {
  client: PostizClient;
  /** The engine's store: finds the sibling posts of a clip (its other channels). */
  store: Store;
  /** Durable submissions (`KyselySubmissionStore` in the app, `MemorySubmissionStore` in tests). */
  submissions: SubmissionStore;
  /** Decrypts a sibling account's credentials (the app's `AccountService`). */
  accounts: { credentialsOf(account: AccountRecord): Credentials };
  clock: Clock;
  /** Called once per post still `QUEUE` well after its time (wire to `notifier.notify('post.stuck', …)`). */
  onStuck?: (info: PostizStuckInfo) => Promise<void> | void;
  /** The server's `API_LIMIT` (default: the client's `postsPerHour`). */
  postsPerHour?: number;
  /** Poll interval while following a post after its time (default 60 s). */
  pollMs?: number;
  /** An intent younger than this is another worker's request in flight: wait instead of reconciling (default: client timeout + 30 s). */
  intentWaitMs?: number;
  /** Polls after a post was reported stuck (default 5 min). */
  stuckPollMs?: number;
}

/** A channel account's Postiz identity. */
interface Channel {
  channelId: string;
  provider: PostizProvider;
}

const FINAL_OR_DEAD = new Set(['failed', 'cancelled']);

/** One adapter core per Postiz organization, shared by its per-platform views (one pacer lock). */
class PostizBackend {
  readonly #o: Required<Omit<PostizAdapterOptions, 'onStuck' | 'postsPerHour'>> & Pick<PostizAdapterOptions, 'onStuck'>;
  readonly #submitter: PostizSubmitter;
  readonly #follower: PostizFollower;
  /** The last poll of each clip (all its channels at once), shared by its sibling posts. */
  readonly #polls = new Map<string, { at: number; outcomes: Promise<Map<string, FollowOutcome>> }>();
  #lock: Promise<unknown> = Promise.resolve();

  constructor(o: PostizAdapterOptions) {
    this.#o = { pollMs: 60_000, stuckPollMs: 300_000, intentWaitMs: o.client.config.timeoutMs + 30_000, ...o };
    this.#submitter = new PostizSubmitter({ client: o.client, store: o.submissions, clock: o.clock, ...(o.postsPerHour ? { postsPerHour: o.postsPerHour } : {}) });
    this.#follower = new PostizFollower({ client: o.client, clock: o.clock });
  }

  async step(ctx: PublishContext): Promise<StepResult> {
    if (typeof ctx.remote.postizPostId === 'string') return this.#follow(ctx, ctx.remote.postizPostId);
    return this.#submit(ctx);
  }

  /** Serializes submissions of this organization in this process: the pacer must see every send. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  async #submit(ctx: PublishContext): Promise<StepResult> {
    const me = channelOf(ctx.account.credentials);
    const post = await this.#o.store.getPost(ctx.postId);
    if (!post) throw new PublishError(`post ${ctx.postId} is missing`, { platform: 'postiz', code: 'POSTIZ_INTERNAL', kind: 'invalid' });
    if ((await this.#o.store.getAccount(ctx.account.id))?.status === 'disabled') {
      throw new PublishError(`Postiz channel ${ctx.account.handle} is disabled in Postiz (enable it there, then clipcast channels sync)`, { platform: 'postiz', code: 'POSTIZ_CHANNEL_DISABLED', kind: 'invalid' });
    }
    const clipKey = `${post.campaignId}:${post.clipRowId}:${ctx.scheduledAt}`;
    const outcome = await this.#exclusive(async (): Promise<{ wait: number } | { postId: string; reconciled: boolean; duplicates: string[] }> => {
      const record = await this.#o.submissions.load(clipKey);
      if (record?.postIds[me.channelId]) return { postId: record.postIds[me.channelId]!, reconciled: false, duplicates: [] };
      if (record?.intent && this.#o.clock.now() - record.intent.at < this.#o.intentWaitMs) {
        return { wait: record.intent.at + this.#o.intentWaitMs - this.#o.clock.now() };
      }
      const targets = await this.#targets(post, ctx, me);
      const clip: ClipSubmission = { clipKey, mediaKey: `${post.campaignId}:${post.clipRowId}:`, videoPath: ctx.media.path, plannedAt: ctx.scheduledAt, targets };
      const out = await this.#submitter.submit(clip);
      if (out.status === 'deferred') {
        throw new PublishError(`Postiz: paced under the hourly limit; next submission at ${new Date(out.until).toISOString()}`, {
          platform: 'postiz', code: 'POSTIZ_PACED', kind: 'quota', deferUntil: out.until,
        });
      }
      const postId = out.postIds[me.channelId];
      if (!postId) throw new PublishError(`Postiz: the submission of clip ${post.clipId} has no post for channel ${me.channelId}`, { platform: 'postiz', code: 'POSTIZ_UNEXPECTED', kind: 'retryable' });
      return { postId, reconciled: out.reconciled, duplicates: out.duplicates };
    });
    if ('wait' in outcome) {
      // A sibling (or another worker) has this clip's request in flight: wait for its outcome.
      return { status: 'continue', next: 'preparing', delayMs: Math.max(1_000, outcome.wait), note: 'waiting for the clip\'s submission in flight' };
    }
    await ctx.checkpoint({
      remote: { postizPostId: outcome.postId, postizChannelId: me.channelId, postizClipKey: clipKey, submittedAt: this.#o.clock.now() },
      event: { type: 'postiz.submitted', data: { postizPostId: outcome.postId, channelId: me.channelId, reconciled: outcome.reconciled, ...(outcome.duplicates.length ? { duplicates: outcome.duplicates } : {}) } },
    });
    return { status: 'continue', next: 'processing', delayMs: Math.max(0, ctx.scheduledAt - this.#o.clock.now()), note: `submitted to Postiz as ${outcome.postId}` };
  }

  /** Every target of the clip at this instant: this post and its live siblings on other Postiz channels. */
  async #targets(post: PostRecord, ctx: PublishContext, me: Channel): Promise<ClipSubmission['targets']> {
    const mine = fitPostizContent(me.provider, ctx.content);
    toPostizSettings(me.provider, mine); // this post's own options: an invalid one fails this post only
    const targets: ClipSubmission['targets'] = [{ channelId: me.channelId, provider: me.provider, content: mine }];
    let cursor: string | undefined;
    do {
      const page = await this.#o.store.listPosts({ campaignId: post.campaignId, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const p of page.posts) {
        if (p.id === post.id || p.clipRowId !== post.clipRowId || p.scheduledAt !== post.scheduledAt || FINAL_OR_DEAD.has(p.state)) continue;
        const account = await this.#o.store.getAccount(p.accountId);
        if (!account?.active || account.status !== 'ok') continue; // a disabled channel fails on its own step
        let creds: Credentials;
        try {
          creds = this.#o.accounts.credentialsOf(account);
        } catch {
          continue;
        }
        if (!isPostizCredentials(creds)) continue;
        const ch = channelOf(creds);
        const content = fitPostizContent(ch.provider, p.content);
        try {
          toPostizSettings(ch.provider, content);
        } catch {
          continue; // a sibling with invalid options fails on its own step; it never blocks this clip
        }
        if (!targets.some((t) => t.channelId === ch.channelId)) targets.push({ channelId: ch.channelId, provider: ch.provider, content });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return targets;
  }

  /**
   * One `GET /posts` per clip: the first of a clip's posts to come due polls every channel of the
   * clip's submission; its siblings, due at the same time, read that answer instead of polling again.
   */
  async #poll(ctx: PublishContext, postizPostId: string, channelId: string, now: number): Promise<FollowOutcome> {
    const clipKey = typeof ctx.remote.postizClipKey === 'string' ? ctx.remote.postizClipKey : undefined;
    const fresh = Math.min(this.#o.pollMs, this.#o.stuckPollMs) / 2;
    for (const [key, p] of this.#polls) if (now - p.at >= fresh || p.at > now) this.#polls.delete(key);
    const shared = clipKey ? this.#polls.get(clipKey) : undefined;
    const found = shared && (await shared.outcomes.catch(() => undefined))?.get(postizPostId);
    if (found) return found;
    // Registered before any await, so siblings running at the same moment share this one request.
    const outcomes = (async () => {
      const record = clipKey ? await this.#o.submissions.load(clipKey) : undefined;
      const followed = new Map<string, { postId: string; channelId: string; plannedAt: number }>();
      followed.set(postizPostId, { postId: postizPostId, channelId, plannedAt: ctx.scheduledAt });
      for (const [ch, id] of Object.entries(record?.postIds ?? {})) if (!followed.has(id)) followed.set(id, { postId: id, channelId: ch, plannedAt: ctx.scheduledAt });
      const list = [...followed.values()];
      const out = await this.#follower.check(list);
      return new Map(out.map((o, i) => [list[i]!.postId, o] as const));
    })();
    const poll = { at: now, outcomes };
    if (clipKey) this.#polls.set(clipKey, poll);
    void outcomes.catch(() => {
      if (clipKey && this.#polls.get(clipKey) === poll) this.#polls.delete(clipKey);
    });
    return (await outcomes).get(postizPostId)!;
  }

  async #follow(ctx: PublishContext, postizPostId: string): Promise<StepResult> {
    const now = this.#o.clock.now();
    if (now < ctx.scheduledAt) return { status: 'continue', next: 'processing', delayMs: ctx.scheduledAt - now };
    const channelId = String(ctx.remote.postizChannelId ?? channelOf(ctx.account.credentials).channelId);
    const o = await this.#poll(ctx, postizPostId, channelId, now);
    switch (o.status) {
      case 'published': {
        const remoteId = o.releaseId && o.releaseId !== 'missing' ? o.releaseId : postizPostId;
        return { status: 'published', remoteId, ...(o.releaseURL ? { permalink: o.releaseURL } : {}), note: o.needsLinking ? 'published; Postiz could not link the platform post' : `published by Postiz (${postizPostId})` };
      }
      case 'failed':
        throw new PublishError(`Postiz could not publish: ${o.reason}`, { platform: 'postiz', code: o.unconfirmed ? 'POSTIZ_UNCONFIRMED' : 'POSTIZ_PUBLISH_FAILED', kind: 'invalid' });
      case 'missing':
        throw new PublishError(`Postiz post ${postizPostId} no longer exists (deleted in Postiz?)`, { platform: 'postiz', code: 'POSTIZ_POST_MISSING', kind: 'invalid' });
      case 'draft':
        throw new PublishError(`Postiz post ${postizPostId} was turned into a draft`, { platform: 'postiz', code: 'POSTIZ_POST_DRAFT', kind: 'invalid' });
      case 'stuck': {
        // Submitted late (paced past its time): count the delay from the submission, not the planned time.
        const submittedAt = typeof ctx.remote.submittedAt === 'number' ? ctx.remote.submittedAt : 0;
        if (now - submittedAt <= this.#o.client.config.stuckAfterMs) return { status: 'continue', next: 'processing', delayMs: this.#o.pollMs };
        if (ctx.remote.stuckNotifiedAt === undefined) {
          const post = await this.#o.store.getPost(ctx.postId);
          await this.#o.onStuck?.({
            postId: ctx.postId, campaignId: post?.campaignId ?? '', clipId: post?.clipId ?? 0, platform: ctx.account.platform,
            channelId, postizPostId, plannedAt: new Date(ctx.scheduledAt).toISOString(), overdueMs: o.overdueMs,
          });
          await ctx.checkpoint({ remote: { stuckNotifiedAt: now }, event: { type: 'postiz.stuck', data: { postizPostId, overdueMs: o.overdueMs } } });
        }
        return { status: 'continue', next: 'processing', delayMs: this.#o.stuckPollMs, note: 'still queued in Postiz well after its time (are the Postiz workers running?)' };
      }
      default:
        return { status: 'continue', next: 'processing', delayMs: this.#o.pollMs };
    }
  }
}

/** The Postiz adapter: a {@link PlatformAdapter} for Postiz channel accounts of any platform. */
export interface PostizAdapter extends PlatformAdapter {
  /** The same adapter (same pacer lock) reporting another platform. */
  forPlatform(platform: PlatformId): PlatformAdapter;
}

/**
 * The adapter the engine uses for accounts that are Postiz channels. `preparing` submits the clip
 * once for all its channels (one upload, one paced `POST /posts`, intent first; siblings find the
 * result), `processing` follows the Postiz post from its planned time: PUBLISHED → published with the
 * platform permalink, ERROR → `invalid` with the reason from `/notifications`, still QUEUE well after
 * its time → `onStuck` once, then keeps waiting. Paced out → `quota` with `deferUntil`.
 *
 * @example
 * ```ts
 * const postiz = createPostizAdapter({ client, store: app.store, submissions, accounts: app.accounts, clock });
 * const adapterFor = (a: AccountRecord) => (isPostiz(a) ? postiz.forPlatform(a.platform) : direct(a));
 * ```
 */
export function createPostizAdapter(options: PostizAdapterOptions): PostizAdapter {
  const backend = new PostizBackend(options);
  const views = new Map<PlatformId, PlatformAdapter>();
  const view = (platform: PlatformId): PlatformAdapter => {
    let v = views.get(platform);
    if (!v) views.set(platform, (v = { platform, step: (ctx) => backend.step(ctx) }));
    return v;
  };
  return { platform: 'tiktok', step: (ctx) => backend.step(ctx), forPlatform: view };
}

/** True when an adapter account is a Postiz channel. */
export function isPostizAccount(account: Pick<AdapterAccount, 'credentials'>): boolean {
  return isPostizCredentials(account.credentials);
}

function channelOf(credentials: Credentials): Channel {
  const channelId = credentials.postizChannelId;
  const provider = String(credentials.postizProvider ?? '');
  if (!isPostizCredentials(credentials) || typeof channelId !== 'string' || !isPostizProvider(provider)) {
    throw new PublishError('this account is not a Postiz channel (sync it with clipcast channels sync)', { platform: 'postiz', code: 'POSTIZ_NOT_A_CHANNEL', kind: 'invalid' });
  }
  return { channelId, provider };
}

/**
 * Content as Postiz measures it: the YouTube title is checked by class-validator in UTF-16 units
 * (2–100), while the core cuts titles at 100 code points; cut it on a code point boundary.
 */
export function fitPostizContent(provider: PostizProvider, content: PostContent): PostContent {
  if (provider !== 'youtube' || content.title === undefined || content.title.length <= 100) return content;
  let title = '';
  for (const ch of content.title) {
    if (title.length + ch.length > 100) break;
    title += ch;
  }
  return { ...content, title: title.trimEnd() };
}
