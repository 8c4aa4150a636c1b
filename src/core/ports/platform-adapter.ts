import type { Clock } from '../clock.js';
import type { PlatformId } from '../platform-id.js';
import type { PostState } from '../post-state.js';
import type { RateSlot } from './store.js';

/** What an adapter needs to know about the clip file it publishes. */
export interface MediaInfo {
  /** Absolute path of the clip in the media store (content-addressed, never moves). */
  path: string;
  /** File size in bytes. */
  size: number;
  /** sha256 of the file, hex. */
  sha256: string;
  durationSec: number;
  width: number;
  height: number;
  /** Where the clip is reachable over HTTP (signed, expiring), for pull-based uploads; absent if not served. */
  publicUrl?: string;
}

/**
 * Platform-specific text and options, already mapped by the core (see core/rules caption mapping) and
 * merged with per-post overrides. Adapters read the keys of their own platform only.
 */
export interface PostContent {
  /** Caption (TikTok, Instagram) or description (YouTube). */
  caption: string;
  /** YouTube title. */
  title?: string;
  /** YouTube tags. */
  tags?: string[];
  /** Seconds into the clip for the cover frame / thumbnail (CLIPER `suggested_thumbnail_timestamp`). */
  coverTimestampSec?: number;
  /** Per-platform options (privacy, toggles, ...), validated by the adapter. */
  options: Record<string, unknown>;
}

/** The decrypted credentials of an account; shape per platform, validated by the adapter. */
export type Credentials = Record<string, string | number | boolean | undefined>;

/** An account as the adapter sees it. */
export interface AdapterAccount {
  id: string;
  platform: PlatformId;
  handle: string;
  externalId: string | null;
  credentials: Credentials;
}

/**
 * An upload's durable checkpoint. Written before the first byte (with `bytesAcked: 0`) and after every
 * chunk the platform acknowledged; an adapter resumes from `bytesAcked`, never from memory.
 */
export interface UploadCheckpoint {
  protocol: string;
  /** Upload URL or session URI (a secret-free URL; platforms put no token in it). */
  url: string;
  totalBytes: number;
  bytesAcked: number;
  chunkSize: number;
  /** ms since epoch after which the URL is no longer valid, when the platform says. */
  expiresAt?: number;
}

/**
 * Durable per-post remote state: the ids and intents the adapter recorded. A free-form JSON object
 * owned by the adapter (e.g. `{ publishId, containerId, videoId, publishIntentAt }`).
 */
export type RemoteState = Record<string, unknown>;

/** A ledger entry an adapter asks to record along with a checkpoint. */
export interface AdapterEvent {
  type: string;
  data?: Record<string, unknown>;
}

/**
 * What the engine hands an adapter for one step. Everything durable goes through `checkpoint`, which
 * returns only after the store committed it.
 */
export interface PublishContext {
  postId: string;
  /** The state the post is in when this step starts (the step to run). */
  state: PostState;
  attempt: number;
  account: AdapterAccount;
  media: MediaInfo;
  content: PostContent;
  /** The planned publish time (ms since epoch). */
  scheduledAt: number;
  remote: Readonly<RemoteState>;
  upload: Readonly<UploadCheckpoint> | null;
  clock: Clock;
  signal: AbortSignal;
  /**
   * Merges `patch.remote` into the post's remote state and replaces the upload checkpoint when given
   * (`null` deletes it), in one transaction, with the event in the ledger.
   */
  checkpoint(patch: { remote?: RemoteState; upload?: UploadCheckpoint | null; event?: AdapterEvent }): Promise<void>;
  /** Stores rotated credentials (e.g. a new refresh token) before the step goes on, merged over the stored ones. */
  saveCredentials(credentials: Credentials, expiresAt?: number): Promise<void>;
  /** Reports upload progress for progress views (not durable). */
  progress?(bytesSent: number, totalBytes: number): void;
  /**
   * The post's platform quota counted per call (e.g. YouTube's daily `videos.insert` per project),
   * present when the engine counts one for this post. Adapters ask before every counted call.
   */
  quota?: QuotaGate;
  /**
   * Takes one call of a platform's sliding-window rate limit, counted in the engine's store so every
   * worker shares it (`granted: false` records nothing and says when a slot frees). Absent when no
   * store backs the context (unit tests): then nothing is paced.
   */
  takeRateSlot?(bucket: string, limit: number, windowMs: number): Promise<RateSlot>;
}

/** The answer of {@link QuotaGate.beforeCall}: go, or defer until `resetAt`. */
export type QuotaAnswer = { ok: true } | { ok: false; resetAt: number; reason: string };

/** Per-call quota counting, shared through the store by every worker. */
export interface QuotaGate {
  /**
   * Counts one call about to be made (retries and new sessions included). `ok: false` when the window
   * is full or the platform said the quota is used up: the adapter must not call, and defers the post.
   */
  beforeCall(what: string): Promise<QuotaAnswer>;
  /** The platform answered "quota exceeded": no call of this quota, for any post, until `until`. */
  spent(until: number, reason: string): Promise<void>;
}

/**
 * What a step achieved. `continue` names the state to run next and how long to wait before it
 * (polling intervals are the adapter's knowledge; the waiting is the engine's).
 */
export type StepResult =
  | { status: 'continue'; next: 'preparing' | 'uploading' | 'processing' | 'publishing'; delayMs?: number; note?: string }
  | { status: 'published'; remoteId: string; permalink?: string; note?: string };

/**
 * A platform, as the engine drives it.
 *
 * @remarks
 * Contract:
 * - `step` runs exactly one step of the post's life for `ctx.state` and never sleeps.
 * - Failures are thrown as `PublishError`, classified once (see `ErrorKind`).
 * - Every step is idempotent given `ctx.remote` and `ctx.upload`: before an irreversible call the adapter
 *   records its intent with `checkpoint`; when a step starts and finds an intent without an outcome
 *   (the process died, or a call timed out), it asks the platform what happened before calling again.
 *   This is what keeps a post from being published twice.
 * - An upload resumes from `ctx.upload.bytesAcked` while the URL is valid; a fresh init only when not,
 *   recording why.
 * - Credentials are refreshed by `refreshCredentials`, which the engine calls once per account.
 *
 * Left out: scheduling, retries, backoff and quotas across posts (the engine's).
 */
export interface PlatformAdapter {
  readonly platform: PlatformId;
  step(ctx: PublishContext): Promise<StepResult>;
  /**
   * Returns fresh credentials when the current ones expire within `withinMs` (or are expired), else
   * null. Throws a `needs_reauth` PublishError when the platform refuses the refresh.
   */
  refreshCredentials?(account: AdapterAccount, withinMs: number): Promise<{ credentials: Credentials; expiresAt?: number } | null>;
}
