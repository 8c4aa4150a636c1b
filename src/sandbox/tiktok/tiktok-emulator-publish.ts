import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { rawJson, type EmulatorRequest, type EmulatorResponse, type EmulatorServer } from '../emulator-server.js';
import { checkChunkPlan } from './tiktok-emulator-chunks.js';
import type { AccessTokenRecord, PublishRecord, TikTokState, TikTokUser } from './tiktok-emulator-state.js';

/** What the publish routes need from the emulator around them. */
export interface PublishHooks {
  /** Starts a PULL_FROM_URL download in the background. */
  startPull(record: PublishRecord, url: string): void;
  /** Aborts a running download (cancel). */
  cancelPull(record: PublishRecord): boolean;
  /** Moves a record along its state machine for the current clock time (fires webhooks). */
  advance(record: PublishRecord): void;
}

const DAY_MS = 86_400_000;
const PRIVACY_LEVELS = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];
const BOOL_FIELDS = ['disable_duet', 'disable_comment', 'disable_stitch', 'brand_content_toggle', 'brand_organic_toggle', 'is_aigc'];

/**
 * The privacy options creator_info offers a user (public vs private account, §4.1).
 *
 * @example
 * ```ts
 * privacyOptions(user); // ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']
 * ```
 */
export function privacyOptions(user: TikTokUser): string[] {
  return user.privateAccount ? ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] : ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
}

/**
 * Registers creator_info, Direct Post init, Inbox init, status/fetch and cancel.
 *
 * @example
 * ```ts
 * registerPublishRoutes(server, state, hooks);
 * ```
 */
export function registerPublishRoutes(server: EmulatorServer, state: TikTokState, hooks: PublishHooks): void {
  const base = '/v2/post/publish';
  server.route('POST', `${base}/creator_info/query/`, (req) => creatorInfo(state, req));
  server.route('POST', `${base}/video/init/`, (req) => init(state, req, hooks, 'direct', () => server.url));
  server.route('POST', `${base}/inbox/video/init/`, (req) => init(state, req, hooks, 'inbox', () => server.url));
  server.route('POST', `${base}/status/fetch/`, (req) => statusFetch(state, req, hooks));
  server.route('POST', `${base}/cancel/`, (req) => cancel(state, req, hooks));
  server.route('GET', '/v2/user/info/', (req) => userInfo(state, req));
}

const BASIC_FIELDS = ['open_id', 'union_id', 'avatar_url', 'avatar_url_100', 'avatar_large_url', 'display_name'];
const PROFILE_FIELDS = ['bio_description', 'profile_deep_link', 'is_verified', 'username'];

