import type { Clock } from '../core/clock.js';
import type { PostContent } from '../core/ports/platform-adapter.js';
import { PublishError } from '../core/publish-error.js';
import type { PostizClient } from './postiz-client.js';
import { postizHtml } from './postiz-content.js';
import { nextPostAt } from './postiz-pacer.js';
import { toPostizSettings, type PostizProvider } from './postiz-settings.js';
import type { SubmissionStore } from './postiz-submission-store.js';
import type { PostizCreateRequest, PostizPost } from './postiz-types.js';

/** One clip to submit: one video, one `POST /posts` carrying every target channel. */
export interface ClipSubmission {
  /** Stable key of the clip within its campaign (the store's row key). */
  clipKey: string;
  /** The clip file (uploaded once, streamed). */
  videoPath: string;
  /** Planned publish instant (ms). */
  plannedAt: number;
  /**
   * Key prefix shared by every submission of this clip in its campaign (its other slots): media one
   * of them uploaded is reused, so a clip is uploaded once per campaign. Default: none shared.
   */
  mediaKey?: string;
  /** Channels to post to, each with its own content/options. */
  targets: { channelId: string; provider: PostizProvider; content: PostContent }[];
}

/** The result of {@link PostizSubmitter.submit}. */
export type SubmitOutcome =
  | { status: 'submitted'; postIds: Record<string, string>; reconciled: boolean; duplicates: string[] }
  | { status: 'deferred'; until: number; reason: 'rate_limit' };

/** Options of {@link PostizSubmitter}. */
export interface PostizSubmitterOptions {
  client: PostizClient;
  store: SubmissionStore;
  clock: Clock;
  /** The server's `API_LIMIT` (default: the client's config `postsPerHour`). */
  postsPerHour?: number;
  /** Half-width of the `GET /posts` window used to reconcile (default 1 minute). */
  reconcileWindowMs?: number;
}

const HOUR = 3_600_000;

