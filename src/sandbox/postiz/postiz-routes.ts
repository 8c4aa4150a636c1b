import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../core/clock.js';
import { BodyTooLargeError, type EmulatorRequest, type EmulatorResponse, type EmulatorServer } from '../emulator-server.js';
import type { PostizLimiter } from './postiz-limiter.js';
import { MultipartError, receiveMultipart, sniffMedia, type SniffedType } from './postiz-multipart.js';
import { cuid, type EmulatedMedia, type EmulatedPost, type PostizStore } from './postiz-state.js';
import { coerceSettings, dtoMessages, isIso8601, isIsoWeekDate, providerRule, storedContent } from './postiz-validate.js';

type Json = Record<string, unknown>;

/** What the routes need from the emulator. */
export interface PostizRouteContext {
  store: PostizStore;
  limiter: PostizLimiter;
  clock: Clock;
  tempDir: string;
  /** Key → organization id (API keys and `pos_` OAuth tokens). */
  keys: Map<string, string>;
  acceptBearer: () => boolean;
  docsMode: () => boolean;
  mediaBase: () => string;
  maxImageBytes: number;
  maxVideoBytes: number;
  /** `upload-from-url` fixtures: public URL → local file. */
  urlFixtures: Map<string, string>;
  /** Real delay before `POST /posts` answers, after the rows are stored (0 = none). */
  postsResponseDelayMs: () => number;
  /** Body limit of JSON routes (framework default ~100 KB). */
  jsonLimitBytes: number;
}

const bad = (message: unknown): EmulatorResponse => ({ status: 400, body: { statusCode: 400, message, error: 'Bad Request' } });
const msg = (status: number, text: string): EmulatorResponse => ({ status, body: { msg: text } });
const internal: EmulatorResponse = { status: 500, body: { statusCode: 500, message: 'Internal server error' } };
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Registers the Postiz Public API routes under `base` (e.g. `/public/v1` or `/api/public/v1`).
 *
 * @example
 * ```ts
 * registerPostizRoutes(server, '/public/v1', ctx);
 * ```
 */
