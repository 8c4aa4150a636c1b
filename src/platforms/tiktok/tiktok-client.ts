import type { Readable } from 'node:stream';
import { request } from 'undici';
import type { Clock } from '../../core/clock.js';
import { PublishError } from '../../core/publish-error.js';
import { describeNetworkError, httpRequest, parseJsonLossless, type HttpOptions } from '../../http/http.js';
import type { ChunkReader } from '../shared/chunk-reader.js';
import type { TikTokConfig } from './tiktok-config.js';
import { classifyTikTokError, type ClassifyContext } from './tiktok-errors.js';

/** creator_info/query data (§4.1). */
export interface TikTokCreatorInfo {
  creator_username: string;
  creator_nickname: string;
  creator_avatar_url?: string;
  privacy_level_options: string[];
  comment_disabled: boolean;
  duet_disabled: boolean;
  stitch_disabled: boolean;
  max_video_post_duration_sec: number;
}

/** `post_info` of Direct Post init, all nine fields sent explicitly (§5.1 client rule). */
export interface TikTokPostInfo {
  title: string;
  privacy_level: string;
  disable_duet: boolean;
  disable_comment: boolean;
  disable_stitch: boolean;
  video_cover_timestamp_ms: number;
  brand_content_toggle: boolean;
  brand_organic_toggle: boolean;
  is_aigc: boolean;
}

/** `source_info` of an init. */
export type TikTokSourceInfo =
  | { source: 'FILE_UPLOAD'; video_size: number; chunk_size: number; total_chunk_count: number }
  | { source: 'PULL_FROM_URL'; video_url: string };

/** status/fetch data, ids kept as strings (§9.4). */
export interface TikTokStatus {
  status: string;
  failReason?: string;
  postIds: string[];
  uploadedBytes?: number;
  downloadedBytes?: number;
}

/** The answer to one chunk PUT. */
export interface ChunkAnswer {
  status: number;
  /** The `Content-Range` progress header, raw (`bytes 0-N/TOTAL`). */
  progress: string | undefined;
}

interface Envelope<T> {
  data?: T;
  error?: { code?: string; message?: string; log_id?: string } | string;
}

/**
 * TikTok's Content Posting API v2 wire protocol: JSON calls in the `{data, error}` envelope (success
 * decided by `error.code`, not the HTTP status) and the chunk PUT streamed from disk.
 *
 * @example
 * ```ts
 * const client = new TikTokClient(config, clock);
 * const info = await client.creatorInfo(accessToken);
 * ```
 */
export class TikTokClient {
  constructor(
    readonly config: Readonly<TikTokConfig>,
    readonly clock: Clock,
    readonly http: HttpOptions = {},
  ) {}

  /** Classification context for this moment. */
  ctx(what: string): ClassifyContext {
    return { what, now: this.clock.now(), rateLimitDelayMs: this.config.rateLimitDelayMs, dailyCapDeferMs: this.config.dailyCapDeferMs };
  }

  /** POST /v2/post/publish/creator_info/query/ (HTTP 200 with a non-ok code means "can't post now"). */
  async creatorInfo(accessToken: string, signal?: AbortSignal): Promise<TikTokCreatorInfo> {
    return this.#call<TikTokCreatorInfo>('/v2/post/publish/creator_info/query/', accessToken, {}, 'TikTok creator_info', true, signal);
  }

  /** GET /v2/user/info/ with the basic fields (to show and check a connected account). */
  async userInfo(accessToken: string, signal?: AbortSignal): Promise<{ open_id: string; display_name: string; avatar_url?: string }> {
    const res = await httpRequest(
      { method: 'GET', url: `${this.config.apiBaseUrl}/v2/user/info/?fields=open_id,display_name,avatar_url`, headers: { authorization: `Bearer ${accessToken}` }, signal },
      { platform: 'tiktok', safe: true, what: 'TikTok user/info' },
      this.http,
    );
    return this.#read<{ user: { open_id: string; display_name: string; avatar_url?: string } }>(res, 'TikTok user/info').user;
  }

  /** POST /v2/post/publish/video/init/: the irreversible call of Direct Post. */
  async initDirect(accessToken: string, postInfo: TikTokPostInfo, sourceInfo: TikTokSourceInfo, signal?: AbortSignal): Promise<{ publishId: string; uploadUrl?: string }> {
    const data = await this.#call<{ publish_id: string; upload_url?: string }>('/v2/post/publish/video/init/', accessToken, { post_info: postInfo, source_info: sourceInfo }, 'TikTok video/init', false, signal);
    return { publishId: String(data.publish_id), uploadUrl: data.upload_url };
  }

