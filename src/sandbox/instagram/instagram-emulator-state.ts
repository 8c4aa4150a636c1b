import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Mp4Probe } from './instagram-emulator-mp4.js';

/** Which Meta login product a token or route belongs to. `ig` = graph.instagram.com, `fb` = graph.facebook.com. */
export type Flavour = 'ig' | 'fb';

/** A token the emulator issued. */
export interface EmulatedToken {
  value: string;
  flavour: Flavour;
  kind: 'short' | 'long' | 'page';
  accountKey: string;
  issuedAt: number;
  /** 0 = never expires (Page tokens). */
  expiresAt: number;
  revoked: boolean;
  scopes: string[];
}

/** A professional IG account with its linked Page and login identities. */
export interface EmulatedAccount {
  key: string;
  username: string;
  /** The IG professional account id (`17841…`), `/me` `user_id`, `instagram_business_account.id`. */
  igUserId: string;
  /** The app-scoped IG Login user id: beyond 2^53, returned as a bare JSON number by the code exchange. */
  appScopedId: string;
  pageId: string;
  fbUserId: string;
}

/** Container states of §4. */
export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

/** A media container (the upload session of one reel). */
export interface EmulatedContainer {
  id: string;
  accountKey: string;
  flavour: Flavour;
  mode: 'url' | 'resumable';
  createdAt: number;
  params: Record<string, string>;
  /** Bytes received so far (resumable) or downloaded (url). */
  bytes: number;
  fileSize: number | undefined;
  /** The running hash of the bytes received in order; `sha256` once complete. */
  hash: Hash | undefined;
  /** Streaming MP4 check (when the emulator checks MP4s). */
  probe: Mp4Probe | undefined;
  sha256: string | undefined;
  uploadComplete: boolean;
  /** When processing ends (set once the bytes are complete). */
  readyAt: number | undefined;
  /** Subcode the container fails with once processed (injected, or from a failed download). */
  errorSubcode: number | undefined;
  publishedMediaId: string | undefined;
}

/** A published reel. */
export interface EmulatedMedia {
  id: string;
  containerId: string;
  accountKey: string;
  caption: string;
  shortcode: string;
  permalink: string;
  sha256: string;
  publishedAt: number;
  shareToFeed: boolean;
}

const DAY = 86_400_000;

/**
 * The emulator's in-memory world: accounts, tokens, codes, containers and media, with the status
 * machine of a container derived from the injected clock.
 *
 * @example
 * ```ts
 * const state = new InstagramEmulatorState(clock, 0);
 * const account = state.addAccount('acme');
 * ```
 */
export class InstagramEmulatorState {
  readonly accounts = new Map<string, EmulatedAccount>();
  readonly tokens = new Map<string, EmulatedToken>();
  readonly codes = new Map<string, { flavour: Flavour; accountKey: string; redirectUri: string; scopes: string[]; expiresAt: number; used: boolean }>();
  readonly containers = new Map<string, EmulatedContainer>();
  readonly media = new Map<string, EmulatedMedia>();
  /** Publish times per account (for the rolling 24 h quota). */
  readonly publishTimes = new Map<string, number[]>();
  /** Container creation times per account (400 per rolling 24 h). */
  readonly creationTimes = new Map<string, number[]>();
  /** Graph call times per account (for the BUC usage header). */
  readonly callTimes = new Map<string, number[]>();
  #seq = 0;

  constructor(
    readonly clock: Clock,
    public processingMs: number,
  ) {}

  /** A fresh Graph-style id (17-digit string, unique). */
  nextId(prefix: '1784' | '1788' | '1791' | '1020'): string {
    this.#seq += 1;
    return `${prefix}${String(1_000_000_000_000 + this.#seq * 7919).padStart(13, '0')}`;
  }

  addAccount(username: string): EmulatedAccount {
    this.#seq += 1;
    const key = `acct_${this.#seq}`;
    // 2764087539227xxxx: above 2^53 (9007199254740992), so JSON.parse would round it.
    const appScopedId = (27_640_875_392_278_831n + BigInt(this.#seq) * 2n).toString();
    const account: EmulatedAccount = {
      key,
      username,
      igUserId: this.nextId('1784'),
      appScopedId,
      pageId: this.nextId('1020'),
      fbUserId: this.nextId('1020'),
    };
    this.accounts.set(key, account);
    return account;
  }

  issueToken(flavour: Flavour, kind: EmulatedToken['kind'], accountKey: string, lifetimeMs: number, scopes: string[]): EmulatedToken {
    const prefix = flavour === 'ig' ? 'IGAA' : 'EAA';
    const now = this.clock.now();
    const token: EmulatedToken = {
      value: `${prefix}${randomBytes(24).toString('base64url')}`,
      flavour,
      kind,
      accountKey,
      issuedAt: now,
      expiresAt: lifetimeMs === 0 ? 0 : now + lifetimeMs,
      revoked: false,
      scopes,
    };
    this.tokens.set(token.value, token);
    return token;
  }

  /** Resolves `me`, the IG user id or (IG Login) the app-scoped id to an account. */
  accountByPathId(id: string, token: EmulatedToken): EmulatedAccount | undefined {
    const account = this.accounts.get(token.accountKey);
    if (!account) return undefined;
    if (id === 'me' || id === account.igUserId) return account;
    // Correction 4: IG Login paths may name the app-scoped id; accept both.
    if (token.flavour === 'ig' && id === account.appScopedId) return account;
    return undefined;
  }

  /** The container's status now (lazy: the clock drives the machine). */
  statusOf(c: EmulatedContainer): ContainerStatus {
    if (c.publishedMediaId) return 'PUBLISHED';
    const now = this.clock.now();
    if (now >= c.createdAt + DAY) return 'EXPIRED';
    if (c.readyAt === undefined || now < c.readyAt) return 'IN_PROGRESS';
    return c.errorSubcode === undefined ? 'FINISHED' : 'ERROR';
  }

  /** Marks the bytes complete: processing starts now. */
  completeUpload(c: EmulatedContainer): void {
    c.uploadComplete = true;
    c.sha256 = c.hash?.digest('hex') ?? createHash('sha256').digest('hex');
    c.hash = undefined;
    if (c.probe && c.errorSubcode === undefined) {
      const found = c.probe.result();
      const thumb = c.params.thumb_offset === undefined || c.params.cover_url !== undefined ? undefined : Number(c.params.thumb_offset);
      if (found.subcode !== undefined) c.errorSubcode = found.subcode;
      else if (thumb !== undefined && found.durationMs !== undefined && thumb >= found.durationMs) c.errorSubcode = 2207057;
    }
    c.probe = undefined;
    c.readyAt = this.clock.now() + this.processingMs;
  }

  /** Fails the container (download failure): it turns ERROR once "processed". */
  failContainer(c: EmulatedContainer, subcode: number): void {
    c.errorSubcode = subcode;
    c.hash = undefined;
    c.readyAt = this.clock.now() + Math.min(this.processingMs, 1000);
  }

  /** Times within the last 24 h, pruned. */
  window(map: Map<string, number[]>, accountKey: string, windowMs = DAY): number[] {
    const now = this.clock.now();
    const kept = (map.get(accountKey) ?? []).filter((t) => t > now - windowMs);
    map.set(accountKey, kept);
    return kept;
  }
}