export function registerPostizRoutes(server: EmulatorServer, base: string, ctx: PostizRouteContext): void {
  const { store } = ctx;
  const authed = (handler: (req: EmulatorRequest, orgId: string) => Promise<EmulatorResponse> | EmulatorResponse) =>
    async (req: EmulatorRequest): Promise<EmulatorResponse> => {
      const header = req.headers.authorization;
      if (!header) return drain(req, msg(401, 'No API Key found'));
      let key = header;
      if (ctx.acceptBearer() && /^Bearer /i.test(key)) key = key.slice(7);
      const orgId = ctx.keys.get(key);
      if (!orgId) return drain(req, msg(401, key.startsWith('pos_') ? 'Invalid OAuth token' : 'Invalid API key'));
      store.tick();
      try {
        return await handler(req, orgId);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return { status: 413, body: { statusCode: 413, message: 'request entity too large', error: 'Payload Too Large' } };
        }
        if (error instanceof SyntaxError) return bad(`Unexpected token in JSON at position 0`);
        throw error;
      }
    };
  const json = (req: EmulatorRequest) => req.json<Json>(ctx.jsonLimitBytes);
  const channelsOf = (orgId: string) => [...store.channels.values()].filter((c) => c.orgId === orgId && !c.deleted);
  const nestNotFound = (method: string) => (req: EmulatorRequest) =>
    drain(req, { status: 404, body: { message: `Cannot ${method} ${req.path}`, error: 'Not Found', statusCode: 404 } });

  server.route('GET', `${base}/is-connected`, authed(() => ({ status: 200, body: { connected: true } })));

  server.route('GET', `${base}/integrations`, authed((req, orgId) => {
    const group = req.url.searchParams.get('group');
    const list = channelsOf(orgId).filter((c) => !group || c.customer?.id === group);
    return {
      status: 200,
      body: list.map((c) => ({
        id: c.id, name: c.name, identifier: c.identifier, picture: c.picture, disabled: c.disabled, profile: c.profile,
        ...(c.customer ? { customer: c.customer } : {}),
      })),
    };
  }));

  server.route('POST', `${base}/upload`, authed(async (req, orgId) => {
    let received;
    try {
      received = await receiveMultipart(req.raw, req.headers['content-type'], {
        fileField: 'file', maxBytes: Math.max(ctx.maxImageBytes, ctx.maxVideoBytes), dir: ctx.tempDir,
      });
    } catch (error) {
      if (error instanceof MultipartError) return bad('Invalid file upload.');
      throw error;
    }
    const file = received.file;
    if (!file) return msg(400, 'No file provided');
    const type = sniffMedia(file.head);
    const reject = async (r: EmulatorResponse) => {
      if (file.tempPath) await rm(file.tempPath, { force: true });
      return r;
    };
    if (file.size === 0 || !type) return reject(bad('Unsupported file type.'));
    const max = type.video ? ctx.maxVideoBytes : ctx.maxImageBytes;
    if (file.size > max) return reject(bad(`File size exceeds the maximum allowed size of ${max} bytes.`));
    return { status: 201, body: saveMedia(orgId, type, file.tempPath!, file.sha256, file.size) };
  }));

  server.route('POST', `${base}/upload-from-url`, authed(async (req, orgId) => {
    const body = await json(req);
    const url = body.url;
    if (typeof url !== 'string' || !/\.(png|jpg|jpeg|gif|webp|mp4)$/.test(url.split('?')[0] ?? '')) {
      return bad(['url File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4']);
    }
    let parsed: URL | undefined;
    try { parsed = new URL(url); } catch { parsed = undefined; }
    if (!parsed || parsed.protocol !== 'https:' || isPrivateHost(parsed.hostname)) {
      return bad(['url URL must be a public HTTPS URL and cannot point to internal network addresses']);
    }
    const fixture = ctx.urlFixtures.get(url);
    if (!fixture) return msg(400, 'Failed to fetch URL');
    const tempPath = join(ctx.tempDir, `${randomUUID()}.part`);
    const { size, sha256, head } = await copyHashing(fixture, tempPath);
    const type = sniffMedia(head);
    if (!type) return rm(tempPath, { force: true }).then(() => msg(400, 'Unsupported file type.'));
    if (size > (type.video ? ctx.maxVideoBytes : ctx.maxImageBytes)) return rm(tempPath, { force: true }).then(() => msg(400, 'File is too large.'));
    return { status: 201, body: saveMedia(orgId, type, tempPath, sha256, size) };
  }));

  server.route('POST', `${base}/posts`, authed(async (req, orgId): Promise<EmulatorResponse> => {
    const decision = ctx.limiter.hit(orgId, ctx.clock.now());
    if (!decision.allowed) {
      req.raw.resume();
      return {
        status: 429,
        headers: { 'retry-after': decision.retryAfterSec },
        body: { statusCode: 429, message: 'ThrottlerException: Too Many Requests' },
      };
    }
    const rl: Record<string, number> = Number.isFinite(decision.limit)
      ? { 'x-ratelimit-limit': decision.limit, 'x-ratelimit-remaining': decision.remaining, 'x-ratelimit-reset': decision.resetSec }
      : {};
    const answer = await createPosts(await json(req), orgId);
    const slow = ctx.postsResponseDelayMs();
    if (slow > 0) await sleep(slow); // rows are stored; the answer is late (a client timeout leaves them behind)
    return { ...answer, headers: { ...rl, ...(answer.headers ?? {}) } };
  }));

  server.route('GET', `${base}/posts`, authed((req, orgId) => {
    const q = req.url.searchParams;
    const start = q.get('startDate');
    const end = q.get('endDate');
    const errors = [
      ...(isIso8601(start) ? [] : ['startDate must be a valid ISO 8601 date string']),
      ...(isIso8601(end) ? [] : ['endDate must be a valid ISO 8601 date string']),
    ];
    if (errors.length) return bad(errors);
    if (isIsoWeekDate(start!) || isIsoWeekDate(end!)) return internal;
    const from = Date.parse(start!);
    const to = Date.parse(end!);
    const customer = q.get('customer');
    const rows = [...store.posts.values()]
      .filter((p) => p.orgId === orgId && !p.deleted && p.publishDate >= from && p.publishDate <= to)
      .filter((p) => {
        const ch = store.channels.get(p.integrationId);
        return ch && !ch.deleted && (!customer || ch.customer?.id === customer);
      })
      .reverse(); // order is not guaranteed by the server; clients sort
    return { status: 200, body: { posts: rows.map((p) => postView(p)) } };
  }));

  server.route('GET', `${base}/posts/:id`, nestNotFound('GET'));
  server.route('PUT', `${base}/posts/:id`, nestNotFound('PUT'));

  server.route('DELETE', `${base}/posts/group/:group`, authed((req, orgId) => {
    for (const p of store.posts.values()) if (p.orgId === orgId && p.group === req.params.group) p.deleted = true;
    return { status: 200, body: { error: true } };
  }));

  server.route('DELETE', `${base}/posts/:id`, authed((req, orgId) => {
    const post = store.posts.get(req.params.id!);
    if (!post || post.deleted || post.orgId !== orgId) return internal;
    for (const p of store.posts.values()) if (p.group === post.group) p.deleted = true;
    return { status: 200, body: ctx.docsMode() ? { id: post.id } : { error: true } };
  }));

  server.route('PUT', `${base}/posts/:id/status`, authed(async (req, orgId) => {
    const body = await json(req);
    if (body.status !== 'draft' && body.status !== 'schedule') return bad(['status must be one of the following values: draft, schedule']);
    const post = store.posts.get(req.params.id!);
    if (!post || post.deleted || post.orgId !== orgId) return bad('Post not found');
    // No state check: re-arming a PUBLISHED post publishes it again (reference §6.15).
    post.state = body.status === 'draft' ? 'DRAFT' : 'QUEUE';
    if (post.state === 'QUEUE') store.tick();
    return { status: 200, body: { id: post.id, state: body.status === 'draft' ? 'DRAFT' : 'QUEUE' } };
  }));

  server.route('GET', `${base}/notifications`, authed((req, orgId) => {
    const raw = req.url.searchParams.get('page') ?? '0';
    const page = Number(raw);
    if (!/^\d+$/.test(raw)) return bad(['page must not be less than 0', 'page must be an integer number']);
    const all = store.notifications.filter((n) => n.orgId === orgId).slice().reverse();
    const items = all.slice(page * 100, page * 100 + 100);
    return {
      status: 200,
      body: {
        notifications: items.map((n) => ({ id: n.id, content: n.content, link: n.link, createdAt: iso(n.createdAt) })),
        total: all.length, page, limit: 100, hasMore: (page + 1) * 100 < all.length,
      },
    };
  }));

  function saveMedia(orgId: string, type: SniffedType, tempPath: string, sha256: string, size: number) {
    const d = new Date(ctx.clock.now());
    const name = `${randomUUID().replace(/-/g, '')}.${type.ext}`;
    const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
    const media: EmulatedMedia = {
      id: randomUUID(), orgId, name, path: `${ctx.mediaBase()}/uploads/${day}/${name}`, sha256, size, mime: type.mime, tempPath,
    };
    store.media.set(media.id, media);
    return { id: media.id, name, originalName: null, path: media.path, thumbnail: null, alt: null };
  }

  function postView(p: EmulatedPost) {
    const ch = store.channels.get(p.integrationId)!;
    const settings = { ...p.settings, __type: ch.identifier };
    return {
      id: p.id, content: p.content, publishDate: iso(p.publishDate), releaseURL: p.releaseURL, releaseId: p.releaseId,
      state: p.state, intervalInDays: p.intervalInDays, group: p.group, creationMethod: p.creationMethod,
      settings: ctx.docsMode() ? settings : JSON.stringify(settings),
      tags: [],
      integration: { id: ch.id, providerIdentifier: ch.identifier, name: ch.name, picture: ch.picture },
    };
  }

  async function createPosts(body: Json, orgId: string): Promise<EmulatorResponse> {
    const posts = Array.isArray(body.posts) ? (body.posts as unknown[]) : [];
    const channels: (typeof store.channels extends Map<string, infer C> ? C : never)[] = [];
    for (const entry of posts) {
      const id = (entry as { integration?: { id?: unknown } })?.integration?.id;
      if (typeof id !== 'string' || !id) return bad('All posts must have an integration id');
      const ch = store.channels.get(id);
      if (!ch || ch.orgId !== orgId || ch.deleted) return bad(`Integration with id ${id} not found`);
      channels.push(ch);
    }
    const messages = dtoMessages(body, channels.map((c) => c.identifier));
    if (messages.length) return bad(messages);
    if (isIsoWeekDate(body.date as string)) return internal; // passes validation, then crashes (correction 6)
    const draft = body.type === 'draft';
    for (let i = 0; i < posts.length; i++) {
      const ch = channels[i]!;
      const rule = providerRule(ch.identifier, posts[i] as Json, draft);
      if (rule) return { status: 400, body: { statusCode: 400, provider: ch.identifier, name: ch.name, message: rule } };
    }
    const mode = body.type === 'draft' ? 'draft' : body.type === 'update' ? 'update' : body.type === 'now' ? 'now' : 'schedule';
    for (const entry of posts as Json[]) {
      const first = (entry.value as Json[])[0]!;
      const existing = typeof first.id === 'string' ? store.posts.get(first.id) : undefined;
      if (existing && existing.state === 'PUBLISHED' && (mode === 'schedule' || mode === 'now') && body.republish !== true) {
        const at = iso(existing.publishedAt ?? existing.publishDate).slice(0, 16).replace('T', ' ');
        return bad(`This post was already published on ${at} UTC. Saving it this way would publish it again. Pass "republish": true to do so.`);
      }
    }
    const now = ctx.clock.now();
    const date = mode === 'now' ? Math.floor(now / 60_000) * 60_000 : Date.parse(body.date as string);
    const out: { postId: string; integration: string }[] = [];
    (posts as Json[]).forEach((entry, i) => {
      const ch = channels[i]!;
      const values = entry.value as Json[];
      const first = values[0]!;
      const existing = typeof first.id === 'string' ? store.posts.get(first.id) : undefined;
      const row: EmulatedPost = existing ?? {
        id: cuid('cm'), orgId, group: '', integrationId: ch.id, content: '', image: [], comments: [], publishDate: date,
        state: 'QUEUE', releaseId: null, releaseURL: null, settings: {}, intervalInDays: null, creationMethod: 'API',
        createdAt: now, deleted: false, publishCount: 0,
      };
      row.group = randomUUID();
      row.content = storedContent(first.content as string);
      row.image = (first.image as { id: string; path: string }[]).map((m) => ({ id: m.id, path: m.path }));
      row.comments = values.slice(1);
      row.publishDate = date;
      row.settings = coerceSettings(typeof entry.settings === 'object' && entry.settings ? (entry.settings as Json) : {});
      row.intervalInDays = typeof body.inter === 'number' ? body.inter : null;
      row.creationMethod = body.creationMethod === 'CLI' ? 'CLI' : 'API';
      if (mode !== 'update') row.state = mode === 'draft' ? 'DRAFT' : 'QUEUE';
      store.posts.set(row.id, row);
      out.push({ postId: row.id, integration: ch.id });
    });
    store.tick(); // the publish job starts at once for past dates
    return { status: ctx.docsMode() ? 200 : 201, body: out };
  }
}

function drain(req: EmulatorRequest, answer: EmulatorResponse): EmulatorResponse {
  req.raw.resume();
  return answer;
}

function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 6) return h === '::1' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80') || h === '::';
  if (isIP(h) !== 4) return false;
  const [a, b] = h.split('.').map(Number) as [number, number];
  return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 198 && (b === 18 || b === 19)) || a >= 224;
}

async function copyHashing(from: string, to: string): Promise<{ size: number; sha256: string; head: Buffer }> {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const out = createWriteStream(to);
  for await (const chunk of createReadStream(from)) {
    const b = chunk as Buffer;
    if (head.length < 16) head = Buffer.concat([head, b.subarray(0, 16 - head.length)]);
    size += b.length;
    hash.update(b);
    if (!out.write(b)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return { size, sha256: hash.digest('hex'), head };
}