  /** POST /v2/post/publish/inbox/video/init/ (draft upload; only source_info is documented). */
  async initInbox(accessToken: string, sourceInfo: TikTokSourceInfo, signal?: AbortSignal): Promise<{ publishId: string; uploadUrl?: string }> {
    const data = await this.#call<{ publish_id: string; upload_url?: string }>('/v2/post/publish/inbox/video/init/', accessToken, { source_info: sourceInfo }, 'TikTok inbox/video/init', false, signal);
    return { publishId: String(data.publish_id), uploadUrl: data.upload_url };
  }

  /** POST /v2/post/publish/status/fetch/, parsed losslessly (post ids beyond 2^53 stay exact strings). */
  async fetchStatus(accessToken: string, publishId: string, signal?: AbortSignal): Promise<TikTokStatus> {
    const data = await this.#call<{ status: string; fail_reason?: string; publicaly_available_post_id?: (string | number)[]; uploaded_bytes?: number; downloaded_bytes?: number }>(
      '/v2/post/publish/status/fetch/',
      accessToken,
      { publish_id: publishId },
      'TikTok status/fetch',
      true,
      signal,
    );
    return {
      status: String(data.status),
      failReason: data.fail_reason,
      postIds: (data.publicaly_available_post_id ?? []).map((id) => String(id)),
      uploadedBytes: data.uploaded_bytes,
      downloadedBytes: data.downloaded_bytes,
    };
  }

  /**
   * PUTs bytes `first..last` of the file to the upload URL, streamed from disk with `undici.request`
   * (never the whole chunk in memory). Network errors are `retryable` (the progress header tells what landed).
   */
  async putChunk(uploadUrl: string, file: ChunkReader, first: number, last: number, total: number, contentType: string, signal?: AbortSignal): Promise<ChunkAnswer> {
    try {
      const res = await request(uploadUrl, {
        method: 'PUT',
        headers: {
          'user-agent': this.http.userAgent ?? 'clipcast',
          'content-type': contentType,
          'content-length': String(last - first + 1),
          'content-range': `bytes ${first}-${last}/${total}`,
        },
        // undici accepts async iterables as request bodies (documented; its typings list only Readable):
        // a generator keeps undici pulling one piece at a time, which ChunkReader's buffer reuse relies on.
        body: file.range(first, last) as unknown as Readable,
        signal,
        dispatcher: this.http.dispatcher,
        headersTimeout: this.http.timeoutMs ?? 120_000,
        bodyTimeout: this.http.timeoutMs ?? 120_000,
      });
      await res.body.dump();
      const range = res.headers['content-range'];
      return { status: res.statusCode, progress: Array.isArray(range) ? range[0] : range };
    } catch (cause) {
      if (signal?.aborted) throw cause;
      // Never put the URL in the message: its query carries the upload token.
      throw new PublishError(`TikTok chunk upload (bytes ${first}-${last}): network error (${describeNetworkError(cause)})`, {
        platform: 'tiktok',
        code: 'TIKTOK_NETWORK',
        kind: 'retryable',
        cause,
      });
    }
  }

  async #call<T>(path: string, accessToken: string, body: unknown, what: string, safe: boolean, signal?: AbortSignal): Promise<T> {
    const res = await httpRequest(
      {
        method: 'POST',
        url: `${this.config.apiBaseUrl}${path}`,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify(body),
        signal,
      },
      { platform: 'tiktok', safe, what },
      this.http,
    );
    return this.#read<T>(res, what);
  }

  #read<T>(res: { status: number; headers: Record<string, string>; text: string }, what: string): T {
    let parsed: Envelope<T> | undefined;
    try {
      parsed = parseJsonLossless<Envelope<T>>(res.text);
    } catch {
      parsed = undefined;
    }
    const error = typeof parsed?.error === 'object' ? parsed.error : undefined;
    if (res.status >= 200 && res.status < 300 && error?.code === 'ok' && parsed?.data) return parsed.data;
    throw classifyTikTokError(
      { status: res.status, code: error?.code, message: error?.message, logId: error?.log_id ?? res.headers['x-tt-logid'], retryAfter: res.headers['retry-after'], raw: parsed ?? res.text },
      this.ctx(what),
    );
  }
}
