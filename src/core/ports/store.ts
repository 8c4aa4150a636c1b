import type { PlatformId } from '../platform-id.js';
import type { PostState } from '../post-state.js';
import type { PostContent, RemoteState, UploadCheckpoint } from './platform-adapter.js';

/** Account status: `ok`, `needs_reauth` (must reconnect; its posts wait), `disabled`. */
export type AccountStatus = 'ok' | 'needs_reauth' | 'disabled';

/** An account as stored; credentials stay encrypted here. */
export interface AccountRecord {
  id: string;
  platform: PlatformId;
  handle: string;
  externalId: string | null;
  displayName: string | null;
  isMain: boolean;
  active: boolean;
  status: AccountStatus;
  tokenExpiresAt: number | null;
  credentialsEnc: string;
  keyVersion: number;
  sandbox: boolean;
  createdAt: number;
  updatedAt: number;
}

/** A campaign: one CLIPER folder planned onto accounts. */
export interface CampaignRecord {
  id: string;
  name: string;
  sourceDir: string;
  clipsFileSha256: string;
  fingerprint: string;
  startAt: number;
  intervalText: string;
  timezone: string;
  orderBy: string;
  windowText: string | null;
  backend: 'direct' | 'postiz';
  state: 'active' | 'cancelled' | 'done';
  createdAt: number;
  cancelledAt: number | null;
}

/**
 * A file made from a clip for some platforms and stored in the media store under its own hash, the
 * original kept for the others. Today only `remux`: the container rewritten losslessly (moov first, no
 * edit lists) for a platform that refuses the original's; nothing is ever re-encoded.
 */
export interface DerivedMedia {
  kind: 'remux';
  /** The platforms that publish this file instead of the original. */
  platforms: PlatformId[];
  sha256: string;
  path: string;
  size: number;
  /** The probe of the derived file (its duration differs from the original's by the audio priming). */
  probe: Record<string, unknown>;
}

/** A clip copied into the media store. */
export interface ClipRecord {
  id: string;
  campaignId: string;
  clipId: number;
  mediaSha256: string;
  mediaPath: string;
  size: number;
  probe: Record<string, unknown>;
  copy: string;
  metadata: Record<string, unknown>;
  /** Files derived from this clip for some platforms (see {@link DerivedMedia}); absent or empty when none. */
  derivedMedia?: DerivedMedia[];
}

/** Last error of a post, secret-free. */
export interface PostError {
  code: string;
  message: string;
  kind: string;
  retryable: boolean;
  status?: number;
}

/** A post: one clip on one account at one time. */
export interface PostRecord {
  id: string;
  campaignId: string;
  clipRowId: string;
  clipId: number;
  accountId: string;
  platform: PlatformId;
  scheduledAt: number;
  timezone: string;
  content: PostContent;
  state: PostState;
  attempt: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  remote: RemoteState;
  remoteId: string | null;
  permalink: string | null;
  lastError: PostError | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * What `ledger verify` finds: intact with `count` rows, or broken at row `brokenAt` (its seq; null when
 * the damage is not one row, e.g. a missing tail), with `missing` rows gone after row `missingAfter`.
 */
export type LedgerVerdict =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenAt: number | null; missing?: number; missingAfter?: number | null; reason: string };