/** GET /v2/user/info/?fields=… (§2.9): basic fields with user.info.basic, profile ones need user.info.profile. */
function userInfo(state: TikTokState, req: EmulatorRequest): EmulatorResponse {
  const token = state.bearer(req, ['user.info.basic']);
  if (isAnswer(token)) return token;
  const fields = (req.url.searchParams.get('fields') ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  if (!fields.length || fields.some((f) => !BASIC_FIELDS.includes(f) && !PROFILE_FIELDS.includes(f))) return state.envelope(400, 'invalid_params', 'fields is missing or has an unknown field.');
  if (fields.some((f) => PROFILE_FIELDS.includes(f)) && !token.scopes.has('user.info.profile')) {
    return state.envelope(401, 'scope_not_authorized', 'The user did not authorize the scope required: user.info.profile.');
  }
  const user = state.users.get(token.openId)!;
  const all: Record<string, unknown> = {
    open_id: user.openId,
    union_id: `u-${user.openId}`,
    avatar_url: `${req.url.origin}/avatar/${user.handle}.jpeg`,
    avatar_url_100: `${req.url.origin}/avatar/${user.handle}-100.jpeg`,
    avatar_large_url: `${req.url.origin}/avatar/${user.handle}-large.jpeg`,
    display_name: user.nickname,
    bio_description: '',
    profile_deep_link: `${req.url.origin}/@${user.handle}`,
    is_verified: false,
    username: user.handle,
  };
  return state.envelope(200, 'ok', '', { user: Object.fromEntries(fields.map((f) => [f, all[f]])) });
}

async function readJson(state: TikTokState, req: EmulatorRequest): Promise<Record<string, unknown> | EmulatorResponse> {
  try {
    const body = await req.json<unknown>();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return state.envelope(400, 'invalid_params', 'The request body must be a JSON object.');
    return body as Record<string, unknown>;
  } catch {
    return state.envelope(400, 'invalid_params', 'The request body is not valid JSON.');
  }
}

function isAnswer(v: unknown): v is EmulatorResponse {
  return typeof v === 'object' && v !== null && 'status' in v && typeof (v as { status: unknown }).status === 'number' && !('openId' in v);
}

function postsToday(state: TikTokState, openId: string): number[] {
  const now = state.clock.now();
  const times = (state.postTimes.get(openId) ?? []).filter((t) => t > now - DAY_MS);
  state.postTimes.set(openId, times);
  return times;
}

async function creatorInfo(state: TikTokState, req: EmulatorRequest): Promise<EmulatorResponse> {
  // No body in TikTok's example; `{}` or any JSON object also works (observed).
  const ct = state.jsonContentType(req, true);
  if (ct) return ct;
  const token = state.bearer(req, ['video.publish']);
  if (isAnswer(token)) return token;
  const limited = state.rateLimit(token.token, 'creatorInfo');
  if (limited) return limited;
  const body = await req.body();
  if (body.length) {
    const parsed = await readJson(state, req);
    if (isAnswer(parsed)) return parsed;
  }
  const user = state.users.get(token.openId)!;
  // Deliberately HTTP 200 with a non-ok code when the creator can't post now (§4.4).
  if (user.canPost !== 'ok') return state.envelope(200, user.canPost, 'The creator cannot post right now.');
  if (state.options.limits && postsToday(state, user.openId).length >= state.options.dailyPostCap) {
    return state.envelope(200, 'spam_risk_too_many_posts', 'The creator reached the daily post cap.');
  }
  const answer = state.envelope(200, 'ok', '', {
    creator_avatar_url: `${req.url.origin}/avatar/${user.handle}.jpeg`,
    creator_username: user.handle,
    creator_nickname: user.nickname,
    privacy_level_options: privacyOptions(user),
    comment_disabled: user.commentDisabled,
    duet_disabled: user.duetDisabled || user.privateAccount,
    stitch_disabled: user.stitchDisabled || user.privateAccount,
    max_video_post_duration_sec: user.maxVideoPostDurationSec,
  });
  // The creator changes settings after this answer: the next call sees the new options.
  const change = state.creatorChanges.get(user.openId)?.shift();
  if (change) Object.assign(user, change);
  return answer;
}

async function init(state: TikTokState, req: EmulatorRequest, hooks: PublishHooks, mode: 'direct' | 'inbox', baseUrl: () => string): Promise<EmulatorResponse> {
  const o = state.options;
  const ct = state.jsonContentType(req, false);
  if (ct) return ct;
  const token = state.bearer(req, [mode === 'direct' ? 'video.publish' : 'video.upload']);
  if (isAnswer(token)) return token;
  const limited = state.rateLimit(token.token, 'init');
  if (limited) return limited;
  const body = await readJson(state, req);
  if (isAnswer(body)) return body;
  const user = state.users.get(token.openId)!;
  const bad = (message: string) => state.envelope(400, 'invalid_params', message);
  const forbid = (code: string, message: string) => state.envelope(403, code, message);

  const source = body.source_info as Record<string, unknown> | undefined;
  if (typeof source !== 'object' || source === null) return bad('source_info is required.');
  if (source.source !== 'FILE_UPLOAD' && source.source !== 'PULL_FROM_URL') return bad('source_info.source must be FILE_UPLOAD or PULL_FROM_URL.');
  let post: Record<string, unknown> = {};
  if (mode === 'direct') {
    if (typeof body.post_info !== 'object' || body.post_info === null) return forbid('privacy_level_option_mismatch', 'post_info.privacy_level is required.');
    post = body.post_info as Record<string, unknown>;
    if (post.title !== undefined && typeof post.title !== 'string') return bad('post_info.title must be a string.');
    if (typeof post.title === 'string' && post.title.length > 2200) return bad('The title is longer than 2200 characters.');
    // Booleans are ambiguous in the docs: missing means false, present must be a boolean.
    for (const f of BOOL_FIELDS) if (post[f] !== undefined && typeof post[f] !== 'boolean') return bad(`post_info.${f} must be a boolean.`);
    const privacy = post.privacy_level;
    if (typeof privacy !== 'string' || !PRIVACY_LEVELS.includes(privacy) || !privacyOptions(user).includes(privacy)) {
      return forbid('privacy_level_option_mismatch', `privacy_level must be one of ${privacyOptions(user).join(', ')}.`);
    }
    if (!o.audited && (privacy !== 'SELF_ONLY' || (o.unauditedRejectPublicAccounts && !user.privateAccount))) {
      return forbid('unaudited_client_can_only_post_to_private_accounts', 'Unaudited clients can only post to private accounts (SELF_ONLY).');
    }
    if (o.rejectBrandedPrivate && post.brand_content_toggle === true && privacy === 'SELF_ONLY') return bad('Branded content cannot be private.');
  } else {
    // Only source_info is documented for video inbox uploads; post_info.title is unconfirmed (ignored by default).
    if (o.rejectUnknownInboxFields && Object.keys(body).some((k) => k !== 'source_info')) return bad('Unknown field in the request.');
  }
  if (user.canPost === 'spam_risk_user_banned_from_posting') return forbid(user.canPost, 'The creator is banned from posting.');

  let videoUrl: string | undefined;
  if (source.source === 'FILE_UPLOAD') {
    const problem = checkChunkPlan(source.video_size, source.chunk_size, source.total_chunk_count, o);
    if (problem) return bad(problem);
  } else {
    videoUrl = typeof source.video_url === 'string' ? source.video_url : undefined;
    if (!videoUrl) return bad('source_info.video_url is required.');
    if (!pullUrlVerified(videoUrl, o.verifiedUrlPrefixes, o.allowInsecurePull)) return forbid('url_ownership_unverified', 'The video_url is not under a verified domain or URL prefix.');
  }

  const now = state.clock.now();
  if (o.limits) {
    if (mode === 'direct') {
      if (postsToday(state, user.openId).length >= o.dailyPostCap) return forbid('spam_risk_too_many_posts', 'The creator reached the daily post cap.');
      for (const [id, at] of state.activeUsers) if (at <= now - DAY_MS) state.activeUsers.delete(id);
      if (!state.activeUsers.has(user.openId) && state.activeUsers.size >= o.activeUserCap) {
        // Unaudited apps: at most 5 distinct posting users per 24 h (§11.3); audited: the app's quota.
        return forbid('reached_active_user_cap', 'The app reached its daily quota of active posting creators.');
      }
    } else {
      const pending = [...state.publishes.values()].filter(
        (p) => p.openId === user.openId && p.mode === 'inbox' && p.createdAt > now - DAY_MS && p.status !== 'PUBLISH_COMPLETE' && p.status !== 'FAILED',
      );
      if (pending.length >= o.pendingInboxCap) return forbid('spam_risk_too_many_pending_share', 'Too many pending shares for this creator.');
    }
  }

  const kind = `${mode === 'direct' ? 'v_pub' : 'v_inbox'}_${source.source === 'FILE_UPLOAD' ? 'file' : 'url'}`;
  const record: PublishRecord = {
    publishId: `${kind}~v2${kind === 'v_pub_file' ? '-1' : ''}.${state.bigId()}`,
    openId: user.openId,
    mode,
    source: source.source,
    title: typeof post.title === 'string' ? post.title : '',
    privacyLevel: typeof post.privacy_level === 'string' ? post.privacy_level : 'SELF_ONLY',
    disabled: { comment: post.disable_comment === true, duet: post.disable_duet === true, stitch: post.disable_stitch === true },
    status: source.source === 'FILE_UPLOAD' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD',
    createdAt: now,
    bytesCompleteAt: undefined,
    uploadedBytes: 0,
    downloadedBytes: 0,
    sha256: undefined,
    failReason: undefined,
    postId: undefined,
    completedAt: undefined,
    cancelled: false,
  };
  state.publishes.set(record.publishId, record);
  if (mode === 'direct') {
    postsToday(state, user.openId).push(now);
    if (!state.activeUsers.has(user.openId)) state.activeUsers.set(user.openId, now);
  }
  if (source.source === 'PULL_FROM_URL') {
    hooks.startPull(record, videoUrl!);
    return state.envelope(200, 'ok', '', { publish_id: record.publishId });
  }
  // The whole id: its leading digits are the same for every id, so a prefix would collide across uploads.
  const uploadId = state.bigId();
  const uploadToken = state.random(8);
  state.uploads.set(uploadId, {
    uploadId,
    uploadToken,
    publishId: record.publishId,
    videoSize: source.video_size as number,
    chunkSize: source.chunk_size as number,
    totalChunkCount: source.total_chunk_count as number,
    received: 0,
    expiresAt: now + o.uploadUrlTtlSec * 1000,
    hash: createHash('sha256'),
    ranges: [],
    wireBytes: 0,
    drainedBytes: 0,
    puts: 0,
    done: false,
  });
  const uploadUrl = `${baseUrl()}/upload/video/?upload_id=${uploadId}&upload_token=${uploadToken}`;
  return state.envelope(200, 'ok', '', { publish_id: record.publishId, upload_url: uploadUrl });
}

/**
 * True when a PULL_FROM_URL source sits under a verified URL prefix (https on a host name unless insecure allowed).
 *
 * @example
 * ```ts
 * pullUrlVerified('https://media.example.com/c/1.mp4', ['https://media.example.com/c/'], false); // true
 * ```
 */
export function pullUrlVerified(videoUrl: string, prefixes: string[], allowInsecure: boolean): boolean {
  let url: URL;
  try {
    url = new URL(videoUrl);
  } catch {
    return false;
  }
  if (!allowInsecure && (url.protocol !== 'https:' || isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0)) return false;
  return prefixes.some((p) => videoUrl.startsWith(p));
}

async function ownedRecord(state: TikTokState, req: EmulatorRequest, token: AccessTokenRecord): Promise<PublishRecord | EmulatorResponse> {
  const body = await readJson(state, req);
  if (isAnswer(body)) return body;
  const record = typeof body.publish_id === 'string' ? state.publishes.get(body.publish_id) : undefined;
  if (!record) return state.envelope(400, 'invalid_publish_id', 'The publish_id does not exist.');
  if (record.openId !== token.openId) return state.envelope(400, 'token_not_authorized_for_specified_publish_id', 'The token is not authorized for this publish_id.');
  return record;
}

async function statusFetch(state: TikTokState, req: EmulatorRequest, hooks: PublishHooks): Promise<EmulatorResponse> {
  const ct = state.jsonContentType(req, false);
  if (ct) return ct;
  const token = state.bearer(req, ['video.upload', 'video.publish']);
  if (isAnswer(token)) return token;
  const limited = state.rateLimit(token.token, 'status');
  if (limited) return limited;
  const record = await ownedRecord(state, req, token);
  if (isAnswer(record)) return record;
  hooks.advance(record);
  const visible = publicPostIds(state, record);
  const parts = [`"status":${JSON.stringify(record.status)}`];
  if (record.status === 'FAILED') parts.push(`"fail_reason":${JSON.stringify(record.failReason ?? 'internal')}`);
  // Post ids are int64 JSON numbers beyond 2^53 (§9.4): written unquoted, verbatim.
  parts.push(`"publicaly_available_post_id":[${visible.join(',')}]`);
  parts.push(record.source === 'FILE_UPLOAD' ? `"uploaded_bytes":${record.uploadedBytes}` : `"downloaded_bytes":${record.downloadedBytes}`);
  const logId = state.logId();
  const text = `{"data":{${parts.join(',')}},"error":{"code":"ok","message":"","log_id":"${logId}"}}`;
  return { status: 200, headers: { 'x-tt-logid': logId }, body: rawJson(text) };
}

/**
 * Post ids status/fetch shows: public posts only, after moderation (§9.1, §18.7).
 *
 * @example
 * ```ts
 * publicPostIds(state, record); // ['7431234567890123456'] or []
 * ```
 */
export function publicPostIds(state: TikTokState, record: PublishRecord): string[] {
  if (record.status !== 'PUBLISH_COMPLETE' || !record.postId || record.completedAt === undefined) return [];
  if (record.mode === 'direct' && record.privacyLevel !== 'PUBLIC_TO_EVERYONE') return [];
  return state.clock.now() >= record.completedAt + state.options.moderationMs ? [record.postId] : [];
}

async function cancel(state: TikTokState, req: EmulatorRequest, hooks: PublishHooks): Promise<EmulatorResponse> {
  const ct = state.jsonContentType(req, false);
  if (ct) return ct;
  const token = state.bearer(req, ['video.upload', 'video.publish']);
  if (isAnswer(token)) return token;
  const record = await ownedRecord(state, req, token);
  if (isAnswer(record)) return record;
  hooks.advance(record);
  if (record.source !== 'PULL_FROM_URL' || record.status !== 'PROCESSING_DOWNLOAD' || !hooks.cancelPull(record)) {
    return state.envelope(400, 'publish_not_cancellable', 'The publish is not cancellable.');
  }
  return state.envelope(200, 'ok', '');
}
