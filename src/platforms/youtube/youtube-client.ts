import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Clock } from '../../core/clock.js';
import { isPublishError, PublishError } from '../../core/publish-error.js';
import type { Credentials, PublishContext } from '../../core/ports/platform-adapter.js';
import { httpRequest, type HttpOptions, type HttpResponse } from '../../http/http.js';
import type { YouTubeConfig } from './youtube-config.js';
import { classifyYouTubeError } from './youtube-errors.js';
import { refreshInputs, refreshYouTubeToken } from './youtube-oauth.js';

/** The slice of a `youtube#video` the adapter reads. */
export interface YouTubeVideo {
  id: string;
  snippet?: { title?: string; description?: string; channelId?: string; publishedAt?: string; tags?: string[] };
  status?: { uploadStatus?: string; privacyStatus?: string; failureReason?: string; rejectionReason?: string };
  processingDetails?: { processingStatus?: string; processingFailureReason?: string; processingProgress?: { partsTotal?: string; partsProcessed?: string; timeLeftMs?: string } };
}

/**
 * The access token of one step: refreshed when it expires within `refreshMarginMs` (saved through
 * `ctx.saveCredentials` before use), and refreshed once more when Google answers 401.
 *
 * @example
 * ```ts
 * const auth = new YouTubeAuth(ctx, config, http);
 * const video = await auth.call((token) => client.listVideo(token, id));
 * ```
 */
export class YouTubeAuth {
  #credentials: Credentials;

  constructor(
    private readonly ctx: Pick<PublishContext, 'account' | 'clock' | 'saveCredentials'>,
    private readonly config: Readonly<YouTubeConfig>,
    private readonly http: HttpOptions = {},
  ) {
    this.#credentials = ctx.account.credentials;
  }

