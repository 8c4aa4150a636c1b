import type { Command } from 'commander';
import { buildOAuthProviders } from '../../app/oauth-providers.js';
import { platformAppsFromEnv, runningSandbox } from '../../app/platform-apps.js';
import { mediaHandlerFor, mediaSigner } from '../../app/media-signer.js';
import { InputError } from '../../core/input-error.js';
import { newWebhookSecret } from '../../notify/webhook-notifier.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../server/api-keys.js';
import { createWorker } from '../../worker/create-worker.js';
import { iso, table } from '../format.js';
import type { CliContext } from '../cli-context.js';

/** `serve`, `apikeys create|list|revoke`, `webhooks add|list|remove`. */
export function registerServer(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  program
    .command('serve')
    .description('run the HTTP API (OpenAPI at /docs) and, unless --no-worker, the worker in the same process')
    .option('--port <n>', 'port', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--no-worker', 'API only (run `clipcast worker` elsewhere)')
    .action((flags: { port: string; host: string; worker: boolean }) =>
      run(async (ctx) => {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InputError('PORT_INVALID', `--port "${flags.port}" is not a port`, 'e.g. --port 8080', '--port');
        // The HTTP stack (Fastify, its plugins) loads only for `serve`: every other command, the worker
        // above all (restarted after a crash), starts without it.
        const [{ startServer }, { coreCampaignCreator }, { platformWebhookSinks }, { DashboardLive }] = await Promise.all([import('../../server/build-server.js'), import('../../server/core-campaigns.js'), import('../../server/platform-webhooks.js'), import('../../server/dashboard-live.js')]);
        const app = await ctx.app();
        const env = ctx.env;
        const logger = await ctx.logger();
        const apps = platformAppsFromEnv(env);
        const sandbox = await runningSandbox(app.store, env.CLIPCAST_INSTAGRAM_LOGIN === 'instagram' ? 'instagram' : 'facebook');
        const publicUrl = ctx.config().publicUrl ?? `http://${flags.host}:${port}`;
        const signer = await mediaSigner(app, publicUrl);
        const live = new DashboardLive(app);
        const worker = flags.worker ? await createWorker({ app, logger, apps, onActivity: live.activity, ...(signer ? { signer } : {}) }) : undefined;
        const { url, server } = await startServer({
          app,
          port,
          host: flags.host,
          logger: true,
          publicUrl,
          expectWorker: !!worker,
          oauth: buildOAuthProviders({ clock: app.clock, apps: sandbox ? { ...sandbox.apps, ...apps } : apps, ...(sandbox ? { sandbox: sandbox.urls } : {}) }),
          campaigns: coreCampaignCreator(app, { sourceRoots: ctx.config().sourceRoots }),
          webhooks: platformWebhookSinks({
            ...(env.CLIPCAST_TIKTOK_CLIENT_SECRET ? { tiktokClientSecret: env.CLIPCAST_TIKTOK_CLIENT_SECRET } : {}),
            ...(env.CLIPCAST_META_APP_SECRET ? { metaAppSecret: env.CLIPCAST_META_APP_SECRET } : {}),
            ...(env.CLIPCAST_META_VERIFY_TOKEN ? { metaVerifyToken: env.CLIPCAST_META_VERIFY_TOKEN } : {}),
            sink: async (event) => {
              // Platform events are recorded in the ledger; the worker's next poll picks up the new status.
              await app.store.appendEvents([{ type: `webhook.${event.source}`, data: { id: event.id, body: event.body as Record<string, unknown> } }], app.clock.now());
              worker?.dispatcher.notify();
            },
          }),
          ...(signer ? { mediaHandler: mediaHandlerFor(app, signer) } : {}),
          dashboard: { live, sourceRoots: [...ctx.config().sourceRoots], uploadLimits: uploadLimitsOf(ctx.config()), ...(signer ? { mediaUrl: (sha: string) => signer.sign(sha, app.clock.now() + 3_600_000) } : {}) },
        });
        ctx.out.write(`clipcast API on ${url} (dashboard ${url}/, docs ${url}/docs)${worker ? ', worker running' : ''}\n`);
        ctx.out.write(`POST /campaigns reads folders under: ${ctx.config().sourceRoots.join(', ') || '(none: set CLIPCAST_SOURCE_ROOTS)'}\n`);
        const running = worker?.run();
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        worker?.stop();
        await running;
        await server.close();
      }),
    );

  const keys = program.command('apikeys').description('API keys for the HTTP API (stored hashed; shown once)');
  keys.command('create').argument('<name>', 'what the key is for').action((name: string) =>
    run(async (ctx) => {
      const key = await createApiKey(await ctx.app(), name);
      ctx.print({ apikey: key }, () => [`API key ${key.id} (${key.name}), shown once; store it now:`, `  ${key.key}`, 'Send it as: Authorization: Bearer <key>']);
    }),
  );
  keys.command('list').action(() =>
    run(async (ctx) => {
      const list = await listApiKeys(await ctx.app());
      ctx.print({ apikeys: list }, () => (list.length ? table([['id', 'name', 'prefix', 'created', 'revoked'], ...list.map((k) => [k.id, k.name, k.prefix, String(k.createdAt), String(k.revokedAt ?? '')])]) : ['No API keys. Create one with: clipcast apikeys create <name>']));
    }),
  );
  keys.command('revoke').argument('<id>', 'key id or prefix').action((id: string) =>
    run(async (ctx) => {
      if (!(await revokeApiKey(await ctx.app(), id))) throw new InputError('APIKEY_UNKNOWN', `no API key ${id}`, 'see clipcast apikeys list', 'apikey');
      ctx.print({ revoked: id }, () => `API key ${id} revoked.`);
    }),
  );

  const hooks = program.command('webhooks').description('outgoing notifications (post.published, post.failed, post.deferred, account.needs_reauth, post.stuck)');
  hooks
    .command('add')
    .argument('<url>', 'endpoint that receives signed POSTs')
    .option('--events <types>', 'comma-separated event types, or *', '*')
    .action((url: string, flags: { events: string }) =>
      run(async (ctx) => {
        if (!/^https?:\/\//.test(url)) throw new InputError('URL_INVALID', `"${url}" is not an http(s) URL`, 'e.g. https://hooks.example.com/clipcast', 'url');
        const app = await ctx.app();
        const id = app.newId('whe');
        const secret = newWebhookSecret();
        await app.store.insertWebhookEndpoint({ id, url, secretEnc: app.secrets.encrypt(secret, `webhook:${id}`), events: flags.events, active: true, createdAt: app.clock.now() });
        ctx.print({ webhook: { id, url, events: flags.events, secret } }, () => [`Webhook ${id} → ${url} (${flags.events}). Signing secret, shown once:`, `  ${secret}`, 'Verify Clipcast-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>.']);
      }),
    );
  hooks.command('list').action(() =>
    run(async (ctx) => {
      const app = await ctx.app();
      const list = await app.store.listWebhookEndpoints();
      const deliveries = await app.store.listWebhookDeliveries(20);
      ctx.print({ webhooks: list.map((w) => ({ id: w.id, url: w.url, events: w.events, active: w.active })), deliveries }, () => [
        ...table([['id', 'url', 'events'], ...list.map((w) => [w.id, w.url, w.events])]),
        ...(deliveries.length ? ['recent deliveries:', ...deliveries.map((d) => `  ${iso(d.createdAt)} ${d.eventType} ${d.state} (attempt ${d.attempt}${d.lastStatus ? `, HTTP ${d.lastStatus}` : ''})`)] : []),
      ]);
    }),
  );
  hooks.command('remove').argument('<id>').action((id: string) =>
    run(async (ctx) => {
      if (!(await (await ctx.app()).store.deleteWebhookEndpoint(id))) throw new InputError('WEBHOOK_UNKNOWN', `no webhook ${id}`, 'see clipcast webhooks list', 'webhook');
      ctx.print({ removed: id }, () => `Webhook ${id} removed.`);
    }),
  );
}

/** The folder-upload limits `config.json` or the environment set (MB); the others keep their defaults. */
function uploadLimitsOf(config: { uploadMaxClipMb: number | undefined; uploadMaxTotalMb: number | undefined }): { maxFileBytes?: number; maxTotalBytes?: number } {
  return {
    ...(config.uploadMaxClipMb ? { maxFileBytes: config.uploadMaxClipMb * 1024 ** 2 } : {}),
    ...(config.uploadMaxTotalMb ? { maxTotalBytes: config.uploadMaxTotalMb * 1024 ** 2 } : {}),
  };
}
