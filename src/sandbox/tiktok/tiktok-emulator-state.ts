import { randomBytes } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { EmulatorRequest, EmulatorResponse } from '../emulator-server.js';
import type { ResolvedTikTokOptions } from './tiktok-emulator-options.js';

/** A creator on the emulator, with the creator_info fixture TikTok would answer for them. */
export interface TikTokUser {
  openId: string;
  handle: string;
  nickname: string;
  /** Private account: privacy options are FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY; duet/stitch off. */
  privateAccount: boolean;
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  maxVideoPostDurationSec: number;
  /** `ok`, or the creator_info code telling that the creator can't post now (HTTP 200 + code). */
  canPost: 'ok' | 'spam_risk_user_banned_from_posting' | 'reached_active_user_cap';
}

/** An issued access token. */
export interface AccessTokenRecord {
  token: string;
  openId: string;
  scopes: Set<string>;
  expiresAt: number;
  revoked: boolean;
  refreshToken: string;
}

/** An issued refresh token. */
export interface RefreshTokenRecord {
  token: string;
  openId: string;
  scopes: Set<string>;
  expiresAt: number;
  revoked: boolean;
  /** Set once rotated away (the old value stops working). */
  rotated: boolean;
}

/** A pending authorization code. */
export interface AuthCodeRecord {
  code: string;
  openId: string;
  scopes: Set<string>;
  redirectUri: string;
  codeChallenge: string | undefined;
  expiresAt: number;
  used: boolean;
}

/** Status values of §9.2. */
export type PublishStatus = 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED';

/** One init (Direct Post or Inbox) and its life. */
export interface PublishRecord {
  publishId: string;
  openId: string;
  /** Direct Post or Inbox upload. */
  mode: 'direct' | 'inbox';
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  title: string;
  privacyLevel: string;
  /** `post_info.disable_comment/duet/stitch` as sent (Direct Post). */
  disabled: { comment: boolean; duet: boolean; stitch: boolean };
  status: PublishStatus;
  createdAt: number;
  /** When all bytes arrived (upload or download); processing runs from here. */
  bytesCompleteAt: number | undefined;
  uploadedBytes: number;
  downloadedBytes: number;
  sha256: string | undefined;
  failReason: string | undefined;
  /** Post id (decimal digits, beyond 2^53) once published. */
  postId: string | undefined;
  completedAt: number | undefined;
  cancelled: boolean;
}

/** An upload task behind one upload_url. */
export interface UploadTask {
  uploadId: string;
  uploadToken: string;
  publishId: string;
  videoSize: number;
  chunkSize: number;
  totalChunkCount: number;
  received: number;
  expiresAt: number;
  /** Hash of the bytes of every accepted chunk; copied per chunk so an aborted chunk leaves it intact. */
  hash: Hash;
  /** Every accepted range, in order (tests assert each was received once). */
  ranges: { first: number; last: number }[];
  /** Bytes read off the wire for this task, accepted or not. */
  wireBytes: number;
  /** Bytes of refused PUTs (drained unread), e.g. a chunk resent after a lost answer. */
  drainedBytes: number;
  /** PUTs that reached the route for this task (faults answered before it are not counted). */
  puts: number;
  done: boolean;
}

/** The emulator's whole inspectable state plus the helpers the route modules share. */
export class TikTokState {
  readonly users = new Map<string, TikTokUser>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly codes = new Map<string, AuthCodeRecord>();
  readonly publishes = new Map<string, PublishRecord>();
  readonly uploads = new Map<string, UploadTask>();
  /** Sliding windows: `${token}|${group}` → request times. */
  readonly windows = new Map<string, number[]>();
  /** Direct inits per creator (times), for the daily cap. */
  readonly postTimes = new Map<string, number[]>();
  /** First post time per creator in the app's 24 h window, for the active-user cap. */
  readonly activeUsers = new Map<string, number>();
  /** Requests that sent a bare `application/json` (flagged, see strictJsonContentType). */
  readonly contentTypeFlags: { path: string; contentType: string }[] = [];
  /** Fail reasons queued for the next processings to finish. */
  readonly nextFailures: string[] = [];
  /** Creator fixtures applied right after the creator's next creator_info answer (options that change between calls). */
  readonly creatorChanges = new Map<string, Partial<TikTokUser>[]>();
  /** Chunk PUTs still to answer 206 without storing their bytes (the acknowledged range does not move). */
  stalledPuts = 0;
  /** Where the authorize page's test switch stands. */
  authorize: { handle: string | undefined; deny: boolean; grantScopes: string[] | undefined } = {
    handle: undefined,
    deny: false,
    grantScopes: undefined,
  };
  /** Called when a publish has all its bytes (upload 201 or download done) or its download failed. */
  onBytesComplete: (record: PublishRecord) => void = () => undefined;
  #seq = 0n;

