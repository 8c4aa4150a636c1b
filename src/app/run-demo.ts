import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load-config.js';
import { createCampaign } from '../core/campaigns/create-campaign.js';
import { prepareCampaign } from '../core/campaigns/prepare-campaign.js';
import { PLATFORM_IDS, type PlatformId } from '../core/platform-id.js';
import { isFinalState, type PostState } from '../core/post-state.js';
import type { Logger } from '../core/ports/notifier.js';
import { probeMp4 } from '../media/probe.js';
import { startSandbox } from '../sandbox/start-sandbox.js';
import { createWorker } from '../worker/create-worker.js';
import type { EngineActivity } from '../core/engine/engine.js';
import type { DashboardLive } from '../server/dashboard-live.js';
import type { MediaUrlSigner } from '../media/signed-url.js';
import { openApp, type App } from './open-app.js';

/** The bundled example campaign. */
export const EXAMPLE_CAMPAIGN_DIR = resolve(fileURLToPath(import.meta.url), '../../../examples/campaign');

/** One line of the demo's result. */
export interface DemoPost {
  clipId: number;
  platform: PlatformId;
  state: PostState;
  permalink: string | null;
  /** How many times the platform's emulator made this clip public (exactly once means 1). */
  publishedCount: number;
  error?: string;
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Data dir; default a new temporary one. */
  home?: string;
  /** Seconds between clips (default 3). */
  intervalSec?: number;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  logger: Logger;
  onActivity?: (a: EngineActivity) => void;
  /** The queue's status, each time the demo checks whether it is done (a status line). */
  onStatus?: (s: Awaited<ReturnType<App['store']['queueSummary']>>) => void;
  onLine?: (line: string) => void;
  /**
   * Also serve the dashboard (and the API) on 127.0.0.1:`port` (0: any free port) with a fresh API key,
   * printed with the URL; after the posts are final, sandbox, worker and dashboard keep running until
   * `hold` resolves (e.g. on Ctrl-C).
   */
  dashboard?: { port: number; hold: () => Promise<void> };
}

/**
 * The README's main job: on a machine with no accounts, start the sandbox, create a sandbox account per
 * platform, schedule the example campaign a few seconds apart, run the worker until every post is
 * final, and report each post with its link into the sandbox.
 *
 * @example
 * ```ts
 * const { posts } = await runDemo({ logger });
 * ```
 */
