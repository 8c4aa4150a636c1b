import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../core/clock.js';
import { EmulatorServer } from '../emulator-server.js';
import { PostizLimiter } from './postiz-limiter.js';
import { registerPostizRoutes } from './postiz-routes.js';
import { cuid, PostizStore, type ChannelOutcome, type EmulatedChannel, type PostizPublication } from './postiz-state.js';

/** Options of {@link createPostizEmulator}; every field is optional. */
export interface PostizEmulatorOptions {
  clock?: Clock;
  /** Port to bind (default 0: any free port). */
  port?: number;
  host?: string;
  /** The organization's API key (default: a random `ptz_…` value). */
  apiKey?: string;
  /** `API_LIMIT`: counted `POST /posts` per fixed hour (default 30, as the official compose file sets). `Infinity` = off. */
  postsPerHour?: number;
  /** Accept `Authorization: Bearer <key>` (newer servers). Default false: refused as an invalid key. */
  acceptBearer?: boolean;
  /** "Docs mode": 200 on POST, settings as an object, `{id}` from DELETE, Bearer accepted. Default false. */
  docsMode?: boolean;
  /** Image size limit (default 10 MiB, as the server). */
  maxImageBytes?: number;
  /** Video size limit (default 1 GiB, as the server); tests lower it. */
  maxVideoBytes?: number;
  /** Host that media `path`s point to (default: the emulator's own URL; the files themselves are not served). */
  mediaBaseUrl?: string;
  /** False = the worker is not running: posts stay `QUEUE` (default true). */
  workerRunning?: boolean;
  /** Time from a post's date to its outcome (default 0: at the planned instant), on the injected clock. */
  processingMs?: number;
}

/** A running Postiz emulator (see {@link createPostizEmulator}). */
export interface PostizEmulator {
  name: 'postiz';
  url: string;
  server: EmulatorServer;
  store: PostizStore;
  /** The inspectable state (same object as `store`): channels, media, posts, notifications, publications. */
  state: PostizStore;
  limiter: PostizLimiter;
  apiKey: string;
  /** The organization id of {@link PostizEmulator.apiKey}. */
  orgId: string;
  close(): Promise<void>;
  /** Adds a channel (integration) to the default organization. */
  addChannel(input: {
    identifier: string; name?: string; profile?: string; disabled?: boolean; outcome?: ChannelOutcome;
    customer?: { id: string; name: string };
  }): EmulatedChannel;
  /**
   * Credentials valid on this emulator, in the shape every emulator offers: `credentials.apiKey` is
   * the organization key; `externalId` the organization id.
   */
  createSandboxAccount(handle?: string): { handle: string; externalId: string; credentials: { apiKey: string } };
  /** Scripts what a channel's due posts do from now on. */
  setChannelOutcome(channelId: string, outcome: ChannelOutcome): void;
  /** Starts/stops the publish worker (stopped: posts stay `QUEUE`). */
  setWorkerRunning(running: boolean): void;
  /** Adds a key (API key or `pos_` token) for the default or another organization; returns the org id. */
  addKey(key: string, orgId?: string): string;
  /** Maps a public https URL to a local file for `upload-from-url`. */
  addUrlFixture(url: string, filePath: string): void;
  setDocsMode(on: boolean): void;
  /** Makes `POST /posts` answer `ms` (real time) late, after storing the rows: a client timeout then leaves posts behind. */
  setPostsResponseDelay(ms: number): void;
  /** Every publication that happened (a post re-armed after PUBLISHED appears twice). */
  published(): PostizPublication[];
  /** Runs due publish jobs now (requests do it too). */
  tick(): void;
}

/**
 * Starts a Postiz Public API emulator (reference §11) on 127.0.0.1, serving both `/public/v1` and
 * `/api/public/v1`: raw-key auth, streamed multipart uploads with the type and size limits,
 * `upload-from-url` from fixtures, `POST /posts` with the DTO and provider rules of TikTok,
 * Instagram and YouTube, the fixed-window limiter, `GET /posts`, deletes with their odd answers,
 * notifications, and a publish scheduler driven by the injected clock.
 *
 * @example
 * ```ts
 * const postiz = await createPostizEmulator({ clock: new FakeClock() });
 * const tiktok = postiz.addChannel({ identifier: 'tiktok', name: 'My TikTok', profile: 'me' });
 * // ... client talks to postiz.url with postiz.apiKey ...
 * await postiz.close();
 * ```
 */
