import { createHash, randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { EmulatorResponse } from '../emulator-server.js';
import { pick } from './instagram-emulator-auth.js';
import { graphError } from './instagram-emulator-graph.js';
import { HOST_PREFIX, type GraphCall, type RouteDeps } from './instagram-emulator-knobs.js';
import type { EmulatedContainer } from './instagram-emulator-state.js';
import { registerRupload } from './instagram-emulator-rupload.js';
import { Mp4Probe } from './instagram-emulator-mp4.js';

const DAY = 86_400_000;
const STATUS_TEXT: Record<string, string> = {
  IN_PROGRESS: 'In Progress: Media is still being processed.',
  FINISHED: 'Finished: Media has been uploaded and it is ready to be published.',
  PUBLISHED: 'Published: Media has been successfully published.',
  EXPIRED: 'Expired: The container was not published within 24 hours.',
};

/** Graph timestamp format: `2019-09-26T22:36:43+0000`. */
export function graphTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function codePoints(s: string): number {
  return [...s].length;
}

function jsonParam(params: URLSearchParams, name: string): unknown {
  const raw = params.get(name);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw graphError(400, 100, `Param ${name} must be a JSON-encoded value`);
  }
}

/** Validates the Reels container parameters (§3.1); returns an error response or undefined. */
function validateContainer(call: GraphCall, resumable: boolean, deps: RouteDeps): EmulatorResponse | undefined {
  const p = call.params;
  const mediaType = p.get('media_type');
  if (!mediaType) return graphError(400, 100, 'The parameter media_type is required');
  if (mediaType !== 'REELS') return graphError(400, 100, `The media type ${mediaType} is not supported by this emulator or for single videos`, 2207023);
  if (p.has('upload_type') && p.get('upload_type') !== 'resumable') return graphError(400, 100, 'Param upload_type must be resumable');
  if (resumable && call.flavour === 'ig' && !deps.knobs.igLoginResumable) {
    // Correction 3: resumable upload is documented for Facebook Login apps only.
    return graphError(400, 100, 'Resumable upload is not supported for Instagram Login apps; use video_url');
  }
  if (!resumable) {
    const url = p.get('video_url');
    if (!url) return graphError(400, 100, 'The parameter video_url is required');
    if (!/^https?:\/\/[\x21-\x7e]+$/.test(url)) return graphError(400, 9004, 'Only photo or video can be accepted as media type.', 2207052);
  }
  // `alt_text` is for images only; reels and stories do not take it (§3.1). The code is a choice: 100.
  if (p.has('alt_text')) return graphError(400, 100, 'Param alt_text is not supported for media_type REELS (images only)');
  const caption = p.get('caption') ?? '';
  if (codePoints(caption) > 2200) return graphError(400, 36004, 'The caption is too long', 2207010);
  if ((caption.match(/(^|\s)@[\w.]+/g) ?? []).length > 20) return graphError(400, 100, 'More than 20 @tags', 2207040);
  // The error for more than 30 hashtags is unconfirmed; the emulator answers 100 (choice).
  if ((caption.match(/#[^\s#]+/g) ?? []).length > 30) return graphError(400, 100, 'Captions can contain at most 30 hashtags');
  const share = p.get('share_to_feed');
  if (share !== null && share !== 'true' && share !== 'false') return graphError(400, 100, 'Param share_to_feed must be a boolean');
  const offset = p.get('thumb_offset');
  if (offset !== null && !/^\d+$/.test(offset)) return graphError(400, 1, 'The thumb_offset is outside the video duration', 2207057);
  const cover = p.get('cover_url');
  if (cover !== null && !/^https?:\/\/[\x21-\x7e]+$/.test(cover)) return graphError(400, 100, 'Param cover_url must be a URL');
  const location = p.get('location_id');
  if (location !== null && !/^\d+$/.test(location)) return graphError(400, 100, 'INSTAGRAM_PLATFORM_API__INVALID_LOCATION_ID');
  try {
    const collaborators = jsonParam(p, 'collaborators');
    if (collaborators !== undefined) {
      if (!Array.isArray(collaborators) || collaborators.length > 3 || !collaborators.every((c) => typeof c === 'string')) return graphError(400, 100, 'Param collaborators must be an array of at most 3 usernames');
      if (collaborators.some((c) => (c as string).startsWith('@'))) return graphError(400, 100, 'Collaborator could not be tagged', 2207018);
    }
    const tags = jsonParam(p, 'user_tags');
    if (tags !== undefined && (!Array.isArray(tags) || !tags.every((t) => typeof (t as { username?: unknown })?.username === 'string'))) {
      return graphError(400, 100, 'Param user_tags must be an array of {"username":…}');
    }
    const trial = jsonParam(p, 'trial_params') as { graduation_strategy?: unknown } | undefined;
    if (trial !== undefined && !['MANUAL', 'SS_PERFORMANCE'].includes(String(trial?.graduation_strategy))) {
      return graphError(400, 100, 'Param trial_params.graduation_strategy must be MANUAL or SS_PERFORMANCE');
    }
  } catch (error) {
    return error as EmulatorResponse;
  }
  return undefined;
}

/**
 * Downloads `url` as Meta's fetcher does (undici, a Range request), hashing while streaming; the
 * container fails with the observed subcodes on a bad host.
 */
export async function fetchInto(deps: RouteDeps, c: EmulatedContainer, url: string): Promise<void> {
  const hash = createHash('sha256');
  const probe = deps.knobs.checkMp4 ? new Mp4Probe() : undefined;
  let bytes = 0;
  try {
    const res = await request(url, { method: 'GET', headers: { range: 'bytes=0-', 'user-agent': 'facebookexternalhit/1.1' } });
    if (res.statusCode >= 400 || (res.statusCode !== 206 && res.statusCode !== 200)) {
      await res.body.dump();
      return deps.state.failContainer(c, 2207052);
    }
    if (res.statusCode !== 206 && deps.knobs.requireRange) {
      await res.body.dump();
      return deps.state.failContainer(c, 2207077);
    }
    for await (const chunk of res.body) {
      bytes += (chunk as Buffer).length;
      if (deps.knobs.limits && bytes > deps.knobs.maxVideoBytes) {
        res.body.destroy();
        return deps.state.failContainer(c, 2207026);
      }
      hash.update(chunk as Buffer);
      probe?.push(chunk as Buffer);
    }
    c.bytes = bytes;
    c.fileSize = bytes;
    c.hash = hash;
    c.probe = probe;
    deps.state.completeUpload(c);
  } catch {
    deps.state.failContainer(c, 2207052);
  }
}

/** Registers containers, status, publish, read-back, limits and permalink pages. */
export function registerMediaRoutes(deps: RouteDeps): void {
  const { state, knobs } = deps;

  deps.graph('POST', '/:id/media', (call) => {
    const resumable = call.params.get('upload_type') === 'resumable';
    const invalid = validateContainer(call, resumable, deps);
    if (invalid) return invalid;
    const created = state.window(state.creationTimes, call.account.key);
    // 400 containers per rolling 24 h (doc); the error for exceeding it is unconfirmed: code 4 (choice).
    if (knobs.limits && created.length >= 400) return graphError(400, 4, 'Application request limit reached: at most 400 containers per 24 hours');
    created.push(state.clock.now());
    const c: EmulatedContainer = {
      id: state.nextId('1788'),
      accountKey: call.account.key,
      flavour: call.flavour,
      mode: resumable ? 'resumable' : 'url',
      createdAt: state.clock.now(),
      params: Object.fromEntries([...call.params].filter(([k]) => k !== 'access_token')),
      bytes: 0,
      fileSize: undefined,
      hash: resumable ? createHash('sha256') : undefined,
      probe: resumable && knobs.checkMp4 ? new Mp4Probe() : undefined,
      sha256: undefined,
      uploadComplete: false,
      readyAt: undefined,
      errorSubcode: knobs.failNextContainerSubcode,
      publishedMediaId: undefined,
    };
    knobs.failNextContainerSubcode = undefined;
    state.containers.set(c.id, c);
    if (resumable) {
      return { status: 200, body: { id: c.id, uri: `${deps.baseUrl()}${HOST_PREFIX.rupload}/ig-api-upload/${call.version}/${c.id}` } };
    }
    deps.track(fetchInto(deps, c, call.params.get('video_url')!));
    return { status: 200, body: { id: c.id } };
  });

  deps.graph('POST', '/:id/media_publish', (call) => {
    const creationId = call.params.get('creation_id');
    if (!creationId) return graphError(400, 100, 'The parameter creation_id is required');
    const c = state.containers.get(creationId);
    if (!c || c.accountKey !== call.account.key) return graphError(400, 24, 'The media builder with creation id does not exist or has expired', 2207008);
    const status = state.statusOf(c);
    // Publishing a PUBLISHED container: the code is unconfirmed (§5.1); the emulator answers 100 (choice).
    if (status === 'PUBLISHED') return graphError(400, 100, 'The media has already been published');
    if (status === 'EXPIRED') return graphError(400, 24, 'The media builder with creation id does not exist or has expired', 2207008);
    if (status !== 'FINISHED') {
      return graphError(400, 9007, 'Media ID is not available', 2207027, { error_user_title: 'Media Not Ready For Publishing', error_user_msg: 'The media is not ready for publishing, please wait for a moment' });
    }
    const published = state.window(state.publishTimes, call.account.key);
    if (knobs.limits && published.length >= knobs.quotaTotal) {
      return graphError(400, 9, 'You reached maximum number of posts that is allowed to be published by Content Publishing API.', 2207042);
    }
    published.push(state.clock.now());
    const shortcode = randomBytes(8).toString('base64url').slice(0, 11);
    const id = state.nextId('1791');
    state.media.set(id, {
      id,
      containerId: c.id,
      accountKey: c.accountKey,
      caption: c.params.caption ?? '',
      shortcode,
      permalink: `${deps.baseUrl()}${HOST_PREFIX.wwwIg}/reel/${shortcode}/`,
      sha256: c.sha256 ?? '',
      publishedAt: state.clock.now(),
      shareToFeed: c.params.share_to_feed !== 'false',
    });
    c.publishedMediaId = id;
    return { status: 200, body: { id } };
  });

  deps.graph('GET', '/:id/content_publishing_limit', (call) => {
    const fields = call.params.get('fields')?.split(',');
    const since = Number(call.params.get('since') ?? 0) * 1000;
    const usage = state.window(state.publishTimes, call.account.key).filter((t) => t >= since).length;
    const entry: Record<string, unknown> = {};
    if (!fields || fields.includes('quota_usage')) entry.quota_usage = usage;
    if (fields?.includes('config')) entry.config = { quota_total: knobs.quotaTotal, quota_duration: 86400 };
    return { status: 200, body: { data: [entry] } };
  });

  deps.graph('GET', '/:id/media', (call) => {
    const fields = (call.params.get('fields') ?? 'id').split(',');
    const limit = Math.min(Number(call.params.get('limit') ?? 25) || 25, 100);
    const items = [...state.media.values()]
      .filter((m) => m.accountKey === call.account.key)
      .sort((a, b) => b.publishedAt - a.publishedAt)
      .slice(0, limit)
      .map((m) => pick(mediaFields(m, call), fields));
    return { status: 200, body: { data: items, paging: { cursors: { before: 'QVFIU', after: 'QVFIU' } } } };
  });

  // GET /{id}: a container, a media object, or (FB) a Page.
  deps.graph('GET', '/:id', (call) => {
    const id = call.req.params.id!;
    const fields = (call.params.get('fields') ?? 'id').split(',');
    const c = state.containers.get(id);
    if (c && c.accountKey === call.account.key) {
      const status = state.statusOf(c);
      const all: Record<string, unknown> = {
        id: c.id,
        status_code: status,
        status: status === 'ERROR' ? `Error: Media upload has failed with error code ${c.errorSubcode}` : STATUS_TEXT[status],
        video_status: {
          uploading_phase: { status: c.uploadComplete ? 'complete' : c.bytes > 0 ? 'in_progress' : 'not_started', bytes_transferred: c.bytes },
          processing_phase: { status: status === 'IN_PROGRESS' ? (c.uploadComplete ? 'in_progress' : 'not_started') : status === 'ERROR' ? 'error' : 'complete' },
        },
        copyright_check_status: { status: status === 'IN_PROGRESS' ? 'in_progress' : 'completed', matches_found: false },
      };
      return { status: 200, body: pick(all, fields) };
    }
    const m = state.media.get(id);
    if (m && m.accountKey === call.account.key) {
      if (call.flavour === 'ig' && fields.includes('media_product_type')) {
        // Correction 5: a Facebook Login field only.
        return graphError(400, 100, 'Tried accessing nonexisting field (media_product_type) on node type (Media)');
      }
      return { status: 200, body: pick(mediaFields(m, call), fields) };
    }
    if (call.flavour === 'fb' && id === call.account.pageId) {
      return { status: 200, body: pick({ id, name: `${call.account.username} Page`, instagram_business_account: { id: call.account.igUserId } }, fields) };
    }
    return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33);
  });

  deps.server.route('GET', `${HOST_PREFIX.wwwIg}/reel/:shortcode/`, (req) => {
    const m = [...state.media.values()].find((x) => x.shortcode === req.params.shortcode);
    if (!m) return { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>Sorry, this page isn\'t available.</h1>' };
    const account = state.accounts.get(m.accountKey);
    const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><title>@${esc(account?.username ?? '')} reel</title><h1>Reel ${esc(m.shortcode)}</h1><p>${esc(m.caption)}</p><p>sha256 ${m.sha256}</p>` };
  });

  registerRupload(deps);
}

function mediaFields(m: { id: string; caption: string; shortcode: string; permalink: string; publishedAt: number; shareToFeed: boolean; accountKey: string }, call: GraphCall): Record<string, unknown> {
  return {
    id: m.id,
    caption: m.caption,
    permalink: m.permalink,
    shortcode: m.shortcode,
    timestamp: graphTimestamp(m.publishedAt),
    media_type: 'VIDEO',
    media_product_type: 'REELS',
    is_shared_to_feed: m.shareToFeed,
    username: call.account.username,
    thumbnail_url: `${m.permalink}thumbnail.jpg`,
  };
}

export { DAY as CONTAINER_LIFETIME_MS };
