import { randomBytes } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from '../emulator-server.js';
import { googleError, MESSAGES } from './youtube-envelope.js';
import { ASSIGNABLE_CATEGORIES, UNASSIGNABLE_CATEGORIES, validateVideoMetadata, type VideoWritable } from './youtube-metadata-rules.js';
import { renderVideo, VALID_PARTS } from './youtube-video-render.js';
import { authorize, isDenied, readJson, type YouTubeWorld } from './youtube-world.js';

const LIMIT_2MB = 2 * 1024 * 1024;
const LIMIT_50MB = 50 * 1024 * 1024;
const FIFTY_MB_SINCE = Date.UTC(2026, 8, 14);

/**
 * The Data API routes besides the upload: `videos.list`, `videos.update`, `thumbnails.set`,
 * `playlistItems.insert|list`, `videoCategories.list`, and the public watch/Shorts pages.
 *
 * @example
 * ```ts
 * registerDataRoutes(server, world);
 * ```
 */
export function registerDataRoutes(server: EmulatorServer, world: YouTubeWorld): void {
  server.route('GET', '/youtube/v3/videos', (req) => listVideos(world, req));
  server.route('PUT', '/youtube/v3/videos', (req) => updateVideo(world, req));
  server.route('POST', '/upload/youtube/v3/thumbnails/set', (req) => setThumbnail(world, req));
  server.route('POST', '/youtube/v3/playlistItems', (req) => insertPlaylistItem(world, req));
  server.route('GET', '/youtube/v3/playlistItems', (req) => listPlaylistItems(world, req));
  server.route('GET', '/youtube/v3/videoCategories', (req) => listCategories(world, req));
  server.route('GET', '/youtube/v3/channels', (req) => listChannels(world, req));
  server.route('GET', '/watch', (req) => watchPage(world, req.url.searchParams.get('v') ?? ''));
  server.route('GET', '/shorts/:id', (req) => watchPage(world, req.params['id'] ?? ''));
}

