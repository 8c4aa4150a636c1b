import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { mediaHandlerFor, mediaSigner } from '../../src/app/media-signer.js';
import { openApp, type App } from '../../src/app/open-app.js';
import { EXAMPLE_CAMPAIGN_DIR } from '../../src/app/run-demo.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createCampaign } from '../../src/core/campaigns/create-campaign.js';
import { prepareCampaign } from '../../src/core/campaigns/prepare-campaign.js';
import { PLATFORM_IDS } from '../../src/core/platform-id.js';
import { probeMp4 } from '../../src/media/probe.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { startServer } from '../../src/server/build-server.js';
import { coreCampaignCreator } from '../../src/server/core-campaigns.js';
import { DashboardLive } from '../../src/server/dashboard-live.js';

/** Where test screenshots go (gitignored). */
export const ARTIFACTS = resolve(fileURLToPath(import.meta.url), '../../../test-artifacts');

/** The flags every test browser starts with: headless, no network beyond loopback, no profile reuse. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Builds the dashboard with Vite into a temp folder (the test serves the sources it checks, not a stale
 * dist/web) and returns the folder.
 */
export async function buildWeb(): Promise<string> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'clipcast-web-'));
  await build({
    configFile: resolve(fileURLToPath(import.meta.url), '../../../web/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** Launches Debian's Chromium with a fresh profile. */
export async function launchChromium(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(
      'browser tests need Chromium at /usr/bin/chromium: apt-get update && apt-get install -y chromium',
    );
  const profile = mkdtempSync(join(tmpdir(), 'clipcast-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
    timezoneId: 'UTC',
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
  });
  return {
    browser: context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A dashboard over a real app (SQLite, real clock), the sandbox with one account per platform, and a key. */
export interface DashboardFixture {
  app: App;
  sandbox: Sandbox;
  server: FastifyInstance;
  live: DashboardLive;
  url: string;
  key: string;
  home: string;
  /** Plans the example campaign (4 clips × 3 platforms) from `startDate` (`YYYY-MM-DD HH:mm` UTC). */
  addCampaign(startDate: string, interval: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts the fixture; the server listens on 127.0.0.1, port 0. */
export async function dashboardFixture(webRoot: string): Promise<DashboardFixture> {
  const home = mkdtempSync(join(tmpdir(), 'clipcast-dash-'));
  const app = await openApp(loadConfig({}, { home }));
  const sandbox = await startSandbox({ processingMs: 300 });
  for (const platform of PLATFORM_IDS) {
    const acct = sandbox.createAccount(platform, '@clipcast_demo');
    await app.accounts.add({
      platform,
      handle: acct.handle,
      externalId: acct.externalId,
      credentials: acct.credentials,
      sandbox: true,
      isMain: true,
    });
  }
  const { key } = await createApiKey(app, 'browser-test');
  const sourceRoot = join(home, 'sources');
  await cp(EXAMPLE_CAMPAIGN_DIR, join(sourceRoot, 'example'), { recursive: true });
  const live = new DashboardLive(app, 200);
  const publicUrl = 'http://127.0.0.1';
  const signer = (await mediaSigner(app, publicUrl))!;
  const { server, url } = await startServer({
    app,
    expectWorker: false,
    mediaHandler: mediaHandlerFor(app, signer),
    campaigns: coreCampaignCreator(app, { sourceRoots: [sourceRoot], defaultTimezone: 'UTC' }),
    dashboard: {
      webRoot,
      live,
      sourceRoots: [sourceRoot],
      mediaUrl: (sha) => signer.sign(sha, app.clock.now() + 3_600_000),
    },
  });
  let n = 0;
  return {
    app,
    sandbox,
    server,
    live,
    url,
    key,
    home,
    async addCampaign(startDate, interval) {
      const source = join(home, `campaign-${++n}`);
      await cp(EXAMPLE_CAMPAIGN_DIR, source, { recursive: true });
      const preview = await prepareCampaign(
        {
          accounts: app.accounts,
          store: app.store,
          now: () => app.clock.now(),
          probe: (f) => probeMp4(f),
          defaultTimezone: 'UTC',
        },
        {
          source,
          targets: ['tiktok,instagram,youtube'],
          startDate,
          interval,
          timezone: 'UTC',
          forceNew: true,
          options: {
            youtube: { privacyStatus: 'public', selfDeclaredMadeForKids: false },
            tiktok: { privacy_level: 'PUBLIC_TO_EVERYONE' },
          },
        },
      );
      const { campaign } = await createCampaign(
        {
          store: app.store,
          now: () => app.clock.now(),
          newId: app.newId,
          importMedia: (f) => app.media.importFile(f),
        },
        preview,
      );
      return campaign.id;
    },
    async close() {
      await server.close();
      await sandbox.close();
      await app.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Makes the artifacts folder. */
export function artifactsDir(): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}

export type { Browser };
