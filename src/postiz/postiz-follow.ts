import type { Clock } from '../core/clock.js';
import type { PostizClient } from './postiz-client.js';
import type { PostizNotification, PostizPost } from './postiz-types.js';

/** A submitted Postiz post to follow. */
export interface FollowedPost {
  postId: string;
  channelId: string;
  /** Planned publish instant (ms). */
  plannedAt: number;
}

/** What became of a followed post. */
export type FollowOutcome =
  | { postId: string; status: 'published'; releaseURL: string | null; releaseId: string | null; needsLinking: boolean }
  | { postId: string; status: 'failed'; reason: string; notification?: string; unconfirmed: boolean }
  | { postId: string; status: 'pending' }
  | { postId: string; status: 'stuck'; overdueMs: number }
  | { postId: string; status: 'missing' }
  | { postId: string; status: 'draft' };

/** Options of {@link PostizFollower}. */
export interface PostizFollowerOptions {
  client: PostizClient;
  clock: Clock;
  /** A post still `QUEUE` this long after its planned time is `stuck` (default: the config's `stuckAfterMs`, 15 min). */
  stuckAfterMs?: number;
  /** Pages of notifications to read at most (100 each; default 3). */
  maxNotificationPages?: number;
}

/**
 * Mirrors Postiz outcomes: polls `GET /posts` over a window around the planned times, maps
 * `PUBLISHED` (with `releaseURL`) and `ERROR` (with the reason from `/notifications` where one can be
 * matched by provider, channel name and time) and flags posts still `QUEUE` well after their time
 * as `stuck` (the Postiz workers may be down) so the engine can alert. The caller decides when to
 * poll; nothing here sleeps.
 *
 * @example
 * ```ts
 * const follower = new PostizFollower({ client, clock });
 * for (const o of await follower.check(posts)) if (o.status === 'stuck') alert(o);
 * ```
 */
export class PostizFollower {
  readonly #o: Required<PostizFollowerOptions>;

  constructor(options: PostizFollowerOptions) {
    this.#o = { stuckAfterMs: options.client.config.stuckAfterMs, maxNotificationPages: 3, ...options };
  }

  /** One poll over `posts`; returns an outcome per post in the same order. */
  async check(posts: readonly FollowedPost[]): Promise<FollowOutcome[]> {
    if (!posts.length) return [];
    const from = Math.min(...posts.map((p) => p.plannedAt)) - 60_000;
    const to = Math.max(...posts.map((p) => p.plannedAt)) + 60_000;
    const rows = new Map((await this.#o.client.listPosts(from, to)).map((p) => [p.id, p] as const));
    const needReasons = posts.some((p) => rows.get(p.postId)?.state === 'ERROR');
    const notes = needReasons ? await this.#notifications(from) : [];
    const claimed = new Set<string>();
    const now = this.#o.clock.now();
    return posts.map((p): FollowOutcome => {
      const row = rows.get(p.postId);
      if (!row) return { postId: p.postId, status: 'missing' };
      if (row.state === 'PUBLISHED') {
        return { postId: p.postId, status: 'published', releaseURL: row.releaseURL, releaseId: row.releaseId, needsLinking: row.releaseId === 'missing' };
      }
      if (row.state === 'ERROR') return { postId: p.postId, ...failure(row, p, notes, claimed) };
      if (row.state === 'DRAFT') return { postId: p.postId, status: 'draft' };
      const overdue = now - p.plannedAt;
      return overdue > this.#o.stuckAfterMs ? { postId: p.postId, status: 'stuck', overdueMs: overdue } : { postId: p.postId, status: 'pending' };
    });
  }

  async #notifications(since: number): Promise<PostizNotification[]> {
    const out: PostizNotification[] = [];
    for (let page = 0; page < this.#o.maxNotificationPages; page++) {
      const res = await this.#o.client.notifications(page);
      out.push(...res.notifications);
      const oldest = res.notifications.at(-1);
      if (!res.hasMore || (oldest && Date.parse(oldest.createdAt) < since)) break;
    }
    return out.filter((n) => Date.parse(n.createdAt) >= since).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  }
}

const FAILURE_TEXTS: { re: (provider: string, channel: string) => RegExp; reason: (m: RegExpExecArray) => string; unconfirmed?: true }[] = [
  { re: (p) => new RegExp(`^An error occurred while posting(?: comments)? on ${esc(p)}(?:: (.*))?$`, 's'), reason: (m) => m[1] ?? 'rejected by the platform' },
  {
    re: (p, c) => new RegExp(`^Your post was sent to ${esc(p)}, but we couldn't confirm it was published\\. Please check your ${esc(c)} account`, 'i'),
    reason: () => 'sent but not confirmed; check the account before posting again', unconfirmed: true,
  },
  { re: (p, c) => new RegExp(`^We couldn't post to ${esc(p)} for ${esc(c)} because you need to reconnect it`), reason: () => 'the channel needs to be reconnected in Postiz' },
  { re: (p, c) => new RegExp(`^We couldn't post to ${esc(p)} for ${esc(c)} because it's disabled`), reason: () => 'the channel is disabled in Postiz' },
  { re: (p) => new RegExp(`^Could not refresh your ${esc(p)} channel(.*?)\\. Please go back`, 's'), reason: (m) => `token refresh failed${m[1] ? `:${m[1]}` : ''}` },
];

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function failure(row: PostizPost, p: FollowedPost, notes: PostizNotification[], claimed: Set<string>) {
  const provider = row.integration.providerIdentifier;
  for (const n of notes) {
    if (claimed.has(n.id) || Date.parse(n.createdAt) < p.plannedAt - 60_000) continue;
    for (const f of FAILURE_TEXTS) {
      const m = f.re(provider, row.integration.name).exec(n.content);
      if (!m) continue;
      claimed.add(n.id);
      return { status: 'failed' as const, reason: f.reason(m), notification: n.content, unconfirmed: f.unconfirmed ?? false };
    }
  }
  return { status: 'failed' as const, reason: 'Postiz reported an error (no matching notification)', unconfirmed: false };
}