/** A ledger row. `hash` = HMAC(ledger key, prev_hash + ordinal + canonical row); see {@link Store.verifyLedger}. */
export interface EventRecord {
  seq: number;
  at: number;
  postId: string | null;
  campaignId: string | null;
  accountId: string | null;
  type: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** An event to append (the store computes the chain). */
export interface NewEvent {
  postId?: string | null;
  campaignId?: string | null;
  accountId?: string | null;
  type: string;
  data?: Record<string, unknown>;
}

/** Filters of {@link Store.listPosts}; `cursor` is the opaque `nextCursor` of the previous page. */
export interface PostFilter {
  campaignId?: string;
  accountId?: string;
  platform?: PlatformId;
  state?: PostState | PostState[];
  /** Planned at or after this instant (ms). */
  from?: number;
  /** Planned before this instant (ms). */
  to?: number;
  limit?: number;
  cursor?: string;
}

/** A campaign with everything created with it, all or nothing. */
export interface NewCampaign {
  campaign: Omit<CampaignRecord, 'createdAt' | 'cancelledAt' | 'state'>;
  clips: ClipRecord[];
  posts: Omit<PostRecord, 'createdAt' | 'updatedAt' | 'attempt' | 'leaseOwner' | 'leaseUntil' | 'remote' | 'remoteId' | 'permalink' | 'lastError' | 'state' | 'nextAttemptAt'>[];
}

/** What a finished step writes, in one transaction, guarded by the lease. */
export interface StepOutcome {
  state: PostState;
  nextAttemptAt?: number;
  attempt?: number;
  remotePatch?: RemoteState;
  remoteId?: string | null;
  permalink?: string | null;
  lastError?: PostError | null;
  scheduledAt?: number;
  /** Keep the lease (the same worker goes on at once) or release it (default). */
  keepLease?: boolean;
  events: NewEvent[];
}

/**
 * The store port: every durable fact of clipcast.
 *
 * @remarks
 * Invariants that keep posts exactly-once:
 * - `claimDuePosts` hands a post to one worker at a time (a lease with an expiry); a lease that expires
 *   (the worker died) makes the post claimable again, in the state it was in, so the step resumes from
 *   its checkpoint.
 * - `checkpoint` and `finishStep` only write while the caller still holds the lease; a worker that lost
 *   its lease gets `LeaseLostError` and must stop touching the post.
 * - The ledger (`events`) is append-only and hash-chained; appends are serialized.
 *
 * Left out: scheduling policy (the engine's) and platform knowledge (the adapters').
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;

  insertAccount(account: AccountRecord): Promise<void>;
  listAccounts(filter?: { platform?: PlatformId }): Promise<AccountRecord[]>;
  getAccount(id: string): Promise<AccountRecord | undefined>;
  updateAccount(id: string, patch: Partial<Omit<AccountRecord, 'id' | 'createdAt'>>, event?: NewEvent): Promise<void>;
  /** Removes an account; refused (returns false) while it has posts not final. */
  deleteAccount(id: string): Promise<boolean>;

  /** Creates campaign, clips and posts atomically; when the fingerprint exists, returns the existing campaign and `created: false`. */
  createCampaign(input: NewCampaign, now: number): Promise<{ campaign: CampaignRecord; created: boolean }>;
  getCampaign(id: string): Promise<CampaignRecord | undefined>;
  listCampaigns(): Promise<(CampaignRecord & { counts: Record<string, number> })[]>;
  /** Cancels the campaign and every post of it not yet started; returns how many posts it cancelled. */
  cancelCampaign(id: string, now: number): Promise<number>;
  getClip(id: string): Promise<ClipRecord | undefined>;

  getPost(id: string): Promise<PostRecord | undefined>;
  listPosts(filter?: PostFilter): Promise<{ posts: PostRecord[]; nextCursor: string | null }>;
  countPostsByState(): Promise<{ platform: string; state: string; count: number }[]>;
  /**
   * Whether any post is still to be worked on: neither final nor waiting for its account to be reconnected
   * (`worker --until-idle` asks this twice a second; one index probe, not a count of every post).
   */
  hasUnsettledPosts(): Promise<boolean>;
  /** Moves a post not yet started to a new time. */
  reschedulePost(id: string, at: number, now: number): Promise<PostRecord>;
  cancelPost(id: string, now: number): Promise<PostRecord>;
  /** Puts a failed post back to scheduled, due now. */
  retryPost(id: string, now: number): Promise<PostRecord>;

