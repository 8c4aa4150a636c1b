import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { systemClock, type Clock } from '../core/clock.js';
import { PublishError } from '../core/publish-error.js';
import { httpRequest, type HttpOptions, type HttpResponse } from '../http/http.js';
import type { PostizBasePath, PostizConfig } from './postiz-config.js';
import { classifyPostizResponse } from './postiz-errors.js';
import type {
  PostizCreateRequest,
  PostizIntegration,
  PostizMedia,
  PostizNotification,
  PostizPost,
  PostizRateLimitInfo,
} from './postiz-types.js';

/** Options of {@link PostizClient}. */
export interface PostizClientOptions {
  config: PostizConfig;
  clock?: Clock;
  http?: HttpOptions;
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** Network failure cannot have had an effect (reads, uploads whose duplicate is harmless). */
  safe: boolean;
  /** A 5xx may mean rows were created (POST /posts). */
  creates?: boolean;
}

/**
 * The Postiz Public API wire protocol on `undici.request`: raw API key in `Authorization` (never a
 * `Bearer` prefix), either base path (configured or detected), streamed multipart uploads, and the
 * server's quirks absorbed (`settings` as a JSON string, `201`/`200`, `{"error":true}` from DELETE).
 * Errors are `PublishError`s from {@link classifyPostizResponse}; the key never appears in them.
 *
 * @example
 * ```ts
 * const client = new PostizClient({ config: postizConfig({ serverUrl, apiKey }) });
 * const channels = await client.integrations();
 * ```
 */
export class PostizClient {
  readonly config: PostizConfig;
  readonly #clock: Clock;
  readonly #http: HttpOptions;
  #base: PostizBasePath | undefined;

  constructor(options: PostizClientOptions) {
    this.config = options.config;
    this.#clock = options.clock ?? systemClock;
    this.#http = options.http ?? {};
    this.#base = options.config.basePath === 'auto' ? undefined : options.config.basePath;
  }

