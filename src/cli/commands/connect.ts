import type { Command } from 'commander';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildOAuthProviders, type OAuthApps } from '../../app/oauth-providers.js';
import { InputError } from '../../core/input-error.js';
import { parsePlatformId, platformGuess, PLATFORM_IDS } from '../../core/platform-id.js';
import { SANDBOX_URLS_SETTING, type SandboxUrls } from '../../sandbox/sandbox-urls.js';
import type { CliContext } from '../cli-context.js';

/** The OAuth apps configured in the environment (shells only read env). */
export function oauthAppsFromEnv(env: NodeJS.ProcessEnv): OAuthApps {
  return {
    ...(env.CLIPCAST_TIKTOK_CLIENT_KEY && env.CLIPCAST_TIKTOK_CLIENT_SECRET ? { tiktok: { clientKey: env.CLIPCAST_TIKTOK_CLIENT_KEY, clientSecret: env.CLIPCAST_TIKTOK_CLIENT_SECRET } } : {}),
    ...(env.CLIPCAST_YOUTUBE_CLIENT_ID && env.CLIPCAST_YOUTUBE_CLIENT_SECRET ? { youtube: { clientId: env.CLIPCAST_YOUTUBE_CLIENT_ID, clientSecret: env.CLIPCAST_YOUTUBE_CLIENT_SECRET } } : {}),
    ...(env.CLIPCAST_INSTAGRAM_APP_ID && env.CLIPCAST_INSTAGRAM_APP_SECRET ? { instagram: { appId: env.CLIPCAST_INSTAGRAM_APP_ID, appSecret: env.CLIPCAST_INSTAGRAM_APP_SECRET, flavour: env.CLIPCAST_INSTAGRAM_LOGIN === 'instagram' ? 'instagram' : 'facebook' } } : {}),
  };
}

/** `accounts connect <platform>`: OAuth in the browser with a loopback redirect (PKCE and state). */
export function registerConnect(accounts: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  accounts
    .command('connect')
    .description('connect an account through the browser: opens a loopback redirect on 127.0.0.1, stores the tokens encrypted')
    .argument('<platform>', PLATFORM_IDS.join(', '))
    .option('--port <n>', 'loopback port of the redirect http://127.0.0.1:<port>/callback/ (default: any free port; 8787 for Instagram, whose apps must register the exact URI)')
    .option('--sandbox', 'connect against the running `clipcast sandbox` instead of the real platform')
    .option('--timeout <seconds>', 'give up after this long', '300')
    .action((platformText: string, flags: { port?: string; sandbox?: boolean; timeout: string }) =>
      run(async (ctx) => {
        const platform = parsePlatformId(platformText);
        if (!platform) throw new InputError('PLATFORM_UNSUPPORTED', `platform "${platformText}" is not supported`, `${platformGuess(platformText)}use one of ${PLATFORM_IDS.join(', ')}`, 'platform');
        const app = await ctx.app();
        let sandbox: SandboxUrls | undefined;
        if (flags.sandbox) {
          const text = await app.store.getSetting(SANDBOX_URLS_SETTING);
          sandbox = text && text !== '{}' ? (JSON.parse(text) as SandboxUrls) : undefined;
          if (!sandbox) throw new InputError('SANDBOX_NOT_RUNNING', 'no sandbox is running for this data dir', 'start it first: clipcast sandbox', '--sandbox');
        }
        const provider = buildOAuthProviders({ clock: app.clock, apps: oauthAppsFromEnv(ctx.env), ...(sandbox ? { sandbox } : {}) })[platform];
        if (!provider) {
          const vars = { tiktok: 'CLIPCAST_TIKTOK_CLIENT_KEY and CLIPCAST_TIKTOK_CLIENT_SECRET', youtube: 'CLIPCAST_YOUTUBE_CLIENT_ID and CLIPCAST_YOUTUBE_CLIENT_SECRET', instagram: 'CLIPCAST_INSTAGRAM_APP_ID and CLIPCAST_INSTAGRAM_APP_SECRET' }[platform];
          throw new InputError('OAUTH_APP_MISSING', `no ${platform} OAuth app is configured`, `set ${vars} (or use --sandbox)`, platform);
        }
        const state = randomBytes(24).toString('base64url');
        const server = createServer();
        const port = Number(flags.port ?? (platform === 'instagram' ? 8787 : 0));
        if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InputError('PORT_INVALID', `--port "${flags.port}" is not a port`, 'e.g. --port 8787', '--port');
        await new Promise<void>((ok, fail) => {
          server.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? new InputError('PORT_IN_USE', `port ${port} on 127.0.0.1 is in use`, 'free it or pass --port (and register that redirect URI with the app)', '--port') : e));
          server.listen(port, '127.0.0.1', ok);
        });
        const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback/`;
        const { url, codeVerifier } = provider.start({ state, redirectUri });
        ctx.err.write(`Open this URL in a browser to connect ${platform} (waiting on ${redirectUri}):\n  ${url}\n`);
        try {
          const connected = await new Promise<Awaited<ReturnType<typeof provider.exchangeCode>>>((ok, fail) => {
            const timer = setTimeout(() => fail(new InputError('OAUTH_TIMEOUT', `no answer from the ${platform} authorization page within ${flags.timeout}s`, 'run the command again and open the URL', platform)), Number(flags.timeout) * 1000);
            server.on('request', (req, res) => {
              const q = new URL(req.url ?? '/', redirectUri).searchParams;
              const given = Buffer.from(q.get('state') ?? '');
              const expected = Buffer.from(state);
              if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
                res.writeHead(400, { 'content-type': 'text/plain' }).end('state mismatch: this answer is not for this connect');
                return;
              }
              const code = q.get('code');
              if (!code) {
                res.writeHead(400, { 'content-type': 'text/plain' }).end(`not connected: ${q.get('error') ?? 'no code'}`);
                clearTimeout(timer);
                fail(new InputError('OAUTH_DENIED', `${platform} did not grant access (${q.get('error') ?? 'no code'})`, 'approve the requested permissions and try again', platform));
                return;
              }
              provider.exchangeCode({ code, redirectUri, ...(codeVerifier ? { codeVerifier } : {}) }).then(
                (account) => {
                  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>clipcast: connected. You can close this tab.</p>');
                  clearTimeout(timer);
                  ok(account);
                },
                (error: unknown) => {
                  res.writeHead(502, { 'content-type': 'text/plain' }).end('the code exchange failed; see the terminal');
                  clearTimeout(timer);
                  fail(error);
                },
              );
            });
          });
          const existing = (await app.store.listAccounts({ platform })).find((a) => a.active && (a.externalId === connected.externalId || a.handle.toLowerCase() === connected.handle.toLowerCase()));
          if (existing) {
            await app.accounts.saveCredentials(existing.id, connected.credentials as Record<string, string>);
            const resumed = await app.store.resumeAccountPosts(existing.id, app.clock.now());
            ctx.print({ account: { id: existing.id, platform, handle: existing.handle, reconnected: true, resumedPosts: resumed } }, () => `Reconnected ${platform} account ${existing.handle} (${existing.id}); ${resumed} waiting post(s) resumed.`);
          } else {
            const view = await app.accounts.add({ platform, handle: connected.handle, externalId: connected.externalId ?? null, displayName: connected.displayName ?? null, credentials: connected.credentials, sandbox: !!sandbox });
            ctx.print({ account: view }, () => `Connected ${platform} account ${view.handle} (${view.id}); tokens stored encrypted.`);
          }
        } finally {
          server.close();
        }
      }),
    );
}
