import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapterRegistry } from '../../src/app/adapter-registry.js';
import { openApp, type App } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createCampaign } from '../../src/core/campaigns/create-campaign.js';
import { prepareCampaign } from '../../src/core/campaigns/prepare-campaign.js';
import { FakeClock } from '../../src/core/clock.js';
import { Engine, type EngineOptions } from '../../src/core/engine/engine.js';
import type { PlatformId } from '../../src/core/platform-id.js';
import { isFinalState } from '../../src/core/post-state.js';
import type { Notifier } from '../../src/core/ports/notifier.js';
import { probeMp4 } from '../../src/media/probe.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { EXAMPLE_CAMPAIGN } from './cliper-fixtures.js';

/** Fast polls for tests (the fake clock makes waiting free, but fewer steps keep tests quick). */
export const FAST_TUNE = {
  tiktok: { pollInitialMs: 1_000, pollMaxMs: 2_000 },
  instagram: { poll: { firstDelayMs: 1_000, intervalMs: 2_000, backoff: 1, maxIntervalMs: 2_000, maxWaitMs: 600_000, lateIntervalMs: 2_000 } },
  youtube: { pollIntervalMs: 2_000 },
};

/**
 * A temp data dir (real SQLite), the whole sandbox on a fake clock, sandbox accounts, and an engine
 * wired exactly as the worker wires it.
 */
export async function engineHarness(options: { platforms?: PlatformId[]; engine?: Partial<EngineOptions>; notifier?: Notifier; databaseUrl?: string } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'clipcast-engine-'));
  const clock = new FakeClock(Date.UTC(2026, 11, 7, 12, 0, 0));
  const sandbox: Sandbox = await startSandbox({ clock, processingMs: 5_000 });
  const app: App = await openApp(loadConfig({}, { home: join(root, 'home'), ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) }), { clock });
  const platforms = options.platforms ?? ['tiktok', 'instagram', 'youtube'];
  const accounts: Record<string, string> = {};
  const credentials: Record<string, Record<string, unknown>> = {};
  for (const platform of platforms) {
    const a = sandbox.createAccount(platform, '@engine_test');
    credentials[platform] = a.credentials;
    accounts[platform] = (await app.accounts.add({ platform, handle: a.handle, externalId: a.externalId, credentials: a.credentials, sandbox: true })).id;
  }
  const registry = createAdapterRegistry({ accounts: app.accounts, clock, sandbox: sandbox.urls, tune: FAST_TUNE });
  const makeEngine = (extra: Partial<EngineOptions> = {}) =>
    new Engine({
      store: app.store,
      accounts: app.accounts,
      adapterFor: (a) => registry.adapterFor(a),
      mediaFor: (c, platform) => registry.mediaFor(c, platform),
      quotaFor: (p, a) => registry.quotaFor(p, a),
      clock,
      workerId: `test-${Math.random().toString(36).slice(2, 8)}`,
      renewEveryMs: 0,
      random: () => 0.5,
      ...(options.notifier ? { notifier: options.notifier } : {}),
      ...options.engine,
      ...extra,
    });
  const engine = makeEngine();

  /** Creates a campaign of the example clips on the given targets, starting now. */
  async function schedule(targets = platforms.join(','), interval = '1m', source = EXAMPLE_CAMPAIGN) {
    const dir = join(root, `src-${Math.random().toString(36).slice(2, 8)}`);
    await cp(source, dir, { recursive: true });
    const preview = await prepareCampaign(
      { accounts: app.accounts, store: app.store, now: () => clock.now(), probe: (f) => probeMp4(f), defaultTimezone: 'UTC' },
      { source: dir, targets: [targets], startDate: 'now', interval, forceNew: true, options: { youtube: { privacyStatus: 'public' } } },
    );
    return createCampaign({ store: app.store, now: () => clock.now(), newId: app.newId, importMedia: (f) => app.media.importFile(f), remuxMedia: (f) => app.media.importRemuxed(f) }, preview);
  }

  /**
   * Runs the engine like the dispatcher does, jumping the fake clock to each next wake-up, until every
   * post is final (or `maxSteps` wake-ups). Returns the posts.
   */
  async function drive(e: Engine = engine, maxSteps = 500, stopWhen?: () => Promise<boolean>) {
    for (let i = 0; i < maxSteps; i++) {
      await e.runDue();
      const { posts } = await app.store.listPosts({ limit: 10_000 });
      if (posts.every((p) => isFinalState(p.state) || p.state === 'needs_reauth')) return posts;
      if (stopWhen && (await stopWhen())) return posts;
      const wake = await app.store.nextWakeAt();
      if (wake === null) return posts;
      clock.set(Math.max(wake, clock.now() + 1));
    }
    throw new Error('posts did not reach a final state');
  }

  return {
    root,
    clock,
    sandbox,
    app,
    accounts,
    credentials,
    engine,
    makeEngine,
    schedule,
    drive,
    async cleanup() {
      await sandbox.close();
      await app.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
