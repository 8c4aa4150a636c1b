import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { Credentials } from '../../core/ports/platform-adapter.js';
import { EmulatorServer, type EmulatorResponse } from '../emulator-server.js';
import { grantCode, LONG_LIVED_SECONDS, pageTokenOf, registerAuthRoutes } from './instagram-emulator-auth.js';
import { authenticate, checkVersion, graphError, GraphFailure, graphParams, tokenOf, usageHeaders } from './instagram-emulator-graph.js';
import { defaultKnobs, HOST_PREFIX, type EmulatedApps, type GraphCall, type InstagramEmulatorKnobs, type RouteDeps } from './instagram-emulator-knobs.js';
import { registerMediaRoutes } from './instagram-emulator-media.js';
import { InstagramEmulatorState, type EmulatedAccount, type Flavour } from './instagram-emulator-state.js';
import { WebhookSender } from './instagram-emulator-webhooks.js';

/** The two Meta login products the emulator serves (the emulator's own name; it shares no code with the client). */
export type InstagramFlavour = 'instagram' | 'facebook';

/** Options of {@link createInstagramEmulator}. */
export interface InstagramEmulatorOptions {
  clock?: Clock;
  port?: number;
  host?: string;
  /** Processing time of a container once its bytes are in (default 30 s on the clock). */
  processingMs?: number;
  /** Enforce quotas and caps (default true); `false` for throughput benches. */
  limits?: boolean;
  /** Any other knob (see {@link InstagramEmulatorKnobs}); all stay mutable on `emulator.knobs`. */
  knobs?: Partial<InstagramEmulatorKnobs>;
  /** Registered apps; defaults are sandbox ids with redirect URI `http://127.0.0.1/callback`. */
  apps?: Partial<EmulatedApps>;
}

/** A running Instagram/Meta emulator. Hosts are served under the path prefixes of {@link HOST_PREFIX}. */
export interface InstagramEmulator {
  name: 'instagram';
  url: string;
  server: EmulatorServer;
  state: InstagramEmulatorState;
  knobs: InstagramEmulatorKnobs;
  apps: EmulatedApps;
  webhooks: WebhookSender;
  close(): Promise<void>;
  /** Credentials valid on this emulator as if the OAuth flow had completed (default flavour `facebook`). */
  createSandboxAccount(handle?: string, options?: { flavour?: InstagramFlavour }): { handle: string; externalId: string; credentials: Credentials };
  /** Adds an account without tokens (for OAuth flows). */
  addAccount(handle: string): EmulatedAccount;
  /** An authorization code as if the user approved the dialog. */
  authorize(flavour: InstagramFlavour, handle: string, redirectUri: string): string;
  expireToken(token: string): void;
  revokeToken(token: string): void;
  /** Every published reel, with the sha256 of its bytes. */
  published(): { remoteId: string; sha256: string; text: string; permalink: string; at: number }[];
  /** Resolves when background downloads (video_url / file_url) have finished. */
  idle(): Promise<void>;
}

/**
 * Starts the Instagram emulator: Instagram Login (graph.instagram.com + api.instagram.com) and
 * Facebook Login (graph.facebook.com), rupload, permalink pages, all on one 127.0.0.1 port under the
 * host-named prefixes of {@link HOST_PREFIX} (e.g. `${url}/graph.facebook.com/v25.0/...`).
 *
 * @example
 * ```ts
 * const ig = await createInstagramEmulator({ clock, processingMs: 5_000 });
 * const { credentials } = ig.createSandboxAccount('acme');
 * const config = sandboxInstagramConfig(ig.url);
 * ```
 */