  constructor(
    readonly options: ResolvedTikTokOptions,
    readonly clock: Clock,
  ) {}

  /** A fresh opaque id fragment. */
  random(bytes = 12): string {
    return randomBytes(bytes).toString('hex');
  }

  /** A 19-digit number beyond 2^53, as TikTok's post ids (and the numeric tail of publish ids) are. */
  bigId(): string {
    this.#seq += 1n;
    return (7_431_234_567_890_000_000n + this.#seq * 7_919n + BigInt(this.clock.now() % 1000)).toString();
  }

  logId(): string {
    const d = new Date(this.clock.now());
    const stamp = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    return `${stamp}${this.random(11).toUpperCase()}`;
  }

  /** The v2 envelope `{data, error:{code,message,log_id}}` with the `x-tt-logid` header. */
  envelope(status: number, code: string, message: string, data: unknown = {}): EmulatorResponse {
    const logId = this.logId();
    return { status, headers: { 'x-tt-logid': logId }, body: { data, error: { code, message, log_id: logId } } };
  }

  /** The OAuth error shape `{error, error_description, log_id}`. */
  oauthError(error: string, description: string): EmulatorResponse {
    return { status: this.options.oauthErrorStatus, body: { error, error_description: description, log_id: this.logId() } };
  }

  /**
   * Checks the bearer token and scope of a v2 call: 401 `access_token_invalid` (unknown, expired,
   * revoked) or 401 `scope_not_authorized`. Returns the token record or an answer.
   */
  bearer(req: EmulatorRequest, anyOfScopes: string[]): AccessTokenRecord | EmulatorResponse {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(header);
    const record = m ? this.accessTokens.get(m[1]!) : undefined;
    if (!record || record.revoked || record.expiresAt <= this.clock.now()) {
      return this.envelope(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
    }
    if (!anyOfScopes.some((s) => record.scopes.has(s))) {
      return this.envelope(401, 'scope_not_authorized', `The user did not authorize the scope required: ${anyOfScopes.join(' or ')}.`);
    }
    return record;
  }

  /**
   * Checks the JSON Content-Type of a v2 call. `application/json; charset=UTF-8` is what the pages
   * specify; a bare `application/json` is what their examples send (observed to work): flagged, and
   * rejected only with `strictJsonContentType`.
   */
  jsonContentType(req: EmulatorRequest, bodyOptional: boolean): EmulatorResponse | undefined {
    const ct = (req.headers['content-type'] ?? '').toLowerCase().replace(/\s+/g, '');
    if (ct === 'application/json;charset=utf-8') return undefined;
    if (!ct && bodyOptional) return undefined;
    if (ct === 'application/json') {
      this.contentTypeFlags.push({ path: req.path, contentType: ct });
      if (!this.options.strictJsonContentType) return undefined;
    }
    return this.envelope(400, 'invalid_params', 'Content-Type must be application/json; charset=UTF-8.');
  }

  /** Sliding 1-minute window per token and endpoint group; a 429 answer when over. */
  rateLimit(token: string, group: keyof ResolvedTikTokOptions['rateLimits']): EmulatorResponse | undefined {
    if (!this.options.limits) return undefined;
    const now = this.clock.now();
    const key = `${token}|${group}`;
    const times = (this.windows.get(key) ?? []).filter((t) => t > now - 60_000);
    this.windows.set(key, times);
    if (times.length >= this.options.rateLimits[group]) {
      const answer = this.envelope(429, 'rate_limit_exceeded', 'Rate limit exceeded. Please retry later.');
      if (this.options.retryAfterOnRateLimit) {
        answer.headers = { ...answer.headers, 'retry-after': Math.max(1, Math.ceil((times[0]! + 60_000 - now) / 1000)) };
      }
      return answer;
    }
    times.push(now);
    return undefined;
  }
}