function partsOf(req: EmulatorRequest): string[] | EmulatorResponse {
  const parts = (req.url.searchParams.get('part') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return googleError(400, 'required', 'Required parameter: part', { location: 'part', locationType: 'parameter' });
  const unknown = parts.find((p) => !VALID_PARTS.includes(p));
  if (unknown) return googleError(400, 'unknownPart', unknown, { location: 'part', locationType: 'parameter' });
  return parts;
}

function listVideos(world: YouTubeWorld, req: EmulatorRequest): EmulatorResponse {
  const auth = authorize(world, req, 'videos.list');
  if (isDenied(auth)) return auth;
  const parts = partsOf(req);
  if (!Array.isArray(parts)) return parts;
  // Exactly one filter (id, chart, myRating), as Google requires.
  const q = req.url.searchParams;
  const filters = ['id', 'chart', 'myRating'].filter((f) => q.has(f));
  if (filters.length === 0) return googleError(400, 'missingRequiredParameter', 'No filter selected. Expected one of: myRating, id, chart', { domain: 'youtube.parameter', location: 'parameters.', locationType: 'other' });
  if (filters.length > 1) return googleError(400, 'incompatibleParameters', `Incompatible parameters specified in the request: ${filters.join(', ')}`, { domain: 'youtube.parameter', location: 'parameters.', locationType: 'other' });
  if (!q.has('id')) return { status: 200, body: { kind: 'youtube#videoListResponse', etag: randomBytes(9).toString('base64url'), items: [], pageInfo: { totalResults: 0, resultsPerPage: 0 } } };
  const ids = (q.get('id') ?? '').split(',').filter(Boolean);
  if (ids.length > 50) return googleError(400, 'invalidParameter', 'Too many ids (max 50).');
  const items = ids
    .map((id) => world.videos.get(id))
    .filter((v) => v !== undefined && !v.deleted)
    .map((v) => renderVideo(world, v!, parts, v!.channelId === auth.channelId));
  return {
    status: 200,
    body: { kind: 'youtube#videoListResponse', etag: randomBytes(9).toString('base64url'), items, pageInfo: { totalResults: items.length, resultsPerPage: items.length } },
  };
}

async function updateVideo(world: YouTubeWorld, req: EmulatorRequest): Promise<EmulatorResponse> {
  const auth = authorize(world, req, 'videos.update');
  if (isDenied(auth)) return auth;
  const parts = partsOf(req);
  if (!Array.isArray(parts)) return parts;
  const parsed = await readJson<VideoWritable & { id?: string }>(req);
  if ('error' in parsed) return parsed.error;
  const body = parsed.body;
  if (typeof body !== 'object' || body === null) return googleError(400, 'invalidVideoMetadata', 'The request metadata must be a video resource.', { domain: 'youtube.video' });
  const video = body.id ? world.videos.get(body.id) : undefined;
  if (!video || video.deleted) return googleError(404, 'videoNotFound', MESSAGES.videoNotFound, { domain: 'youtube.video' });
  if (video.channelId !== auth.channelId) return googleError(403, 'forbidden', 'The video cannot be updated by this user.', { domain: 'youtube.video' });
  if (parts.includes('snippet') && (body.snippet?.categoryId === undefined || body.snippet?.title === undefined)) {
    return googleError(400, 'invalidVideoMetadata', 'snippet.title and snippet.categoryId are required when updating snippet.', { domain: 'youtube.video' });
  }
  const invalid = validateVideoMetadata(parts.includes('snippet') ? body : { status: body.status }, parts.includes('snippet'));
  if (invalid) return invalid;
  // Replace-whole-part semantics: writable properties left out are cleared or reset.
  if (parts.includes('snippet')) {
    const s = body.snippet!;
    const keep = { publishedAt: video.snippet['publishedAt'], channelId: video.channelId, channelTitle: video.snippet['channelTitle'], liveBroadcastContent: 'none' };
    video.snippet = { ...keep, title: s.title, description: s.description ?? '', categoryId: String(s.categoryId), ...(Array.isArray(s.tags) ? { tags: s.tags } : {}) };
  }
  if (parts.includes('status')) {
    const st = body.status ?? {};
    const privacy = world.knobs.audited ? String(st.privacyStatus ?? 'public') : 'private';
    video.status = {
      privacyStatus: privacy,
      ...(st.publishAt !== undefined ? { publishAt: st.publishAt } : {}),
      license: st.license ?? 'youtube',
      embeddable: st.embeddable ?? true,
      publicStatsViewable: st.publicStatsViewable ?? true,
      madeForKids: st.selfDeclaredMadeForKids ?? video.status['madeForKids'] ?? false,
      selfDeclaredMadeForKids: st.selfDeclaredMadeForKids ?? video.status['selfDeclaredMadeForKids'] ?? false,
      containsSyntheticMedia: st.containsSyntheticMedia ?? false,
    };
  }
  return { status: 200, body: renderVideo(world, video, parts, true) };
}

async function setThumbnail(world: YouTubeWorld, req: EmulatorRequest): Promise<EmulatorResponse> {
  const auth = authorize(world, req, 'thumbnails.set');
  if (isDenied(auth)) {
    req.raw.resume();
    return auth;
  }
  const video = world.videos.get(req.url.searchParams.get('videoId') ?? '');
  if (!video || video.deleted) {
    req.raw.resume();
    return googleError(404, 'videoNotFound', MESSAGES.videoNotFound, { domain: 'youtube.video' });
  }
  const channel = world.channels.get(auth.channelId);
  if (video.channelId !== auth.channelId || !channel?.verified) {
    req.raw.resume();
    return googleError(403, 'forbidden', 'The authenticated user does not have permissions to upload and set custom video thumbnails.', { domain: 'youtube.thumbnail' });
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (!['image/jpeg', 'image/png', 'application/octet-stream'].includes(type)) {
    req.raw.resume();
    return googleError(400, 'invalidImage', 'The provided image content is invalid.', { domain: 'youtube.thumbnail' });
  }
  const max = world.knobs.thumbnailMaxBytes ?? (world.clock.now() >= FIFTY_MB_SINCE ? LIMIT_50MB : LIMIT_2MB);
  let image: Buffer;
  try {
    image = await req.body(max);
  } catch {
    return googleError(400, 'mediaBodyTooLarge', `The thumbnail is larger than ${max} bytes.`, { domain: 'youtube.thumbnail' });
  }
  if (image.length === 0) return googleError(400, 'mediaBodyRequired', 'The request does not include the image content.');
  const jpeg = image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff;
  const png = image.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  if (!jpeg && !png) return googleError(400, 'invalidImage', 'The provided image content is invalid.', { domain: 'youtube.thumbnail' });
  video.hasCustomThumbnail = true;
  const url = (k: string) => `${world.baseUrl()}/vi/${video.id}/${k}.jpg`;
  return {
    status: 200,
    body: {
      kind: 'youtube#thumbnailSetResponse',
      etag: randomBytes(9).toString('base64url'),
      items: [{ default: { url: url('default'), width: 120, height: 90 }, medium: { url: url('mqdefault'), width: 320, height: 180 }, high: { url: url('hqdefault'), width: 480, height: 360 } }],
    },
  };
}

async function insertPlaylistItem(world: YouTubeWorld, req: EmulatorRequest): Promise<EmulatorResponse> {
  const auth = authorize(world, req, 'playlistItems.insert');
  if (isDenied(auth)) return auth;
  const parts = partsOf(req);
  if (!Array.isArray(parts)) return parts;
  const parsed = await readJson<{ snippet?: { playlistId?: string; position?: number; resourceId?: { kind?: string; videoId?: string } } }>(req);
  if ('error' in parsed) return parsed.error;
  const s = parsed.body.snippet;
  const playlist = world.playlists.get(s?.playlistId ?? '');
  if (!playlist) return googleError(404, 'playlistNotFound', 'The playlist could not be found.', { domain: 'youtube.playlistItem' });
  if (playlist.channelId !== auth.channelId) return googleError(403, 'playlistItemsNotAccessible', 'The request is not properly authorized.', { domain: 'youtube.playlistItem' });
  const video = world.videos.get(s?.resourceId?.videoId ?? '');
  if (s?.resourceId?.kind !== 'youtube#video' || !video || video.deleted) return googleError(404, 'videoNotFound', MESSAGES.videoNotFound, { domain: 'youtube.playlistItem' });
  const position = s.position ?? playlist.items.length;
  if (!Number.isInteger(position) || position < 0 || position > playlist.items.length) {
    return googleError(400, 'invalidPlaylistItemPosition', 'The request attempts to set an invalid playlist item position.', { domain: 'youtube.playlistItem' });
  }
  const item = { id: randomBytes(24).toString('base64url'), videoId: video.id, position };
  playlist.items.splice(position, 0, item);
  playlist.items.forEach((it, i) => (it.position = i));
  return { status: 200, body: playlistItemResource(world, playlist.id, item, video.snippet) };
}

/** The id of a channel's uploads playlist (`UC…` → `UU…`); its items are the channel's videos, newest first. */
function uploadsPlaylistId(channelId: string): string {
  return `UU${channelId.slice(2)}`;
}

function listChannels(world: YouTubeWorld, req: EmulatorRequest): EmulatorResponse {
  const auth = authorize(world, req, 'channels.list');
  if (isDenied(auth)) return auth;
  const parts = (req.url.searchParams.get('part') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return googleError(400, 'required', 'Required parameter: part', { location: 'part', locationType: 'parameter' });
  const unknown = parts.find((p) => !['id', 'snippet', 'contentDetails', 'statistics', 'status', 'brandingSettings', 'topicDetails', 'localizations', 'contentOwnerDetails'].includes(p));
  if (unknown) return googleError(400, 'unknownPart', unknown, { location: 'part', locationType: 'parameter' });
  const q = req.url.searchParams;
  const filters = ['id', 'mine', 'forHandle', 'forUsername', 'managedByMe', 'categoryId'].filter((f) => q.has(f));
  if (filters.length !== 1) return googleError(400, filters.length ? 'incompatibleParameters' : 'missingRequiredParameter', 'Exactly one filter is required: id, mine, forHandle, forUsername or managedByMe', { domain: 'youtube.parameter' });
  const wanted = q.get('mine') === 'true' ? [auth.channelId] : q.has('id') ? (q.get('id') ?? '').split(',') : [];
  const items = wanted
    .map((id) => world.channels.get(id))
    .filter((c) => c !== undefined && c.hasChannel)
    .map((c) => ({
      kind: 'youtube#channel',
      etag: randomBytes(9).toString('base64url'),
      id: c!.id,
      // YouTube answers the handle in lower case.
      ...(parts.includes('snippet') ? { snippet: { title: c!.title, description: '', customUrl: c!.handle.toLowerCase(), publishedAt: '2020-01-01T00:00:00Z' } } : {}),
      ...(parts.includes('contentDetails') ? { contentDetails: { relatedPlaylists: { likes: '', uploads: uploadsPlaylistId(c!.id) } } } : {}),
    }));
  return { status: 200, body: { kind: 'youtube#channelListResponse', items, pageInfo: { totalResults: items.length, resultsPerPage: 5 } } };
}

/** The uploads playlist: the channel's videos (deleted ones gone), newest first, `maxResults` ≤ 50. */
function listUploads(world: YouTubeWorld, req: EmulatorRequest, channelId: string, owner: boolean): EmulatorResponse {
  const max = Number(req.url.searchParams.get('maxResults') ?? 5);
  if (!Number.isInteger(max) || max < 0 || max > 50) return googleError(400, 'invalidParameter', 'maxResults must be 0 to 50.', { location: 'maxResults', locationType: 'parameter' });
  // Others see public videos only; the owner sees private and unlisted ones too.
  const videos = [...world.videos.values()]
    .filter((v) => v.channelId === channelId && !v.deleted && (owner || v.status['privacyStatus'] === 'public'))
    .sort((a, b) => b.createdAt - a.createdAt);
  const playlistId = uploadsPlaylistId(channelId);
  const items = videos.slice(0, max).map((v, i) => ({
    kind: 'youtube#playlistItem',
    etag: randomBytes(9).toString('base64url'),
    id: randomBytes(12).toString('base64url'),
    snippet: {
      publishedAt: v.snippet['publishedAt'],
      channelId,
      title: v.snippet['title'],
      description: v.snippet['description'],
      channelTitle: v.snippet['channelTitle'],
      playlistId,
      position: i,
      resourceId: { kind: 'youtube#video', videoId: v.id },
    },
    contentDetails: { videoId: v.id, videoPublishedAt: v.snippet['publishedAt'] },
  }));
  return { status: 200, body: { kind: 'youtube#playlistItemListResponse', items, pageInfo: { totalResults: videos.length, resultsPerPage: max } } };
}

function listPlaylistItems(world: YouTubeWorld, req: EmulatorRequest): EmulatorResponse {
  const auth = authorize(world, req, 'playlistItems.list');
  if (isDenied(auth)) return auth;
  const requested = req.url.searchParams.get('playlistId') ?? '';
  const owner = [...world.channels.keys()].find((c) => uploadsPlaylistId(c) === requested);
  if (owner) return listUploads(world, req, owner, owner === auth.channelId);
  const playlist = world.playlists.get(req.url.searchParams.get('playlistId') ?? '');
  if (!playlist) return googleError(404, 'playlistNotFound', 'The playlist could not be found.', { domain: 'youtube.playlistItem' });
  const videoId = req.url.searchParams.get('videoId');
  const items = playlist.items
    .filter((it) => !videoId || it.videoId === videoId)
    .map((it) => playlistItemResource(world, playlist.id, it, world.videos.get(it.videoId)?.snippet ?? {}));
  return { status: 200, body: { kind: 'youtube#playlistItemListResponse', items, pageInfo: { totalResults: items.length, resultsPerPage: 50 } } };
}

function playlistItemResource(world: YouTubeWorld, playlistId: string, item: { id: string; videoId: string; position: number }, snippet: Record<string, unknown>): Record<string, unknown> {
  const channelId = world.playlists.get(playlistId)!.channelId;
  return {
    kind: 'youtube#playlistItem',
    etag: randomBytes(9).toString('base64url'),
    id: item.id,
    snippet: {
      publishedAt: new Date(world.clock.now()).toISOString(),
      channelId,
      title: snippet['title'],
      description: snippet['description'],
      channelTitle: world.channels.get(channelId)?.title,
      playlistId,
      position: item.position,
      resourceId: { kind: 'youtube#video', videoId: item.videoId },
    },
  };
}

function listCategories(world: YouTubeWorld, req: EmulatorRequest): EmulatorResponse {
  const auth = authorize(world, req, 'videoCategories.list');
  if (isDenied(auth)) return auth;
  const all = [...Object.entries(ASSIGNABLE_CATEGORIES).map(([id, title]) => ({ id, title, assignable: true })), ...Object.entries(UNASSIGNABLE_CATEGORIES).map(([id, title]) => ({ id, title, assignable: false }))];
  const items = all.map((c) => ({ kind: 'youtube#videoCategory', etag: c.id, id: c.id, snippet: { title: c.title, assignable: c.assignable, channelId: 'UCBR8-60-B28hp2BmDPdntcQ' } }));
  return { status: 200, body: { kind: 'youtube#videoCategoryListResponse', items } };
}

function watchPage(world: YouTubeWorld, id: string): EmulatorResponse {
  const video = world.videos.get(id);
  if (!video || video.deleted) return { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><title>Video unavailable</title><p>Video unavailable</p>' };
  const esc = (s: unknown) => String(s ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><meta charset="utf-8"><title>${esc(video.snippet['title'])} - YouTube (sandbox)</title><h1>${esc(video.snippet['title'])}</h1><p>${esc(video.snippet['description'])}</p><p>privacy: ${esc(video.status['privacyStatus'])}; sha256: ${video.sha256}</p>`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
}
