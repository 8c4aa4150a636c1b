import { randomUUID } from 'node:crypto';
import { systemClock } from '../../core/clock.js';
import type { Credentials } from '../../core/ports/platform-adapter.js';
import { EmulatorServer } from '../emulator-server.js';
import { issueTokens, registerOAuthRoutes, revokeUser } from './tiktok-emulator-oauth.js';
import { resolveTikTokOptions, type ResolvedTikTokOptions, type TikTokEmulatorOptions } from './tiktok-emulator-options.js';
import { publicPostIds, registerPublishRoutes } from './tiktok-emulator-publish.js';
import { TikTokState, type PublishRecord, type TikTokUser, type UploadTask } from './tiktok-emulator-state.js';
import { pullVideo, registerUploadRoutes } from './tiktok-emulator-upload.js';
import { TikTokWebhookSender } from './tiktok-emulator-webhooks.js';

export type { TikTokEmulatorOptions } from './tiktok-emulator-options.js';

/** A post the emulated TikTok made public (Direct Post complete, or an inbox draft the creator posted). */
export interface TikTokPublished {
  /** The post id when TikTok shows one (public, moderated), else the publish_id. */
  remoteId: string;
  publishId: string;
  sha256: string;
  text: string;
  permalink: string;
  at: number;
  privacyLevel: string;
  handle: string;
}

/**
 * A local, strict TikTok (OAuth v2 + Content Posting API v2) on a real HTTP server. See
 * {@link TikTokEmulatorOptions} for the knobs and `reference/tiktok.md` for the behaviour it copies.
 *
 * @example
 * ```ts
 * const tiktok = await createTikTokEmulator({ clock, processingMs: 0 });
 * const { credentials } = tiktok.createSandboxAccount('alice');
 * tiktok.server.faults.add({ path: '/v2/post/publish/video/init/', fault: { kind: 'status', status: 503 } });
 * ```
 */
export class TikTokEmulator {
  readonly name = 'tiktok';
  readonly server: EmulatorServer;
  readonly state: TikTokState;
  readonly webhooks: TikTokWebhookSender;
  #pulls = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #notified = new Set<string>();
  #timers = new Set<NodeJS.Timeout>();