export async function createPostizEmulator(options: PostizEmulatorOptions = {}): Promise<PostizEmulator> {
  const clock = options.clock ?? systemClock;
  const server = new EmulatorServer({ name: 'postiz', clock, host: options.host, port: options.port });
  const tempDir = await mkdtemp(join(tmpdir(), 'clipcast-postiz-'));
  const apiKey = options.apiKey ?? `ptz_${randomBytes(16).toString('hex')}`;
  const orgId = 'org_default';
  const keys = new Map<string, string>([[apiKey, orgId]]);
  let docsMode = options.docsMode ?? false;
  let postsResponseDelayMs = 0;
  let url = '';
  const store = new PostizStore(clock, () => url);
  store.workerRunning = options.workerRunning ?? true;
  store.processingMs = options.processingMs ?? 0;
  const limiter = new PostizLimiter(options.postsPerHour ?? 30);
  const urlFixtures = new Map<string, string>();
  const ctx = {
    store, limiter, clock, tempDir, keys, urlFixtures,
    acceptBearer: () => docsMode || (options.acceptBearer ?? false),
    docsMode: () => docsMode,
    postsResponseDelayMs: () => postsResponseDelayMs,
    mediaBase: () => options.mediaBaseUrl ?? url,
    maxImageBytes: options.maxImageBytes ?? 10_485_760,
    maxVideoBytes: options.maxVideoBytes ?? 1_073_741_824,
    jsonLimitBytes: 100 * 1024,
  };
  registerPostizRoutes(server, '/public/v1', ctx);
  registerPostizRoutes(server, '/api/public/v1', ctx);

  server.route('GET', '/p/:id', (req) => {
    const pub = store.publications.find((p) => p.postId === req.params.id);
    if (!pub) return { status: 404, body: 'not found' };
    const esc = pub.text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<!doctype html><title>${pub.provider}</title><p>${esc}</p><p>${pub.releaseURL}</p>` };
  });
  server.setStateProvider(() => {
    store.tick();
    return {
      channels: [...store.channels.values()],
      posts: [...store.posts.values()],
      notifications: store.notifications,
      published: store.publications,
      workerRunning: store.workerRunning,
    };
  });
  url = await server.listen();

  return {
    name: 'postiz', url, server, store, state: store, limiter, apiKey, orgId,
    async close() {
      await server.close();
      await rm(tempDir, { recursive: true, force: true });
    },
    addChannel(input) {
      const channel: EmulatedChannel = {
        id: cuid('cmi'), orgId, name: input.name ?? `My ${input.identifier}`, identifier: input.identifier,
        picture: null, disabled: input.disabled ?? false, profile: input.profile ?? null,
        ...(input.customer ? { customer: input.customer } : {}), outcome: input.outcome ?? 'ok', deleted: false,
      };
      store.channels.set(channel.id, channel);
      return channel;
    },
    createSandboxAccount(handle = 'postiz') {
      return { handle, externalId: orgId, credentials: { apiKey } };
    },
    setChannelOutcome(channelId, outcome) {
      const ch = store.channels.get(channelId);
      if (!ch) throw new Error(`no channel ${channelId}`);
      ch.outcome = outcome;
    },
    setWorkerRunning(running) {
      store.workerRunning = running;
    },
    addKey(key, org = orgId) {
      keys.set(key, org);
      return org;
    },
    addUrlFixture(fixtureUrl, filePath) {
      urlFixtures.set(fixtureUrl, filePath);
    },
    setDocsMode(on) {
      docsMode = on;
    },
    setPostsResponseDelay(ms) {
      postsResponseDelayMs = ms;
    },
    published() {
      store.tick();
      return [...store.publications];
    },
    tick() {
      store.tick();
    },
  };
}