/** Content as a comparison key: tags stripped, entities decoded, whitespace collapsed. */
export function contentKey(text: string): string {
  return text
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Submits clips to Postiz exactly once: upload the video once (streamed), then one `POST /posts` for
 * all of the clip's channels, paced under the hourly limit, with the intent recorded before the call.
 * An intent without an outcome (timeout, dropped answer, crash) is reconciled with `GET /posts`
 * (channel + planned date + content) before anything is sent again.
 *
 * @remarks
 * Run one submitter per Postiz organization at a time (the engine's lease): the pacer reads the
 * durable send history, and two concurrent submitters could both see a free slot.
 *
 * @example
 * ```ts
 * const submitter = new PostizSubmitter({ client, store, clock });
 * const out = await submitter.submit({ clipKey: 'c1:clip_001', videoPath, plannedAt, targets });
 * if (out.status === 'deferred') retryAt(out.until);
 * ```
 */
export class PostizSubmitter {
  readonly #o: Required<Omit<PostizSubmitterOptions, 'postsPerHour'>> & { postsPerHour: number };

  constructor(options: PostizSubmitterOptions) {
    this.#o = { reconcileWindowMs: 60_000, ...options, postsPerHour: options.postsPerHour ?? options.client.config.postsPerHour };
  }

  /** When the next `POST /posts` may go, from the durable history. */
  async nextSlot(): Promise<number> {
    const now = this.#o.clock.now();
    const [history, blockedUntil, server] = await Promise.all([this.#o.store.postAttempts(now - 2 * HOUR), this.#o.store.blockedUntil(), this.#o.store.serverWindow()]);
    return nextPostAt({ history, limit: this.#o.postsPerHour, now, ...(blockedUntil !== undefined ? { blockedUntil } : {}), ...(server ? { server } : {}) });
  }

  /** Runs the clip's submission as far as it can go now. Throws `PublishError` (invalid, needs_reauth, unknown_outcome, …). */
  async submit(clip: ClipSubmission): Promise<SubmitOutcome> {
    const { client, store, clock } = this.#o;
    if (!clip.targets.length) throw new PublishError('Postiz: a clip needs at least one channel', { platform: 'postiz', code: 'POSTIZ_INVALID', kind: 'invalid' });
    const settings = new Map(clip.targets.map((t) => [t.channelId, toPostizSettings(t.provider, t.content)] as const));
    let record = await store.load(clip.clipKey);
    let reconciled = false;
    let duplicates: string[] = [];
    const remaining = () => clip.targets.filter((t) => !record?.postIds[t.channelId]);
    const done = (): SubmitOutcome => ({ status: 'submitted', postIds: { ...record!.postIds }, reconciled, duplicates });

    if (record?.intent) {
      const found = await this.#reconcile(clip, remaining());
      duplicates = found.duplicates;
      reconciled = true;
      await store.recordResult(clip.clipKey, found.postIds, { at: clock.now(), reconciled: true });
      record = await store.load(clip.clipKey);
    }
    if (record && remaining().length === 0) return done();

    // Pace first: a clip is uploaded only when its POST /posts is about to go, and once per campaign.
    const slot = await this.nextSlot();
    if (slot > clock.now()) return { status: 'deferred', until: slot, reason: 'rate_limit' };

    let media = record?.media ?? (clip.mediaKey ? await store.findMedia(clip.mediaKey) : undefined);
    if (!media) {
      const uploaded = await client.upload(clip.videoPath);
      media = { id: uploaded.id, path: uploaded.path };
    }
    if (!record?.media) await store.recordUpload(clip.clipKey, media);
    if (!media.path.split('?')[0]!.endsWith('.mp4')) {
      // The server never checks that a TikTok video post has its video (correction 5); we do.
      throw new PublishError('Postiz: the uploaded clip is not an mp4', { platform: 'postiz', code: 'POSTIZ_INVALID', kind: 'invalid' });
    }

    const targets = remaining();
    const request: PostizCreateRequest = {
      type: 'schedule',
      date: new Date(clip.plannedAt).toISOString(),
      shortLink: false,
      tags: [],
      creationMethod: 'API',
      posts: targets.map((t) => ({
        integration: { id: t.channelId },
        value: [{ content: postizHtml(t.content.caption), image: [{ id: media.id, path: media.path }] }],
        settings: settings.get(t.channelId)!,
      })),
    };
    const sentAt = clock.now();
    await store.recordIntent(clip.clipKey, { at: sentAt, date: clip.plannedAt, channelIds: targets.map((t) => t.channelId) });
    try {
      const { items, rateLimit } = await client.createPosts(request);
      if (rateLimit) {
        // The server's own count (other clients of the organization included): never send while it says 0.
        const at = clock.now();
        await store.recordServerWindow({ limit: rateLimit.limit, remaining: rateLimit.remaining, resetAt: at + rateLimit.resetSec * 1000, at });
      }
      const postIds: Record<string, string> = {};
      items.forEach((item, i) => (postIds[item.integration || targets[i]!.channelId] = item.postId));
      await store.recordResult(clip.clipKey, postIds, { at: clock.now(), reconciled: false });
      record = await store.load(clip.clipKey);
      return done();
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      if (error.kind === 'rate_limited') {
        await store.recordNoEffect(clip.clipKey, { at: clock.now(), code: error.code });
        const until = clock.now() + (error.retryAfterMs ?? HOUR);
        await store.recordBlock(until);
        return { status: 'deferred', until: await this.nextSlot(), reason: 'rate_limit' };
      }
      if (error.kind !== 'unknown_outcome') {
        await store.recordNoEffect(clip.clipKey, { at: clock.now(), code: error.code });
        throw error;
      }
      // Unknown outcome: look before ever sending again. The intent stays until proved either way.
      const found = await this.#reconcile(clip, targets).catch(() => undefined);
      if (found && Object.keys(found.postIds).length === targets.length) {
        await store.recordResult(clip.clipKey, found.postIds, { at: clock.now(), reconciled: true });
        record = await store.load(clip.clipKey);
        reconciled = true;
        duplicates = found.duplicates;
        return done();
      }
      throw error;
    }
  }

  async #reconcile(clip: ClipSubmission, targets: ClipSubmission['targets']): Promise<{ postIds: Record<string, string>; duplicates: string[] }> {
    const w = this.#o.reconcileWindowMs;
    const posts = await this.#o.client.listPosts(clip.plannedAt - w, clip.plannedAt + w);
    const postIds: Record<string, string> = {};
    const duplicates: string[] = [];
    for (const t of targets) {
      const matches = posts.filter((p: PostizPost) =>
        p.integration.id === t.channelId &&
        Math.abs(Date.parse(p.publishDate) - clip.plannedAt) < 1000 && // tolerate a server storing whole seconds
        contentKey(p.content) === contentKey(postizHtml(t.content.caption)));
      if (matches[0]) postIds[t.channelId] = matches[0].id;
      duplicates.push(...matches.slice(1).map((p) => p.id));
    }
    return { postIds, duplicates };
  }
}