  async token(): Promise<string> {
    const token = this.#credentials['accessToken'];
    const expiresAt = Number(this.#credentials['expiresAt'] ?? 0);
    if (typeof token === 'string' && token && expiresAt - this.ctx.clock.now() > this.config.refreshMarginMs) return token;
    return this.refresh();
  }

  async refresh(): Promise<string> {
    const tokens = await refreshYouTubeToken(this.config, refreshInputs(this.#credentials, this.config), this.ctx.clock, this.http);
    this.#credentials = { ...this.#credentials, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt, scope: tokens.scope || this.#credentials['scope'] };
    await this.ctx.saveCredentials(this.#credentials, tokens.expiresAt);
    return tokens.accessToken;
  }

  /** Runs `fn` with a token; on a 401 `authError` refreshes once and runs it again. */
  async call<T>(fn: (token: string) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.token());
    } catch (error) {
      if (!isPublishError(error) || error.code !== 'YOUTUBE_AUTH_ERROR') throw error;
      return fn(await this.refresh());
    }
  }
}

/**
 * The Data API calls besides the upload (wire protocol only; errors classified once).
 *
 * @example
 * ```ts
 * const client = new YouTubeClient(config, clock, http);
 * const video = await client.listVideo(token, 'Ks-_Mh1QhMc');
 * ```
 */
export class YouTubeClient {
  constructor(
    private readonly config: Readonly<YouTubeConfig>,
    private readonly clock: Clock,
    private readonly http: HttpOptions = {},
  ) {}

  /** `videos.list?part=status,processingDetails,snippet&id=…` (1 unit); undefined when not found. */
  async listVideo(token: string, id: string, signal?: AbortSignal): Promise<YouTubeVideo | undefined> {
    const url = `${this.config.apiBaseUrl}/youtube/v3/videos?part=status,processingDetails,snippet&id=${encodeURIComponent(id)}`;
    const res = await this.#json('GET', url, token, undefined, 'youtube videos.list', true, signal);
    return (JSON.parse(res.text) as { items?: YouTubeVideo[] }).items?.[0];
  }

  /** `videos.list?part=…&id=a,b,…` (1 unit, up to 50 ids). */
  async listVideos(token: string, ids: string[], parts: string[], signal?: AbortSignal): Promise<YouTubeVideo[]> {
    if (!ids.length) return [];
    const url = `${this.config.apiBaseUrl}/youtube/v3/videos?part=${encodeURIComponent(parts.join(','))}&id=${encodeURIComponent(ids.slice(0, 50).join(','))}`;
    const res = await this.#json('GET', url, token, undefined, 'youtube videos.list', true, signal);
    return (JSON.parse(res.text) as { items?: YouTubeVideo[] }).items ?? [];
  }

  /** The channel's uploads playlist (`channels.list?mine=true&part=contentDetails`, 1 unit). */
  async uploadsPlaylist(token: string, signal?: AbortSignal): Promise<string | undefined> {
    const url = `${this.config.apiBaseUrl}/youtube/v3/channels?part=contentDetails&mine=true`;
    const res = await this.#json('GET', url, token, undefined, 'youtube channels.list', true, signal);
    const items = (JSON.parse(res.text) as { items?: { contentDetails?: { relatedPlaylists?: { uploads?: string } } }[] }).items;
    return items?.[0]?.contentDetails?.relatedPlaylists?.uploads || undefined;
  }

  /** The newest items of a playlist, newest first for the uploads playlist (`playlistItems.list`, 1 unit). */
  async playlistVideos(token: string, playlistId: string, max: number, signal?: AbortSignal): Promise<{ videoId: string; publishedAt?: string }[]> {
    const url = `${this.config.apiBaseUrl}/youtube/v3/playlistItems?part=snippet&maxResults=${max}&playlistId=${encodeURIComponent(playlistId)}`;
    const res = await this.#json('GET', url, token, undefined, 'youtube playlistItems.list', true, signal);
    const items = (JSON.parse(res.text) as { items?: { snippet?: { publishedAt?: string; resourceId?: { videoId?: string } } }[] }).items ?? [];
    return items.flatMap((it) => (it.snippet?.resourceId?.videoId ? [{ videoId: it.snippet.resourceId.videoId, publishedAt: it.snippet.publishedAt }] : []));
  }

  /**
   * `channels.list?part=snippet&mine=true` (1 unit): the channel the token belongs to, which is the
   * account's identity (its id, and its handle from `customUrl`). Undefined when the Google account has
   * no channel.
   */
  async myChannel(token: string, signal?: AbortSignal): Promise<{ id: string; handle: string | undefined; title: string } | undefined> {
    const res = await this.#json('GET', `${this.config.apiBaseUrl}/youtube/v3/channels?part=snippet&mine=true`, token, undefined, 'youtube channels.list', true, signal);
    const item = (JSON.parse(res.text) as { items?: { id: string; snippet?: { title?: string; customUrl?: string } }[] }).items?.[0];
    if (!item) return undefined;
    const custom = item.snippet?.customUrl;
    return { id: item.id, handle: custom ? (custom.startsWith('@') ? custom : `@${custom}`) : undefined, title: item.snippet?.title ?? item.id };
  }

  /** `thumbnails.set` with the image streamed from disk (≤ 2 MB works under the old and new limits). */
  async setThumbnail(token: string, videoId: string, path: string, signal?: AbortSignal): Promise<void> {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      throw new PublishError(`youtube thumbnail file not found: ${path}`, { platform: 'youtube', code: 'YOUTUBE_THUMBNAIL_MISSING', kind: 'invalid', platformCode: 'thumbnailPath' });
    }
    const ext = extname(path).toLowerCase();
    const type = ext === '.png' ? 'image/png' : ext === '.jpg' || ext === '.jpeg' ? 'image/jpeg' : 'application/octet-stream';
    const url = `${this.config.uploadBaseUrl}/upload/youtube/v3/thumbnails/set?videoId=${encodeURIComponent(videoId)}&uploadType=media`;
    const res = await httpRequest(
      { method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': type, 'content-length': String(info.size) }, body: createReadStream(path), signal },
      { platform: 'youtube', safe: true, what: 'youtube thumbnails.set' },
      this.http,
    );
    if (res.status !== 200) throw this.#error(res, 'youtube thumbnails.set');
  }

  /** `playlistItems.insert` (50 units, not idempotent: the adapter records its intent first). */
  async insertPlaylistItem(token: string, playlistId: string, videoId: string, signal?: AbortSignal): Promise<string> {
    const body = { snippet: { playlistId, resourceId: { kind: 'youtube#video', videoId } } };
    const res = await this.#json('POST', `${this.config.apiBaseUrl}/youtube/v3/playlistItems?part=snippet`, token, body, 'youtube playlistItems.insert', false, signal);
    return (JSON.parse(res.text) as { id: string }).id;
  }

  /** The playlist item holding `videoId`, if any (1 unit): how an interrupted insert is reconciled. */
  async findPlaylistItem(token: string, playlistId: string, videoId: string, signal?: AbortSignal): Promise<string | undefined> {
    const url = `${this.config.apiBaseUrl}/youtube/v3/playlistItems?part=snippet&playlistId=${encodeURIComponent(playlistId)}&videoId=${encodeURIComponent(videoId)}`;
    const res = await this.#json('GET', url, token, undefined, 'youtube playlistItems.list', true, signal);
    return (JSON.parse(res.text) as { items?: { id: string }[] }).items?.[0]?.id;
  }

  /** `videos.update` (50 units): every writable property of each listed part is replaced. */
  async updateVideo(token: string, resource: Record<string, unknown> & { id: string }, parts: string[], signal?: AbortSignal): Promise<YouTubeVideo> {
    const url = `${this.config.apiBaseUrl}/youtube/v3/videos?part=${encodeURIComponent(parts.join(','))}`;
    const res = await this.#json('PUT', url, token, resource, 'youtube videos.update', true, signal);
    return JSON.parse(res.text) as YouTubeVideo;
  }

  async #json(method: 'GET' | 'POST' | 'PUT', url: string, token: string, body: unknown, what: string, safe: boolean, signal?: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json; charset=UTF-8';
    const res = await httpRequest({ method, url, headers, body: body === undefined ? undefined : JSON.stringify(body), signal }, { platform: 'youtube', safe, what }, this.http);
    if (res.status !== 200) throw this.#error(res, what);
    return res;
  }

  #error(res: HttpResponse, what: string): PublishError {
    return classifyYouTubeError(res.status, res.text, { what, now: this.clock.now(), retryAfter: res.headers['retry-after'] });
  }
}
