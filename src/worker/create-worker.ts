import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { App } from '../app/open-app.js';
import { createAdapterRegistry, type AdapterRegistryOptions } from '../app/adapter-registry.js';
import { Engine, type EngineActivity, type EngineOptions } from '../core/engine/engine.js';
import type { Logger } from '../core/ports/notifier.js';
import { LocalDispatcher } from '../dispatch/local/local-dispatcher.js';
import { WebhookNotifier } from '../notify/webhook-notifier.js';
import { postizAdapterFor } from '../app/postiz-wiring.js';
import type { MediaUrlSigner } from '../media/signed-url.js';
import { startMediaServer, type MediaServer } from './media-server.js';
import type { SandboxUrls } from '../sandbox/sandbox-urls.js';
import { runningSandbox, type PlatformApps } from '../app/platform-apps.js';

/** The settings key the worker refreshes while alive (`/readyz` reads it). */
export const WORKER_HEARTBEAT_SETTING = 'worker.heartbeat';

/** Options of {@link createWorker}. */
export interface WorkerOptions {
  app: App;
  logger: Logger;
  /** The configured platform apps, for accounts whose credentials carry none (default none). */
  apps?: PlatformApps;
  /** Sandbox URLs; default: those a running `clipcast sandbox` recorded in the store. */
  sandbox?: SandboxUrls;
  concurrency?: number;
  perAccount?: number;
  perPlatform?: number;
  tune?: AdapterRegistryOptions['tune'];
  engine?: Partial<Pick<EngineOptions, 'retry' | 'leaseMs' | 'random'>>;
  onActivity?: (a: EngineActivity) => void;
  /** Max sleep between store checks, ms (default 2 s). */
  idleCheckMs?: number;
  /** Skip clipcast's own quota accounting (load tests against emulators with their limits off). */
  ignoreQuota?: boolean;
  /** Signs public media URLs (when clipcast serves media under a public URL). */
  signer?: MediaUrlSigner;
  /**
   * Serve the signed media route from this worker (so it alone can publish what platforms pull by URL):
   * listen on `host:port`; URLs are signed under `publicUrl` (default: the address it listens on).
   * Ignored when `signer` is given (then another process serves the media).
   */
  serveMedia?: { host: string; port: number; publicUrl?: string };
}

/** A wired worker: the engine, its dispatcher and the webhook deliverer. */
export interface Worker {
  id: string;
  engine: Engine;
  dispatcher: LocalDispatcher;
  notifier: WebhookNotifier;
  /** The media server this worker runs, when asked to serve media. */
  media?: MediaServer;
  run(): Promise<void>;
  stop(): void;
}

/**
 * Wires the engine for a shell (CLI `worker`, `serve`, `demo`): adapters per account, signed webhooks,
 * the local dispatcher, and a heartbeat in the store.
 *
 * @example
 * ```ts
 * const worker = await createWorker({ app, logger });
 * process.once('SIGTERM', () => worker.stop());
 * await worker.run();
 * ```
 */
export async function createWorker(options: WorkerOptions): Promise<Worker> {
  const { app, logger } = options;
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const running = await runningSandbox(app.store);
  let media: MediaServer | undefined;
  let signer = options.signer;
  if (!signer && options.serveMedia) {
    media = await startMediaServer(app, options.serveMedia);
    signer = media.signer;
  }
  const sandbox = options.sandbox ?? running?.urls;
  // --ignore-quota (load tests against emulators with limits off) also stops pacing TikTok's inits.
  const tune = options.ignoreQuota ? { ...(options.tune ?? {}), tiktok: { ...(options.tune?.tiktok ?? {}), initsPerMinute: 0 } } : options.tune;
  const registry = createAdapterRegistry({ accounts: app.accounts, clock: app.clock, ...(options.apps ? { apps: options.apps } : {}), ...(options.ignoreQuota ? { sandboxQuota: false } : {}), ...(signer ? { signer } : {}), ...(sandbox ? { sandbox } : {}), ...(tune ? { tune } : {}) });
  const notifier = new WebhookNotifier({ store: app.store, secrets: app.secrets, clock: app.clock, logger, makeId: app.newId });
  // Postiz channel accounts publish through the Postiz server; every other account directly.
  const postiz = postizAdapterFor(app, { notifier });
  const engine = new Engine({
    store: app.store,
    accounts: app.accounts,
    adapterFor: (a) => postiz(a) ?? registry.adapterFor(a),
    mediaFor: (c, platform) => registry.mediaFor(c, platform),
    quotaFor: (p, a) => registry.quotaFor(p, a),
    clock: app.clock,
    workerId: id,
    notifier,
    logger,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.perAccount ? { perAccount: options.perAccount } : {}),
    ...(options.perPlatform ? { perPlatform: options.perPlatform } : {}),
    ...(options.onActivity ? { onActivity: options.onActivity } : {}),
    ...(options.engine ?? {}),
  });
  let lastBeat = 0;
  let lastDelivery = -Infinity;
  const dispatcher = new LocalDispatcher({
    engine,
    store: app.store,
    clock: app.clock,
    ...(options.idleCheckMs ? { idleCheckMs: options.idleCheckMs } : {}),
    onWake: async () => {
      // A busy worker wakes every time a post settles: look for due webhooks at most every 250 ms of
      // real time (pacing, not the domain clock, which tests freeze).
      if (performance.now() - lastDelivery >= 250) {
        lastDelivery = performance.now();
        await notifier.deliverDue().catch((e: unknown) => logger.warn({ err: String(e) }, 'webhook delivery pass failed'));
      }
      const now = app.clock.now();
      if (now - lastBeat > 5_000) {
        lastBeat = now;
        await app.store.setSetting(WORKER_HEARTBEAT_SETTING, String(now), now);
      }
    },
  });
  return {
    id,
    engine,
    dispatcher,
    notifier,
    ...(media ? { media } : {}),
    run: async () => {
      try {
        await dispatcher.run();
      } finally {
        await media?.close();
      }
    },
    stop: () => dispatcher.stop(),
  };
}