export async function runDemo(options: DemoOptions): Promise<{ home: string; posts: DemoPost[]; sandbox: Record<string, string> }> {
  const say = options.onLine ?? (() => undefined);
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'clipcast-demo-')));
  const app = await openApp(loadConfig({}, { home }));
  const sandbox = await startSandbox({ processingMs: 1_500 });
  try {
    say(`Sandbox running: ${Object.entries(sandbox.urls).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const platform of PLATFORM_IDS) {
      const existing = (await app.accounts.list()).find((a) => a.platform === platform && a.sandbox);
      if (existing) continue;
      const acct = sandbox.createAccount(platform, `@clipcast_demo`);
      await app.accounts.add({ platform, handle: acct.handle, externalId: acct.externalId, credentials: acct.credentials, sandbox: true, isMain: true });
    }
    // Publish a copy, so the demo never depends on the bundled folder staying where it is.
    const source = join(home, 'example-campaign');
    await cp(EXAMPLE_CAMPAIGN_DIR, source, { recursive: true });
    const preview = await prepareCampaign(
      { accounts: app.accounts, store: app.store, now: () => app.clock.now(), probe: (f) => probeMp4(f), defaultTimezone: 'UTC' },
      { source, targets: ['tiktok,instagram,youtube'], startDate: 'now', interval: `${options.intervalSec ?? 3}s`, forceNew: true, options: { youtube: { privacyStatus: 'public' }, tiktok: { privacy_level: 'PUBLIC_TO_EVERYONE' } } },
    );
    const { campaign, posts: count } = await createCampaign({ store: app.store, now: () => app.clock.now(), newId: app.newId, importMedia: (f) => app.media.importFile(f), remuxMedia: (f) => app.media.importRemuxed(f) }, preview);
    say(`Campaign ${campaign.id}: ${count} posts (${preview.source.clips.length} clips × 3 platforms), ${options.intervalSec ?? 3}s apart.`);

    // The HTTP stack loads only with --dashboard (the demo and the worker share this module's command).
    const live = options.dashboard ? new (await import('../server/dashboard-live.js')).DashboardLive(app) : undefined;
    const served = options.dashboard ? await serveDashboard(app, options.dashboard.port, live!) : undefined;
    if (served) say(`Dashboard: ${served.url}/ (sign in with the API key ${served.key}; it is shown once)`);
    const worker = await createWorker({
      app,
      logger: options.logger,
      sandbox: sandbox.urls,
      idleCheckMs: 500,
      tune: {
        // The sandbox's app has passed its audit (the emulator's default), so the demo may post publicly.
        tiktok: { pollInitialMs: 500, pollMaxMs: 1_000, audited: true },
        instagram: { poll: { firstDelayMs: 500, intervalMs: 1_000, backoff: 1, maxIntervalMs: 1_000, maxWaitMs: 60_000, lateIntervalMs: 1_000 } },
        youtube: { pollIntervalMs: 1_000 },
      },
      engine: { retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 3_000 } },
      ...(options.onActivity || live
        ? {
            onActivity: (a: EngineActivity) => {
              options.onActivity?.(a);
              live?.activity(a);
            },
          }
        : {}),
    });
    const running = worker.run();
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const { posts } = await app.store.listPosts({ campaignId: campaign.id, limit: 1000 });
      options.onStatus?.(await app.store.queueSummary(app.clock.now()));
      if (posts.every((p) => isFinalState(p.state)) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (served && options.dashboard) {
      say(`Every post is final. The dashboard, the worker and the sandbox keep running at ${served.url}/ — press Ctrl-C to stop.`);
      await options.dashboard.hold();
    }
    worker.stop();
    await running;
    await served?.server.close();
    const { posts } = await app.store.listPosts({ campaignId: campaign.id, limit: 1000 });
    const clips = new Map((await Promise.all(posts.map((p) => app.store.getClip(p.clipRowId)))).map((c) => [c!.id, c!]));
    const remote = sandbox.published();
    const countOf = (platform: PlatformId, sha256: string) => remote.filter((r) => r.platform === platform && r.sha256 === sha256).length;
    return {
      home,
      sandbox: sandbox.urls,
      posts: posts.map((p) => ({ clipId: p.clipId, platform: p.platform, state: p.state, permalink: p.permalink, publishedCount: countOf(p.platform, clips.get(p.clipRowId)!.mediaSha256), ...(p.lastError && p.state !== 'published' ? { error: p.lastError.message } : {}) })),
    };
  } finally {
    await sandbox.close();
    await app.close();
    // A data dir the demo made for itself goes with it (its sandbox, and so its links, are gone too).
    if (!options.home) await rm(home, { recursive: true, force: true });
  }
}

/** The API and dashboard over the demo's app, with a new key to sign in with. */
async function serveDashboard(app: App, port: number, live: DashboardLive) {
  const [{ createApiKey }, { startServer }, { mediaHandlerFor, mediaSigner }] = await Promise.all([import('../server/api-keys.js'), import('../server/build-server.js'), import('./media-signer.js')]);
  const { key } = await createApiKey(app, 'demo dashboard');
  // Signed preview URLs name the origin, known once the server listens (port 0 picks one): set them then.
  const media: { handler?: ReturnType<typeof mediaHandlerFor>; signer?: MediaUrlSigner } = {};
  const { server, url } = await startServer({
    app,
    port,
    expectWorker: true,
    mediaHandler: (req, res) => media.handler?.(req, res),
    dashboard: { live, mediaUrl: (sha) => media.signer!.sign(sha, app.clock.now() + 3_600_000) },
  });
  media.signer = (await mediaSigner(app, url))!;
  media.handler = mediaHandlerFor(app, media.signer);
  return { server, url, key };
}