  constructor(options: TikTokEmulatorOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.server = new EmulatorServer({ name: 'tiktok', clock, host: options.host, port: options.port });
    this.state = new TikTokState(resolveTikTokOptions(options), clock);
    const o = this.state.options;
    this.webhooks = new TikTokWebhookSender(
      { url: o.webhookUrl, clientKey: o.clientKey, clientSecret: o.clientSecret, retries: o.webhookRetries, retryBaseMs: o.webhookRetryBaseMs },
      clock,
    );
    registerOAuthRoutes(this.server, this.state, (handle) => this.#ensureUser(handle), (openId) => this.#onRevoke(openId));
    registerUploadRoutes(this.server, this.state);
    registerPublishRoutes(this.server, this.state, {
      startPull: (record, url) => this.#startPull(record, url),
      cancelPull: (record) => this.#cancelPull(record),
      advance: (record) => this.#advance(record),
    });
    this.server.route('GET', '/:at/video/:id', (req) => this.#postPage(req.params.at!, req.params.id!));
    this.server.route('GET', '/:at', (req) => this.#postPage(req.params.at!, undefined));
    this.server.setStateProvider(() => this.snapshot());
    // Webhooks must fire even when nobody polls: advance on a real timer too (a fake clock that has not
    // moved leaves the record as it is; polling or tick() then moves it).
    this.state.onBytesComplete = (record) => {
      this.#advance(record);
      for (const ms of [o.processingMs, o.processingMs + o.moderationMs]) {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#advance(record);
        }, ms + 1);
        timer.unref();
        this.#timers.add(timer);
      }
    };
  }

  /** The emulator's base URL (API, OAuth page, upload URLs and post pages all live under it). */
  get url(): string {
    return this.server.url;
  }

  /** The live, mutable settings (e.g. `emulator.settings.audited = false` between tests). */
  get settings(): ResolvedTikTokOptions {
    return this.state.options;
  }

  async listen(): Promise<string> {
    return this.server.listen();
  }

  async close(): Promise<void> {
    for (const pull of this.#pulls.values()) pull.abort.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    await this.server.close();
  }

  /**
   * A creator and tokens valid here, as if the OAuth flow had completed (all scopes).
   *
   * @example
   * ```ts
   * const { credentials } = tiktok.createSandboxAccount('alice', { privateAccount: true });
   * ```
   */
  createSandboxAccount(handle?: string, fixture: Partial<Omit<TikTokUser, 'openId' | 'handle'>> = {}): { handle: string; externalId: string; credentials: Credentials } {
    const user = this.#ensureUser(handle);
    Object.assign(user, fixture);
    const t = issueTokens(this.state, user.openId, new Set(['user.info.basic', 'video.upload', 'video.publish']));
    const now = this.state.clock.now();
    return {
      handle: user.handle,
      externalId: user.openId,
      credentials: {
        // As if the user had connected through this emulator's app: the app travels with the tokens.
        clientKey: this.state.options.clientKey,
        clientSecret: this.state.options.clientSecret,
        accessToken: t.access_token,
        refreshToken: t.refresh_token,
        openId: t.open_id,
        scope: t.scope,
        expiresAt: now + t.expires_in * 1000,
        refreshExpiresAt: now + t.refresh_expires_in * 1000,
      },
    };
  }

  /** Changes a creator's creator_info fixture (privacy, disabled flags, max duration, can't-post switch). */
  setCreator(handle: string, fixture: Partial<Omit<TikTokUser, 'openId' | 'handle'>>): void {
    Object.assign(this.#ensureUser(handle), fixture);
  }

  /**
   * Knob: the creator changes their settings right after their next creator_info answer (privacy
   * options, disabled interactions, duration cap), so what a client read can be stale at init.
   */
  changeCreatorAfterNextQuery(handle: string, fixture: Partial<Omit<TikTokUser, 'openId' | 'handle'>>): void {
    const user = this.#ensureUser(handle);
    const queue = this.state.creatorChanges.get(user.openId) ?? [];
    queue.push(fixture);
    this.state.creatorChanges.set(user.openId, queue);
  }

  /** Knob: the next `n` chunk PUTs are answered 206 without keeping their bytes (no progress). */
  stallNextChunks(n: number): void {
    this.state.stalledPuts += n;
  }

  /** Test switch of the authorize page: who approves, deny, or grant only some scopes. */
  setAuthorize(next: Partial<TikTokState['authorize']>): void {
    Object.assign(this.state.authorize, next);
  }

  /** Knob: every access and refresh token issued so far expires now. */
  expireAllTokens(): void {
    const now = this.state.clock.now();
    for (const t of this.state.accessTokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
    for (const t of this.state.refreshTokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  /** Knob: expire only the access tokens (the refresh tokens still work). */
  expireAccessTokens(): void {
    const now = this.state.clock.now();
    for (const t of this.state.accessTokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  /** Knob: revoke one access token (and its user's refresh tokens), as a revoke call would. */
  revokeToken(accessToken: string): void {
    const record = this.state.accessTokens.get(accessToken);
    if (record) revokeUser(this.state, record.openId);
  }

  /** Knob: the next processing to finish fails with this `fail_reason` (queued, one per call). */
  failNextProcessing(reason: string): void {
    this.state.nextFailures.push(reason);
  }

  /** Knob: every upload URL issued so far expires now. */
  expireUploadUrls(): void {
    for (const u of this.state.uploads.values()) u.expiresAt = Math.min(u.expiresAt, this.state.clock.now());
  }

  /** Knob: the creator posts an inbox draft from the TikTok app (inbox → PUBLISH_COMPLETE). */
  postInboxDraft(publishId: string): void {
    const r = this.state.publishes.get(publishId);
    if (!r || r.mode !== 'inbox' || r.status !== 'SEND_TO_USER_INBOX') throw new Error(`no delivered inbox draft ${publishId}`);
    r.status = 'PUBLISH_COMPLETE';
    r.postId = this.state.bigId();
    r.completedAt = this.state.clock.now();
    this.#notify(r, 'post.publish.complete');
  }

  /** The upload task behind a publish (received ranges, wire bytes) for tests. */
  uploadTask(publishId: string): UploadTask | undefined {
    return [...this.state.uploads.values()].find((u) => u.publishId === publishId);
  }

  /** How many requests reached `path` (optionally with `method`), faults included. */
  requestCount(path: string, method?: string): number {
    return this.server.requests.filter((r) => r.path === path && (!method || r.method === method)).length;
  }

  /** Moves every publish along for the current clock time (fires due webhooks). */
  tick(): void {
    for (const r of this.state.publishes.values()) this.#advance(r);
  }

  /** Resolves when background downloads and webhook deliveries have settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.#pulls.values()].map((p) => p.done));
    await this.webhooks.idle();
  }

  /** Every post made public so far (see {@link TikTokPublished}). */
  published(): TikTokPublished[] {
    this.tick();
    const out: TikTokPublished[] = [];
    for (const r of this.state.publishes.values()) {
      if (r.status !== 'PUBLISH_COMPLETE' || !r.postId) continue;
      const user = this.state.users.get(r.openId)!;
      const visible = publicPostIds(this.state, r)[0];
      out.push({
        remoteId: visible ?? r.publishId,
        publishId: r.publishId,
        sha256: r.sha256 ?? '',
        text: r.title,
        permalink: `${this.url}/@${user.handle}/video/${r.postId}`,
        at: r.completedAt!,
        privacyLevel: r.privacyLevel,
        handle: user.handle,
      });
    }
    return out;
  }

  /** A JSON-safe summary for `GET /__sandbox/state`. */
  snapshot(): Record<string, unknown> {
    return {
      users: [...this.state.users.values()].map((u) => ({ handle: u.handle, openId: u.openId })),
      tokens: { issued: this.state.accessTokens.size, revoked: [...this.state.accessTokens.values()].filter((t) => t.revoked).length },
      publishes: [...this.state.publishes.values()].map((r) => ({ publishId: r.publishId, status: r.status, mode: r.mode, uploadedBytes: r.uploadedBytes, failReason: r.failReason })),
      uploads: [...this.state.uploads.values()].map((u) => ({ publishId: u.publishId, received: u.received, videoSize: u.videoSize, ranges: u.ranges.length })),
      published: this.published().map((p) => ({ remoteId: p.remoteId, sha256: p.sha256, permalink: p.permalink })),
      webhooks: this.webhooks.deliveries.map((d) => ({ event: d.event, delivered: d.delivered, attempts: d.attempts })),
    };
  }

  #ensureUser(handle = 'sandbox_creator'): TikTokUser {
    for (const u of this.state.users.values()) if (u.handle === handle) return u;
    const user: TikTokUser = {
      openId: randomUUID(),
      handle,
      nickname: handle.replace(/[_.]/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
      privateAccount: false,
      commentDisabled: false,
      duetDisabled: false,
      stitchDisabled: false,
      maxVideoPostDurationSec: 300,
      canPost: 'ok',
    };
    this.state.users.set(user.openId, user);
    return user;
  }

  #advance(r: PublishRecord): void {
    const now = this.state.clock.now();
    const processing = r.status === 'PROCESSING_UPLOAD' || r.status === 'PROCESSING_DOWNLOAD';
    if (processing && r.bytesCompleteAt !== undefined && now >= r.bytesCompleteAt + this.state.options.processingMs) {
      const failure = this.state.nextFailures.shift();
      if (failure) {
        r.status = 'FAILED';
        r.failReason = failure;
      } else if (r.mode === 'direct') {
        r.status = 'PUBLISH_COMPLETE';
        r.postId = this.state.bigId();
        r.completedAt = r.bytesCompleteAt + this.state.options.processingMs;
      } else {
        r.status = 'SEND_TO_USER_INBOX';
      }
    }
    if (r.status === 'FAILED') this.#notify(r, 'post.publish.failed');
    if (r.status === 'SEND_TO_USER_INBOX') this.#notify(r, 'post.publish.inbox_delivered');
    if (r.status === 'PUBLISH_COMPLETE') {
      this.#notify(r, 'post.publish.complete');
      if (publicPostIds(this.state, r).length) this.#notify(r, 'post.publish.publicly_available');
    }
  }

  #notify(r: PublishRecord, event: string): void {
    const key = `${r.publishId}|${event}`;
    if (this.#notified.has(key)) return;
    this.#notified.add(key);
    const publishType = r.mode === 'inbox' ? 'INBOX_SHARE' : this.state.options.directPublishType;
    const parts = [`"publish_id":${JSON.stringify(r.publishId)}`];
    if (event === 'post.publish.failed') parts.push(`"reason":${JSON.stringify(r.failReason)}`);
    if (event === 'post.publish.publicly_available') {
      // post_id's JSON type is unconfirmed: an unquoted int64 by default (parse losslessly), string on request.
      parts.push(`"post_id":${this.state.options.webhookPostIdAsString ? JSON.stringify(r.postId) : r.postId}`);
    }
    parts.push(`"publish_type":${JSON.stringify(publishType)}`);
    this.webhooks.send(event, r.openId, `{${parts.join(',')}}`);
  }

  #onRevoke(openId: string): void {
    for (const r of this.state.publishes.values()) {
      if (r.openId === openId && (r.status === 'PROCESSING_UPLOAD' || r.status === 'PROCESSING_DOWNLOAD')) {
        r.status = 'FAILED';
        r.failReason = 'auth_removed';
      }
    }
    if (this.state.options.webhookOnRevoke) this.webhooks.send('authorization.removed', openId, '{"reason":5}');
  }

  #startPull(record: PublishRecord, url: string): void {
    const abort = new AbortController();
    const done = pullVideo(this.state, record, url, abort.signal);
    this.#pulls.set(record.publishId, { abort, done });
  }

  #cancelPull(record: PublishRecord): boolean {
    const pull = this.#pulls.get(record.publishId);
    if (!pull || record.bytesCompleteAt !== undefined) return false;
    record.cancelled = true;
    pull.abort.abort();
    return true;
  }

  #postPage(at: string, id: string | undefined): { status: number; headers: Record<string, string>; body: string } {
    const user = at.startsWith('@') ? [...this.state.users.values()].find((u) => u.handle === at.slice(1)) : undefined;
    const post = id ? [...this.state.publishes.values()].find((r) => r.postId === id && r.status === 'PUBLISH_COMPLETE') : undefined;
    if (!user || (id && !post)) return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><p>Not found</p>' };
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const text = post ? `<h1>@${esc(user.handle)}</h1><p>${esc(post.title)}</p><p>video ${esc(id!)} (${esc(post.privacyLevel)})</p>` : `<h1>@${esc(user.handle)}</h1>`;
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><title>TikTok (sandbox)</title>${text}` };
  }
}

/**
 * Creates and starts a TikTok emulator (already listening).
 *
 * @example
 * ```ts
 * const tiktok = await createTikTokEmulator({ clock: new FakeClock(), processingMs: 0 });
 * // … point sandboxTikTokConfig(tiktok.url) at it …
 * await tiktok.close();
 * ```
 */
export async function createTikTokEmulator(options: TikTokEmulatorOptions = {}): Promise<TikTokEmulator> {
  const emulator = new TikTokEmulator(options);
  await emulator.listen();
  return emulator;
}
