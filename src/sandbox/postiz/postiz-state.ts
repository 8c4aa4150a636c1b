import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { publishedText } from './postiz-validate.js';

/**
 * What happens when a channel's post comes due (reference §11.7): `ok`, `reject:<reason>`,
 * `unconfirmed` (sent, no verdict), `needs-reconnect`, `disabled`, `delay:<ms>` (publishes OK that
 * long after its date).
 */
export type ChannelOutcome = 'ok' | 'unconfirmed' | 'needs-reconnect' | 'disabled' | `reject:${string}` | `delay:${number}`;

/** A channel (integration) of the emulator. */
export interface EmulatedChannel {
  id: string;
  orgId: string;
  name: string;
  identifier: string;
  picture: string | null;
  disabled: boolean;
  profile: string | null;
  customer?: { id: string; name: string };
  outcome: ChannelOutcome;
  deleted: boolean;
}

/** Media stored by `/upload` or `/upload-from-url`. */
export interface EmulatedMedia {
  id: string;
  orgId: string;
  name: string;
  path: string;
  sha256: string;
  size: number;
  mime: string;
  tempPath: string;
}

/** A root post row (comments are kept in `comments`, never published for TikTok/YouTube). */
export interface EmulatedPost {
  id: string;
  orgId: string;
  group: string;
  integrationId: string;
  content: string;
  image: { id: string; path: string }[];
  comments: unknown[];
  publishDate: number;
  state: 'QUEUE' | 'PUBLISHED' | 'ERROR' | 'DRAFT';
  releaseId: string | null;
  releaseURL: string | null;
  settings: Record<string, unknown>;
  intervalInDays: number | null;
  creationMethod: string;
  createdAt: number;
  deleted: boolean;
  publishedAt?: number;
  errorReason?: string;
  /** Times this row reached PUBLISHED (a re-armed published post publishes again). */
  publishCount: number;
}

/** A notification row. */
export interface EmulatedNotification {
  id: string;
  orgId: string;
  content: string;
  link: string | null;
  createdAt: number;
}

/** A publication that happened (what {@link PostizStore.published} lists). */
export interface PostizPublication {
  postId: string;
  channelId: string;
  provider: string;
  remoteId: string;
  releaseURL: string;
  permalink: string;
  text: string;
  sha256: string;
  at: number;
}

/** A cuid-like opaque id. */
export function cuid(prefix = 'c'): string {
  return `${prefix}${randomBytes(12).toString('hex').slice(0, 24)}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The emulator's in-memory data and its publish scheduler. Nothing runs on a timer: `tick()` (called
 * before every request and by the emulator's inspection methods) moves every due `QUEUE` post to
 * `PUBLISHED` or `ERROR` according to the injected clock and the channel's scripted outcome.
 */
export class PostizStore {
  channels = new Map<string, EmulatedChannel>();
  media = new Map<string, EmulatedMedia>();
  posts = new Map<string, EmulatedPost>();
  notifications: EmulatedNotification[] = [];
  publications: PostizPublication[] = [];
  /** False = the Postiz workers/Temporal are down: posts stay `QUEUE`. */
  workerRunning = true;
  /** Time from a post's date to its outcome (ms). */
  processingMs = 0;

  constructor(
    private clock: Clock,
    private permalinkBase: () => string,
  ) {}

  notify(orgId: string, content: string, link: string | null = null): void {
    this.notifications.push({ id: randomUUID(), orgId, content, link, createdAt: this.clock.now() });
  }

  /** Runs the publish jobs that are due. */
  tick(): void {
    if (!this.workerRunning) return;
    const now = this.clock.now();
    const due = [...this.posts.values()]
      .filter((p) => !p.deleted && p.state === 'QUEUE')
      .sort((a, b) => a.publishDate - b.publishDate);
    for (const post of due) {
      const channel = this.channels.get(post.integrationId);
      if (!channel || channel.deleted) continue;
      const delay = channel.outcome.startsWith('delay:') ? Number(channel.outcome.slice(6)) : 0;
      if (now < post.publishDate + this.processingMs + delay) continue;
      this.#publish(post, channel);
    }
  }

  #publish(post: EmulatedPost, ch: EmulatedChannel): void {
    const provider = ch.identifier;
    const fail = (reason: string, text: string) => {
      post.state = 'ERROR';
      post.errorReason = reason;
      this.notify(ch.orgId, text);
    };
    if (ch.disabled || ch.outcome === 'disabled') {
      return fail('disabled', `We couldn't post to ${provider} for ${ch.name} because it's disabled. Please enable it and try again.`);
    }
    if (ch.outcome === 'needs-reconnect') {
      return fail('reconnect', `We couldn't post to ${provider} for ${ch.name} because you need to reconnect it. Please enable it and try again.`);
    }
    if (ch.outcome === 'unconfirmed') {
      return fail(
        'unconfirmed',
        `Your post was sent to ${cap(provider)}, but we couldn't confirm it was published. Please check your ${ch.name} account before posting again to avoid duplicates.`,
      );
    }
    if (ch.outcome.startsWith('reject:')) {
      const reason = ch.outcome.slice(7);
      return fail(reason, `An error occurred while posting on ${provider}${reason ? `: ${reason}` : ''}`);
    }
    const id = String(7_000_000_000_000_000_000n + BigInt(this.publications.length + 1) * 7919n);
    let releaseId = id;
    let releaseURL: string;
    if (provider.startsWith('tiktok')) {
      if (post.settings.content_posting_method === 'UPLOAD') {
        releaseId = 'missing';
        releaseURL = 'https://www.tiktok.com/messages?lang=en';
      } else releaseURL = `https://www.tiktok.com/@${ch.profile ?? 'user'}/video/${id}`;
    } else if (provider === 'youtube') {
      releaseId = randomBytes(8).toString('base64url').slice(0, 11);
      releaseURL = `https://www.youtube.com/watch?v=${releaseId}`;
    } else if (provider.startsWith('instagram')) {
      releaseId = id.slice(0, 17);
      releaseURL = `https://www.instagram.com/reel/${randomBytes(8).toString('base64url').slice(0, 11)}/`;
    } else releaseURL = `https://example.com/${provider}/${id}`;
    post.state = 'PUBLISHED';
    post.releaseId = releaseId;
    post.releaseURL = releaseURL;
    post.publishedAt = this.clock.now();
    post.publishCount += 1;
    const media = post.image[0] ? [...this.media.values()].find((m) => m.path === post.image[0]!.path) : undefined;
    this.publications.push({
      postId: post.id,
      channelId: ch.id,
      provider,
      remoteId: releaseId,
      releaseURL,
      permalink: `${this.permalinkBase()}/p/${post.id}`,
      text: publishedText(post.content),
      sha256: media?.sha256 ?? '',
      at: post.publishedAt,
    });
    this.notify(ch.orgId, `Your post has been published on ${cap(provider)} at ${releaseURL}`, releaseURL);
  }
}
