import type { Command } from 'commander';
import { InputError } from '../../core/input-error.js';
import { PLATFORM_IDS } from '../../core/platform-id.js';
import { SANDBOX_APPS_SETTING, SANDBOX_URLS_SETTING } from '../../sandbox/sandbox-urls.js';
import { platformAppsFromEnv } from '../../app/platform-apps.js';
import { createWorker } from '../../worker/create-worker.js';
import { table } from '../format.js';
import type { CliContext } from '../cli-context.js';
import { ProgressView } from '../progress-view.js';

/** `worker`, `sandbox`, `demo`. */
export function registerRuntime(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  program
    .command('worker')
    .description('publish due posts until stopped (SIGINT/SIGTERM leave in-flight posts resumable)')
    .option('--concurrency <n>', 'posts in flight at once', '8')
    .option('--per-account <n>', 'posts in flight per account', '2')
    .option('--per-platform <n>', 'posts in flight per platform', '4')
    .option('--ignore-quota', 'skip clipcast\'s own quota accounting (only for load tests against emulators with limits off)')
    .option('--until-idle', 'exit once no post is waiting to be published')
    .option('--lease-ms <ms>', 'how long a claimed post stays with this worker without renewal (a dead worker\'s posts resume after it)', '60000')
    .option('--media-port <n>', 'with CLIPCAST_PUBLIC_URL: serve the signed media URLs (Instagram Login video_url, TikTok pull) on this port (default: the public URL\'s port when it is local, else 8080)')
    .option('--media-host <host>', 'address the media route binds', '127.0.0.1')
    .option('--no-media', 'do not serve media from this worker (a `clipcast serve` on the same data dir serves it)')
    .action((flags: { concurrency: string; perAccount: string; perPlatform: string; untilIdle?: boolean; leaseMs: string; ignoreQuota?: boolean; mediaPort?: string; mediaHost: string; media: boolean }) =>
      run(async (ctx) => {
        const positive = (text: string, flag: string) => {
          const n = Number(text);
          if (!Number.isInteger(n) || n < 1) throw new InputError('NUMBER_INVALID', `${flag} "${text}" is not a positive whole number`, `e.g. ${flag} 4`, flag);
          return n;
        };
        const concurrency = positive(flags.concurrency, '--concurrency');
        const perAccount = positive(flags.perAccount, '--per-account');
        const perPlatform = positive(flags.perPlatform, '--per-platform');
        const leaseMs = Number(flags.leaseMs);
        if (!Number.isInteger(leaseMs) || leaseMs < 1_000) throw new InputError('LEASE_INVALID', `--lease-ms "${flags.leaseMs}" is not a whole number of milliseconds ≥ 1000`, 'e.g. --lease-ms 60000', '--lease-ms');
        const app = await ctx.app();
        const logger = await ctx.logger();
        const view = ctx.isTTY ? new ProgressView(process.stderr) : undefined;
        // With a public URL the worker serves the signed media route itself: no `serve` needed for pulls.
        const publicUrl = ctx.config().publicUrl;
        const mediaPort = flags.mediaPort === undefined ? defaultMediaPort(publicUrl) : Number(flags.mediaPort);
        if (!Number.isInteger(mediaPort) || mediaPort < 0 || mediaPort > 65_535) throw new InputError('PORT_INVALID', `--media-port "${flags.mediaPort}" is not a port`, 'e.g. --media-port 8080', '--media-port');
        const serveMedia = publicUrl && flags.media ? { host: flags.mediaHost, port: mediaPort, publicUrl } : undefined;
        const worker = await createWorker({ app, apps: platformAppsFromEnv(ctx.env), ...(serveMedia ? { serveMedia } : {}), logger: view ? view.logger(logger) : logger, concurrency, perAccount, perPlatform, engine: { leaseMs }, ...(flags.ignoreQuota ? { ignoreQuota: true } : {}), ...(view ? { onActivity: (a) => view.activity(a) } : {}) });
        const stop = () => worker.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let idleTimer: NodeJS.Timeout | undefined;
        if (flags.untilIdle || view) {
          idleTimer = setInterval(() => {
            void (async () => {
              // The status line counts every post; --until-idle needs only an index probe.
              if (view) view.status(await app.store.queueSummary(app.clock.now()));
              if (flags.untilIdle && !(await app.store.hasUnsettledPosts())) worker.stop();
            })().catch((e: unknown) => logger.warn({ err: String(e) }, 'could not read the queue; checking again'));
          }, 500);
        }
        logger.info({ worker: worker.id, ...(worker.media ? { media: worker.media.url } : {}) }, 'worker started');
        await worker.run();
        if (idleTimer) clearInterval(idleTimer);
        view?.close();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        logger.info({ worker: worker.id }, 'worker stopped; in-flight posts are resumable');
      }),
    );

  program
    .command('sandbox')
    .description('run the built-in emulators of TikTok, Instagram, YouTube and Postiz until stopped')
    .option('--port-base <n>', 'use ports n+1 (TikTok), n+2 (Instagram), n+3 (YouTube), n+4 (Postiz)')
    .option('--processing-ms <ms>', 'simulated processing time of uploads', '2000')
    .action((flags: { portBase?: string; processingMs: string }) =>
      run(async (ctx) => {
        const portBase = flags.portBase === undefined ? undefined : Number(flags.portBase);
        if (portBase !== undefined && (!Number.isInteger(portBase) || portBase < 1 || portBase > 65_000)) throw new InputError('PORT_INVALID', `--port-base "${flags.portBase}" is not a port`, 'e.g. --port-base 7100', '--port-base');
        // Loaded on demand (as the demo below): the emulators are not a worker's business, nor its RSS.
        const { startSandbox } = await import('../../sandbox/start-sandbox.js');
        const sandbox = await startSandbox({ ...(portBase ? { portBase } : {}), processingMs: Number(flags.processingMs) });
        const app = await ctx.app();
        await app.store.setSetting(SANDBOX_URLS_SETTING, JSON.stringify(sandbox.urls), app.clock.now());
        await app.store.setSetting(SANDBOX_APPS_SETTING, JSON.stringify(sandbox.apps), app.clock.now());
        // A sandbox account per platform: created the first time, given fresh tokens on every start
        // (a new sandbox knows none of the old ones), with posts paused for reauth resumed.
        const accounts: { id: string; platform: string; handle: string }[] = [];
        for (const platform of PLATFORM_IDS) {
          const existing = (await app.store.listAccounts({ platform })).filter((a) => a.sandbox && a.active);
          if (!existing.length) {
            const a = sandbox.createAccount(platform, '@sandbox');
            accounts.push(await app.accounts.add({ platform, handle: a.handle, externalId: a.externalId, credentials: a.credentials, sandbox: true }));
            continue;
          }
          for (const account of existing) {
            const fresh = sandbox.createAccount(platform, account.handle);
            // A new sandbox knows the account under a new identity: record it, so connect matches it.
            await app.store.updateAccount(account.id, { externalId: fresh.externalId });
            await app.accounts.saveCredentials(account.id, fresh.credentials);
            await app.store.resumeAccountPosts(account.id, app.clock.now());
            accounts.push({ id: account.id, platform, handle: account.handle });
          }
        }
        ctx.print({ sandbox: sandbox.urls, postizApiKey: sandbox.postiz.apiKey, accounts: accounts.map((a) => ({ id: a.id, platform: a.platform, handle: a.handle })) }, () => [
          'Sandbox emulators (Ctrl-C to stop):',
          ...table(Object.entries(sandbox.urls).map(([k, v]) => [`  ${k}`, v])),
          `Sandbox accounts: ${accounts.map((a) => `${a.platform}:${a.handle}`).join(', ')} (publish with --platforms tiktok,instagram,youtube, then run clipcast worker)`,
          `Postiz sandbox API key: ${sandbox.postiz.apiKey} (a sandbox value, not a secret)`,
          'Sandbox accounts in this data dir now publish here; faults: POST <url>/__sandbox/faults',
        ]);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await app.store.setSetting(SANDBOX_URLS_SETTING, '{}', app.clock.now());
        await sandbox.close();
      }),
    );

  program
    .command('demo')
    .description('publish the bundled example campaign to the sandbox of all three platforms, no accounts needed')
    .option('--interval <seconds>', 'seconds between clips', '3')
    .option('--dashboard', 'also serve the web dashboard and keep it, the worker and the sandbox running until Ctrl-C')
    .option('--port <n>', 'dashboard port with --dashboard (0: any free port)', '0')
    .action((flags: { interval: string; dashboard?: boolean; port: string }) =>
      run(async (ctx) => {
        const intervalSec = Number(flags.interval);
        if (!Number.isFinite(intervalSec) || intervalSec < 1) throw new InputError('INTERVAL_INVALID', `--interval "${flags.interval}" is not a number of seconds ≥ 1`, 'e.g. --interval 3', '--interval');
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InputError('PORT_INVALID', `--port "${flags.port}" is not a port`, 'e.g. --port 8080', '--port');
        const logger = await ctx.logger('warn'); // the demo prints its own summary
        const view = ctx.isTTY ? new ProgressView(process.stderr) : undefined;
        const { runDemo } = await import('../../app/run-demo.js');
        const result = await runDemo({
          intervalSec,
          logger: view ? view.logger(logger) : logger,
          ...(view ? { onActivity: (a) => view.activity(a), onStatus: (st) => view.status(st) } : {}),
          onLine: (line) => {
            if (ctx.json) return;
            if (view) process.stderr.write('\r\x1b[2K'); // the status line, redrawn below the new line
            ctx.out.write(`${line}\n`);
          },
          ...(flags.dashboard
            ? {
                dashboard: {
                  port,
                  hold: () =>
                    new Promise<void>((resolve) => {
                      process.once('SIGINT', resolve);
                      process.once('SIGTERM', resolve);
                    }),
                },
              }
            : {}),
        });
        view?.close();
        const published = result.posts.filter((p) => p.state === 'published').length;
        const once = result.posts.filter((p) => p.publishedCount === 1).length;
        ctx.print({ posts: result.posts }, () => [
          ...table([['clip', 'platform', 'state', 'times on platform', 'link'], ...result.posts.map((p) => [String(p.clipId), p.platform, p.state, String(p.publishedCount), p.permalink ?? p.error ?? ''])]),
          `${published} of ${result.posts.length} posts published; the sandbox counted ${once} of them made public exactly once.`,
          '(The sandbox has stopped and the demo\'s temporary data dir is removed; run `clipcast sandbox` to keep emulators running.)',
        ]);
        if (published !== result.posts.length || once !== result.posts.length) process.exitCode = 1;
      }),
    );
}

/** The port of a local public URL (http://127.0.0.1:8080 → 8080), else 8080 (`serve`'s default). */
function defaultMediaPort(publicUrl: string | undefined): number {
  if (!publicUrl) return 8080;
  try {
    const u = new URL(publicUrl);
    if (['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && u.port) return Number(u.port);
  } catch {
    // not a URL: the default
  }
  return 8080;
}