  /** Claims up to `limit` due posts for `owner` until `now + leaseMs`. */
  claimDuePosts(input: { owner: string; now: number; leaseMs: number; limit: number; excludeAccountIds?: string[]; platform?: PlatformId }): Promise<PostRecord[]>;
  /** The earliest time a post becomes claimable (due or lease expiry), or null when none will. */
  nextWakeAt(): Promise<number | null>;
  /** Extends a lease still held. */
  renewLease(postId: string, owner: string, until: number): Promise<void>;
  /** Writes an adapter checkpoint (remote patch, upload session, event) under the lease. */
  checkpoint(postId: string, owner: string, patch: { remote?: RemoteState; upload?: UploadCheckpoint | null; event?: NewEvent }, now: number): Promise<void>;
  getUploadSession(postId: string): Promise<UploadCheckpoint | null>;
  /** Records a step's outcome under the lease. */
  finishStep(postId: string, owner: string, outcome: StepOutcome, now: number): Promise<PostRecord>;
  /** Moves every `needs_reauth` post of the account back to scheduled (after a reconnect). */
  resumeAccountPosts(accountId: string, now: number): Promise<number>;

  appendEvents(events: NewEvent[], now: number): Promise<void>;
  listEvents(filter: { postId?: string; campaignId?: string; limit?: number }): Promise<EventRecord[]>;
  /** Recomputes the keyed chain and checks it against the MAC'd head; returns the first broken row, if any. */
  verifyLedger(): Promise<LedgerVerdict>;

  /**
   * Takes one call of a sliding-window rate limit shared by every worker (at most `limit` calls of
   * `bucket` in any `windowMs`, e.g. TikTok's 6 `video/init` per minute per user token); when the window
   * is full, nothing is recorded and the answer says when a slot frees.
   */
  takeRateSlot(bucket: string, limit: number, windowMs: number, now: number): Promise<RateSlot>;

  /** Adds `n` to a quota window if it stays within `limit`; returns whether it did. */
  reserveQuota(bucket: string, windowKey: string, n: number, limit: number): Promise<boolean>;
  /** Takes `n` back from a quota window (never below 0): a reservation that was not used. */
  releaseQuota(bucket: string, windowKey: string, n: number): Promise<void>;
  quotaUsed(bucket: string, windowKey: string): Promise<number>;

  insertWebhookEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  listWebhookEndpoints(): Promise<WebhookEndpointRecord[]>;
  deleteWebhookEndpoint(id: string): Promise<boolean>;
  /** Queues one delivery per active endpoint subscribed to `eventType` ('*' subscribes to all). */
  enqueueWebhookDeliveries(eventType: string, payload: Record<string, unknown>, now: number, makeId: () => string): Promise<number>;
  /** Deliveries due now (pending, next attempt passed), oldest first. */
  dueWebhookDeliveries(now: number, limit: number): Promise<WebhookDeliveryRecord[]>;
  finishWebhookDelivery(id: string, patch: { state: 'delivered' | 'pending' | 'failed'; attempt: number; nextAttemptAt: number; lastStatus: number | null; lastError: string | null; deliveredAt: number | null }): Promise<void>;
  listWebhookDeliveries(limit?: number): Promise<WebhookDeliveryRecord[]>;

  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string, now: number): Promise<void>;
}

/** An outgoing webhook endpoint; the secret stays encrypted. */
export interface WebhookEndpointRecord {
  id: string;
  url: string;
  secretEnc: string;
  /** Event types, comma-separated, or `*`. */
  events: string;
  active: boolean;
  createdAt: number;
}

/** One outgoing webhook delivery and its retry state. */
export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventType: string;
  payload: Record<string, unknown>;
  state: 'pending' | 'delivered' | 'failed';
  attempt: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** Thrown when a worker writes to a post whose lease it no longer holds. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(readonly postId: string) {
    super(`lease on post ${postId} was lost (another worker took it over)`);
  }
}

/** Thrown for a post or campaign that does not exist or is in the wrong state for the change. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Thrown when a change is not allowed in the current state (e.g. rescheduling a published post). */
export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';
}

/** The answer of {@link Store.takeRateSlot}: granted (and counted), or when to ask again (ms epoch). */
export type RateSlot = { granted: true } | { granted: false; retryAt: number };
