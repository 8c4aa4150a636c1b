import type { Command } from 'commander';
import { runDemo } from '../../app/run-demo.js';
import { InputError } from '../../core/input-error.js';
import { isFinalState } from '../../core/post-state.js';
import { PLATFORM_IDS } from '../../core/platform-id.js';
import { startSandbox } from '../../sandbox/start-sandbox.js';
import { SANDBOX_URLS_SETTING } from '../../sandbox/sandbox-urls.js';
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
    .action((flags: { concurrency: string; perAccount: string; perPlatform: string; untilIdle?: boolean; leaseMs: string; ignoreQuota?: boolean }) =>
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
        const worker = await createWorker({ app, logger: view ? view.logger(logger) : logger, concurrency, perAccount, perPlatform, engine: { leaseMs }, ...(flags.ignoreQuota ? { ignoreQuota: true } : {}), ...(view ? { onActivity: (a) => view.activity(a) } : {}) });
        const stop = () => worker.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let idleTimer: NodeJS.Timeout | undefined;
        if (flags.untilIdle || view) {
          idleTimer = setInterval(() => {
            void (async () => {
              const status = await app.store.queueSummary(app.clock.now());
              view?.status(status);
              if (flags.untilIdle && Object.keys(status.counts).every((state) => isFinalState(state as never) || state === 'needs_reauth')) worker.stop();
            })();
          }, 500);
        }
        logger.info({ worker: worker.id }, 'worker started');
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
        const sandbox = await startSandbox({ ...(portBase ? { portBase } : {}), processingMs: Number(flags.processingMs) });
        const app = await ctx.app();
        await app.store.setSetting(SANDBOX_URLS_SETTING, JSON.stringify(sandbox.urls), app.clock.now());
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
    .action((flags: { interval: string }) =>
      run(async (ctx) => {
        const intervalSec = Number(flags.interval);
        if (!Number.isFinite(intervalSec) || intervalSec < 1) throw new InputError('INTERVAL_INVALID', `--interval "${flags.interval}" is not a number of seconds ≥ 1`, 'e.g. --interval 3', '--interval');
        const logger = await ctx.logger('warn'); // the demo prints its own summary
        const view = ctx.isTTY ? new ProgressView(process.stderr) : undefined;
        const result = await runDemo({
          intervalSec,
          logger: view ? view.logger(logger) : logger,
          ...(view ? { onActivity: (a) => view.activity(a), onStatus: (st) => view.status(st) } : {}),
          onLine: (line) => {
            if (ctx.json) return;
            if (view) process.stderr.write('\r\x1b[2K'); // the status line, redrawn below the new line
            ctx.out.write(`${line}\n`);
          },
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