export async function createInstagramEmulator(options: InstagramEmulatorOptions = {}): Promise<InstagramEmulator> {
  const clock = options.clock ?? systemClock;
  const server = new EmulatorServer({ name: 'instagram', clock, host: options.host, port: options.port });
  const knobs: InstagramEmulatorKnobs = { ...defaultKnobs(), ...(options.knobs ?? {}) };
  if (options.processingMs !== undefined) knobs.processingMs = options.processingMs;
  if (options.limits !== undefined) knobs.limits = options.limits;
  const state = new InstagramEmulatorState(clock, knobs.processingMs);
  const apps: EmulatedApps = {
    instagram: options.apps?.instagram ?? { clientId: '990602627938098', clientSecret: 'ig-sandbox-secret', redirectUris: ['http://127.0.0.1/callback'] },
    facebook: options.apps?.facebook ?? { clientId: '1234567890123456', clientSecret: 'fb-sandbox-secret', redirectUris: ['http://127.0.0.1/callback'] },
  };
  const pending = new Set<Promise<unknown>>();
  let baseUrl = '';

  const graph: RouteDeps['graph'] = (method, pattern, handler, flavours = ['ig', 'fb']) => {
    for (const flavour of flavours) {
      const prefix = flavour === 'ig' ? HOST_PREFIX.ig : HOST_PREFIX.fb;
      server.route(method, `${prefix}/:version${pattern}`, async (req) => {
        let account: EmulatedAccount | undefined;
        try {
          state.processingMs = knobs.processingMs;
          checkVersion(req.params.version, clock.now(), knobs.versionPolicy);
          const params = await graphParams(req);
          const token = authenticate(state, flavour, tokenOf(req, params));
          account = state.accounts.get(token.accountKey)!;
          const pathId = req.params.id;
          if (pathId !== undefined && pattern.startsWith('/:id/')) {
            const target = state.accountByPathId(pathId, token);
            if (!target) throw new GraphFailure(graphError(400, 100, `Unsupported post request. Object with ID '${pathId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33));
          }
          const usage = countCall(account);
          if (usage.callPct > 100 && (knobs.limits || knobs.usageOverridePct !== undefined)) {
            const res = graphError(400, 80002, 'There have been too many calls to this Instagram account. Wait a bit and try again.');
            return withHeaders(res, usageHeaders(account.igUserId, usage));
          }
          const call: GraphCall = { req, params, token, account, flavour, version: req.params.version! };
          return withHeaders(await handler(call), usageHeaders(account.igUserId, usage));
        } catch (error) {
          if (error instanceof GraphFailure) return error.response;
          if (error instanceof SyntaxError) return graphError(400, 100, 'Invalid JSON body');
          throw error;
        }
      });
    }
  };

  const countCall = (account: EmulatedAccount) => {
    const calls = state.window(state.callTimes, account.key);
    calls.push(clock.now());
    const pct = knobs.usageOverridePct ?? (calls.length / knobs.callBudget) * 100;
    const appCalls = [...state.callTimes.values()].reduce((n, l) => n + l.length, 0);
    return { callPct: pct, appPct: Math.min(100, (appCalls / (knobs.callBudget * 10)) * 100), regainMinutes: pct >= 100 ? 60 : 0 };
  };

  const deps: RouteDeps = { server, state, knobs, apps, baseUrl: () => baseUrl, graph, track: (work) => {
    const p = work.finally(() => pending.delete(p));
    pending.add(p);
  } };
  // Control for other processes (demo, benches): knobs and token faults. `/__sandbox/` is the base server's.
  server.route('POST', '/__instagram/knobs', async (req) => {
    const patch = await req.json<Partial<InstagramEmulatorKnobs>>();
    for (const [k, v] of Object.entries(patch)) if (k in knobs) (knobs as unknown as Record<string, unknown>)[k] = v ?? undefined;
    return { status: 200, body: { knobs } };
  });
  server.route('POST', '/__instagram/tokens/:action', async (req) => {
    const { token } = await req.json<{ token?: string }>();
    const t = state.tokens.get(token ?? '');
    if (!t || (req.params.action !== 'expire' && req.params.action !== 'revoke')) return { status: 404, body: { error: 'unknown token or action' } };
    if (req.params.action === 'revoke') t.revoked = true;
    else t.expiresAt = clock.now();
    return { status: 204 };
  });
  registerAuthRoutes(deps);
  registerMediaRoutes(deps);

  const flavourOf = (f: InstagramFlavour): Flavour => (f === 'instagram' ? 'ig' : 'fb');
  const webhooks = new WebhookSender(clock, apps.facebook.clientSecret);
  server.setStateProvider(() => ({
    accounts: [...state.accounts.values()].map((a) => ({ username: a.username, igUserId: a.igUserId, pageId: a.pageId })),
    tokens: [...state.tokens.values()].map((t) => ({ flavour: t.flavour, kind: t.kind, issuedAt: t.issuedAt, expiresAt: t.expiresAt, revoked: t.revoked })),
    containers: [...state.containers.values()].map((c) => ({ id: c.id, mode: c.mode, status: state.statusOf(c), bytes: c.bytes, fileSize: c.fileSize, sha256: c.sha256 })),
    published: emulator.published(),
    knobs,
  }));
  baseUrl = await server.listen();

  const emulator: InstagramEmulator = {
    name: 'instagram',
    url: baseUrl,
    server,
    state,
    knobs,
    apps,
    webhooks,
    close: () => server.close(),
    addAccount: (handle) => state.addAccount(handle),
    authorize: (flavour, handle, redirectUri) => {
      const account = [...state.accounts.values()].find((a) => a.username === handle) ?? state.addAccount(handle);
      return grantCode(deps, flavourOf(flavour), account, redirectUri);
    },
    createSandboxAccount(handle = `sandbox_${state.accounts.size + 1}`, opts = {}) {
      const flavour = opts.flavour ?? 'facebook';
      const account = state.addAccount(handle);
      if (flavour === 'instagram') {
        const token = state.issueToken('ig', 'long', account.key, LONG_LIVED_SECONDS * 1000, ['instagram_business_basic', 'instagram_business_content_publish']);
        return { handle, externalId: account.igUserId, credentials: { flavour, appId: apps.instagram.clientId, appSecret: apps.instagram.clientSecret, accessToken: token.value, tokenIssuedAt: token.issuedAt, tokenExpiresAt: token.expiresAt, igUserId: account.igUserId, username: handle, appScopedUserId: account.appScopedId } };
      }
      const user = state.issueToken('fb', 'long', account.key, LONG_LIVED_SECONDS * 1000, ['instagram_basic', 'instagram_content_publish', 'pages_show_list', 'pages_read_engagement']);
      const page = state.tokens.get(pageTokenOf(deps, account))!;
      return { handle, externalId: account.igUserId, credentials: { flavour, appId: apps.facebook.clientId, appSecret: apps.facebook.clientSecret, accessToken: page.value, tokenIssuedAt: page.issuedAt, tokenExpiresAt: 0, igUserId: account.igUserId, username: handle, pageId: account.pageId, userAccessToken: user.value, userTokenExpiresAt: user.expiresAt } };
    },
    expireToken(token) {
      const t = state.tokens.get(token);
      if (t) t.expiresAt = Math.min(t.expiresAt || clock.now(), clock.now());
    },
    revokeToken(token) {
      const t = state.tokens.get(token);
      if (t) t.revoked = true;
    },
    published: () =>
      [...state.media.values()].map((m) => ({ remoteId: m.id, sha256: m.sha256, text: m.caption, permalink: m.permalink, at: m.publishedAt })),
    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
  return emulator;
}

function withHeaders(res: EmulatorResponse, headers: Record<string, string>): EmulatorResponse {
  return { ...res, headers: { ...headers, ...(res.headers ?? {}) } };
}