  /** The base path in use, detecting it on first call when configured `'auto'`. */
  async basePath(): Promise<PostizBasePath> {
    if (this.#base) return this.#base;
    for (const candidate of ['/public/v1', '/api/public/v1'] as const) {
      const res = await this.#raw({ method: 'GET', path: `${candidate}/is-connected`, safe: true });
      if (res.status === 404) continue;
      if (res.status === 401 && res.text && !res.text.includes('"msg"')) continue; // not the Public API's 401
      if (res.status >= 300) throw this.#error(res, { method: 'GET', path: '/is-connected', safe: true });
      if (!/"connected"\s*:\s*true/.test(res.text)) continue; // e.g. the UI answering an unknown path
      this.#base = candidate;
      return candidate;
    }
    throw new PublishError(`Postiz: no Public API at ${this.config.serverUrl} (tried /public/v1 and /api/public/v1)`, {
      platform: 'postiz', code: 'POSTIZ_NOT_FOUND', kind: 'invalid', status: 404,
    });
  }

  /** `GET /is-connected`: true when the key is accepted. */
  async isConnected(): Promise<boolean> {
    const body = await this.#json<{ connected?: boolean }>({ method: 'GET', path: '/is-connected', safe: true });
    return body.connected === true;
  }

  /** `GET /integrations`: every channel, disabled ones included (a channel needing reconnection looks normal). */
  async integrations(group?: string): Promise<PostizIntegration[]> {
    const q = group ? `?group=${encodeURIComponent(group)}` : '';
    return this.#json<PostizIntegration[]>({ method: 'GET', path: `/integrations${q}`, safe: true });
  }

  /**
   * `POST /upload`: streams the file from disk as a multipart body (never buffered).
   *
   * @param progress - called with bytes handed to the socket so far
   */
  async upload(filePath: string, progress?: (sent: number, total: number) => void): Promise<PostizMedia> {
    const { size } = await stat(filePath);
    const boundary = `----clipcast${randomBytes(12).toString('hex')}`;
    const name = basename(filePath).replace(/["\r\n]/g, '_') || 'clip.mp4';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* parts(): AsyncGenerator<Buffer> {
      yield head;
      let sent = 0;
      for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) {
        sent += (chunk as Buffer).length;
        progress?.(sent, size);
        yield chunk as Buffer;
      }
      yield tail;
    }
    const call: Call = { method: 'POST', path: '/upload', safe: true };
    const res = await this.#raw(call, {
      body: Readable.from(parts(), { objectMode: false }),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length) },
      timeoutMs: this.config.uploadTimeoutMs,
    });
    return this.#parse<PostizMedia>(res, call);
  }

  /** `POST /upload-from-url`: the server fetches a public https URL. */
  async uploadFromUrl(url: string): Promise<PostizMedia> {
    return this.#json<PostizMedia>({ method: 'POST', path: '/upload-from-url', body: { url }, safe: true });
  }

  /**
   * `POST /posts` (rate limited, no idempotency). A network failure or 5xx is `unknown_outcome`:
   * reconcile with {@link PostizClient.listPosts} before ever sending it again.
   */
  async createPosts(request: PostizCreateRequest): Promise<{ items: { postId: string; integration: string }[]; rateLimit?: PostizRateLimitInfo }> {
    const call: Call = { method: 'POST', path: '/posts', body: request, safe: false, creates: true };
    const res = await this.#raw(call);
    const items = this.#parse<{ postId: string; integration: string }[]>(res, call);
    const limit = Number(res.headers['x-ratelimit-limit']);
    const rateLimit = Number.isFinite(limit) && res.headers['x-ratelimit-limit']
      ? { limit, remaining: Number(res.headers['x-ratelimit-remaining'] ?? 0), resetSec: Number(res.headers['x-ratelimit-reset'] ?? 0) }
      : undefined;
    return { items, ...(rateLimit ? { rateLimit } : {}) };
  }

  /** `GET /posts` for an inclusive `publishDate` range; `settings` parsed whether string or object. Sorted by date. */
  async listPosts(start: number, end: number, customer?: string): Promise<PostizPost[]> {
    const q = new URLSearchParams({ startDate: new Date(start).toISOString(), endDate: new Date(end).toISOString() });
    if (customer) q.set('customer', customer);
    const body = await this.#json<{ posts: (Omit<PostizPost, 'settings'> & { settings: unknown })[] }>({
      method: 'GET', path: `/posts?${q}`, safe: true,
    });
    return (body.posts ?? [])
      .map((p) => ({ ...p, settings: parseSettings(p.settings) }))
      .sort((a, b) => Date.parse(a.publishDate) - Date.parse(b.publishDate) || a.id.localeCompare(b.id));
  }

  /**
   * `DELETE /posts/:id` (the whole group). Any 2xx is success whatever the body (`{"error":true}` on the
   * real server); a 404 or 500 means "already gone or never existed": returns `'gone'`, verify with `listPosts`.
   */
  async deletePost(id: string): Promise<'deleted' | 'gone'> {
    const call: Call = { method: 'DELETE', path: `/posts/${encodeURIComponent(id)}`, safe: true };
    const res = await this.#raw(call);
    if (res.status >= 200 && res.status < 300) return 'deleted';
    if (res.status === 404 || res.status === 500) return 'gone';
    throw this.#error(res, call);
  }

  /** `DELETE /posts/group/:group`: always `{"error":true}` on the server, even for an unknown group. */
  async deleteGroup(group: string): Promise<void> {
    await this.#json({ method: 'DELETE', path: `/posts/group/${encodeURIComponent(group)}`, safe: true });
  }

  /** `GET /notifications?page=n` (newest first, 100 per page). */
  async notifications(page = 0): Promise<{ notifications: PostizNotification[]; hasMore: boolean; total: number }> {
    return this.#json({ method: 'GET', path: `/notifications?page=${page}`, safe: true });
  }

  async #json<T>(call: Call): Promise<T> {
    return this.#parse<T>(await this.#raw(call), call);
  }

  #parse<T>(res: HttpResponse, call: Call): T {
    if (res.status < 200 || res.status >= 300) throw this.#error(res, call);
    try {
      return (res.text ? JSON.parse(res.text) : {}) as T;
    } catch (cause) {
      throw new PublishError(`Postiz ${call.method} ${call.path.split('?')[0]}: answer is not JSON`, {
        platform: 'postiz', code: 'POSTIZ_UNEXPECTED', kind: call.creates ? 'unknown_outcome' : 'retryable', status: res.status, cause,
      });
    }
  }

  #error(res: HttpResponse, call: Call): PublishError {
    return classifyPostizResponse(res.status, res.text, res.headers, {
      what: `${call.method} ${call.path.split('?')[0]}`, creates: call.creates ?? false, now: this.#clock.now(), secrets: [this.config.apiKey],
    });
  }

  async #raw(call: Call, extra: { body?: Readable; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpResponse> {
    const base = call.path.startsWith('/public/v1') || call.path.startsWith('/api/public/v1') ? '' : await this.basePath();
    const headers: Record<string, string> = { authorization: this.config.apiKey, accept: 'application/json', ...(extra.headers ?? {}) };
    let body: string | Readable | undefined = extra.body;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    return httpRequest(
      { method: call.method, url: `${this.config.serverUrl}${base}${call.path}`, headers, body },
      { platform: 'postiz', safe: call.safe, what: `Postiz ${call.method} ${call.path.split('?')[0]}` },
      { ...this.#http, timeoutMs: extra.timeoutMs ?? this.#http.timeoutMs ?? this.config.timeoutMs },
    );
  }
}

/** `settings` as the server (JSON string) or the docs (object) give it. */
export function parseSettings(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
  return typeof value === 'object' ? (value as Record<string, unknown>) : null;
}
