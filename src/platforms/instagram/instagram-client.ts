import { PublishError } from '../../core/publish-error.js';
import { httpRequest, parseJsonLossless, type HttpOptions, type HttpResponse } from '../../http/http.js';
import type { InstagramConfig } from './instagram-config.js';
import type { InstagramFlavour } from './instagram-credentials.js';
import { classifyInstagramError } from './instagram-errors.js';
import { parseUsage, type InstagramUsage } from './instagram-usage.js';

/** `GET /{container-id}` answer (§4). */
export interface ContainerStatus {
  id: string;
  status_code?: 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';
  status?: string;
  video_status?: { uploading_phase?: { status?: string; bytes_transferred?: number } };
}

/** A media object (§5.2). */
export interface InstagramMedia {
  id: string;
  permalink?: string;
  shortcode?: string;
  timestamp?: string;
  caption?: string;
}

/** Parameters of a Reels container (§3.1), already validated and serialized. */
export type ContainerParams = Record<string, string>;

/**
 * The wire protocol of the Instagram Platform content-publishing endpoints, on either host. Tokens go
 * in `Authorization: Bearer` (never in URLs, so they never reach a log); the usage headers of the
 * latest answer are kept in `lastUsage`.
 *
 * @example
 * ```ts
 * const client = new InstagramClient(config, clock, http);
 * const { id } = await client.createContainer('facebook', token, igUserId, { media_type: 'REELS', upload_type: 'resumable' });
 * ```
 */
export class InstagramClient {
  /** Usage reported by the latest Graph answer. */
  lastUsage: InstagramUsage = { maxPct: 0, regainMinutes: 0 };

  constructor(
    readonly config: InstagramConfig,
    private readonly now: () => number,
    private readonly http: HttpOptions = {},
  ) {}

  /** Base of a Graph host with the configured version. */
  graphBase(flavour: InstagramFlavour): string {
    const host = flavour === 'instagram' ? this.config.urls.graphInstagram : this.config.urls.graphFacebook;
    return `${host}/${this.config.graphVersion}`;
  }

  /** One Graph call; throws the classified PublishError on an error answer. */
  async call<T>(flavour: InstagramFlavour, token: string | undefined, method: 'GET' | 'POST', path: string, params: Record<string, string>, meta: { what: string; safe: boolean }): Promise<T> {
    const url = new URL(`${this.graphBase(flavour)}${path}`);
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    else {
      body = new URLSearchParams(params).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await httpRequest({ method, url: url.toString(), headers, body }, { platform: 'instagram', safe: meta.safe, what: `Instagram ${meta.what}` }, this.http);
    return this.#read<T>(res, meta.what);
  }

  #read<T>(res: HttpResponse, what: string, oauthEndpoint = false): T {
    this.lastUsage = parseUsage(res.headers);
    if (res.status >= 400) throw classifyInstagramError(res, what, this.now(), { oauthEndpoint, quotaRecheckMs: this.config.quotaRecheckMs });
    try {
      return parseJsonLossless<T>(res.text);
    } catch (cause) {
      throw new PublishError(`Instagram ${what}: unreadable answer (HTTP ${res.status})`, { platform: 'instagram', code: 'INSTAGRAM_BAD_RESPONSE', kind: 'retryable', status: res.status, cause });
    }
  }

  /** A request outside the versioned Graph base (OAuth endpoints), form POST or GET. */
  async raw<T>(method: 'GET' | 'POST', url: string, params: Record<string, string>, what: string, oauthEndpoint = false): Promise<T> {
    const u = new URL(url);
    let body: string | undefined;
    const headers: Record<string, string> = {};
    if (method === 'GET') for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    else {
      body = new URLSearchParams(params).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await httpRequest({ method, url: u.toString(), headers, body }, { platform: 'instagram', safe: true, what: `Instagram ${what}` }, this.http);
    return this.#read<T>(res, what, oauthEndpoint);
  }

  /** `POST /{ig-user-id}/media` (creates an invisible container; safe to repeat). */
  createContainer(flavour: InstagramFlavour, token: string, igUserId: string, params: ContainerParams): Promise<{ id: string; uri?: string }> {
    return this.call(flavour, token, 'POST', `/${igUserId}/media`, params, { what: 'create container', safe: true });
  }

  /** `GET /{container-id}?fields=id,status_code,status,video_status`. */
  getContainer(flavour: InstagramFlavour, token: string, containerId: string): Promise<ContainerStatus> {
    return this.call(flavour, token, 'GET', `/${containerId}`, { fields: 'id,status_code,status,video_status' }, { what: 'container status', safe: true });
  }

  /** `POST /{ig-user-id}/media_publish`: irreversible and not idempotent (§5.1). */
  publish(flavour: InstagramFlavour, token: string, igUserId: string, creationId: string): Promise<{ id: string }> {
    return this.call(flavour, token, 'POST', `/${igUserId}/media_publish`, { creation_id: creationId }, { what: 'media_publish', safe: false });
  }

  /** `GET /{ig-media-id}` with the permalink. (`media_product_type` is not asked: FB-only field.) */
  getMedia(flavour: InstagramFlavour, token: string, mediaId: string): Promise<InstagramMedia> {
    return this.call(flavour, token, 'GET', `/${mediaId}`, { fields: 'id,permalink,shortcode,timestamp,caption' }, { what: 'read media', safe: true });
  }

  /** `GET /{ig-user-id}/media`, newest first. */
  async listMedia(flavour: InstagramFlavour, token: string, igUserId: string, limit = 25): Promise<InstagramMedia[]> {
    const res = await this.call<{ data?: InstagramMedia[] }>(flavour, token, 'GET', `/${igUserId}/media`, { fields: 'id,timestamp,caption,permalink', limit: String(limit) }, { what: 'list media', safe: true });
    return res.data ?? [];
  }

  /** `GET /{ig-user-id}/content_publishing_limit?fields=config,quota_usage`. */
  async publishingLimit(flavour: InstagramFlavour, token: string, igUserId: string): Promise<{ usage: number; total: number | undefined; durationSec: number }> {
    const res = await this.call<{ data?: { quota_usage?: number; config?: { quota_total?: number; quota_duration?: number } }[] }>(
      flavour, token, 'GET', `/${igUserId}/content_publishing_limit`, { fields: 'config,quota_usage' }, { what: 'publishing limit', safe: true });
    const entry = res.data?.[0] ?? {};
    return { usage: Number(entry.quota_usage ?? 0), total: entry.config?.quota_total, durationSec: entry.config?.quota_duration ?? 86_400 };
  }
}
