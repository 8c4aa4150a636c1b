import type { Command } from 'commander';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildOAuthProviders } from '../../app/oauth-providers.js';
import { APP_ENV_HINT, platformAppsFromEnv, runningSandbox } from '../../app/platform-apps.js';
import { InputError } from '../../core/input-error.js';
import { parsePlatformId, platformGuess, PLATFORM_IDS } from '../../core/platform-id.js';
import type { CliContext } from '../cli-context.js';
import { parseMadeForKids } from './publish.js';

/** `accounts connect <platform>`: OAuth in the browser with a loopback redirect (PKCE and state). */
export function registerConnect(accounts: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  accounts
    .command('connect')
    .description('connect an account through the browser: opens a loopback redirect on 127.0.0.1, stores the tokens encrypted')
    .argument('<platform>', PLATFORM_IDS.join(', '))
    .option('--port <n>', 'loopback port of the redirect http://127.0.0.1:<port>/callback/ (default: any free port; 8787 for Instagram, whose apps must register the exact URI)')
    .option('--sandbox', 'connect against the running `clipcast sandbox` instead of the real platform')
    .option('--timeout <seconds>', 'give up after this long', '300')
    .option('--made-for-kids <bool>', 'YouTube: the channel\'s videos are made for kids (true) or not (false); asked on a terminal when not given')
    .action((platformText: string, flags: { port?: string; sandbox?: boolean; timeout: string; madeForKids?: string }) =>
      run(async (ctx) => {
        const platform = parsePlatformId(platformText);
        if (!platform) throw new InputError('PLATFORM_UNSUPPORTED', `platform "${platformText}" is not supported`, `${platformGuess(platformText)}use one of ${PLATFORM_IDS.join(', ')}`, 'platform');
        const madeForKids = flags.madeForKids === undefined ? undefined : parseMadeForKids(flags.madeForKids);
        if (madeForKids !== undefined && platform !== 'youtube') throw new InputError('SETTING_UNSUPPORTED', '--made-for-kids is a YouTube setting', `leave it out for ${platform}`, '--made-for-kids');
        const app = await ctx.app();
        // The sandbox is a platform like any other: its own base URLs and the apps its emulators registered.
        const envApps = platformAppsFromEnv(ctx.env);
        const running = flags.sandbox ? await runningSandbox(app.store, ctx.env.CLIPCAST_INSTAGRAM_LOGIN === 'instagram' ? 'instagram' : 'facebook') : undefined;
        if (flags.sandbox && !running) throw new InputError('SANDBOX_NOT_RUNNING', 'no sandbox is running for this data dir', 'start it first: clipcast sandbox', '--sandbox');
        const provider = buildOAuthProviders({ clock: app.clock, apps: running ? running.apps : envApps, ...(running ? { sandbox: running.urls } : {}) })[platform];
        if (!provider) throw new InputError('OAUTH_APP_MISSING', `no ${platform} OAuth app is configured`, `set ${APP_ENV_HINT[platform]} (or use --sandbox)`, platform);
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
          const { account, reconnected, resumedPosts } = await app.accounts.connect({
            platform,
            handle: connected.handle,
            externalId: connected.externalId ?? '',
            displayName: connected.displayName ?? null,
            credentials: connected.credentials,
            sandbox: connected.sandbox ?? false,
          });
          // YouTube needs selfDeclaredMadeForKids on every upload: settle it now (flag, or asked on a terminal).
          let kids = madeForKids;
          const unset = platform === 'youtube' && !account.credentialFields.includes('selfDeclaredMadeForKids');
          if (platform === 'youtube' && kids === undefined && unset && ctx.isTTY && !ctx.json) kids = await askMadeForKids(ctx, account.handle);
          const view = kids !== undefined ? await app.accounts.setDefaults(account.id, { selfDeclaredMadeForKids: kids }) : account;
          const stillUnset = platform === 'youtube' && !view.credentialFields.includes('selfDeclaredMadeForKids');
          ctx.print({ account: { ...view, reconnected, resumedPosts } }, () => [
            reconnected
              ? `Reconnected ${platform} account ${view.handle} (${view.id}); ${resumedPosts} waiting post(s) resumed.`
              : `Connected ${platform} account ${view.handle} (${view.id}); tokens stored encrypted.`,
            ...(stillUnset ? [`Before publishing to it, say whether its videos are made for kids: clipcast accounts set ${view.id} --made-for-kids false (or true).`] : []),
          ]);
        } finally {
          server.close();
        }
      }),
    );
}

/** Asks on the terminal whether the channel's videos are made for kids (YouTube needs it on every upload). */
async function askMadeForKids(ctx: CliContext, handle: string): Promise<boolean | undefined> {
  const { openPrompter, PromptCancelled } = await import('../interactive/prompts.js');
  const prompter = await openPrompter(ctx);
  // Left unanswered (Ctrl-C), the account stays connected without it and the output says how to set it.
  return prompter.select({
    message: `Are the videos of ${handle} made for kids? (YouTube requires the answer on every upload; change it later with clipcast accounts set)`,
    choices: [
      { value: false, label: 'No, not made for kids' },
      { value: true, label: 'Yes, made for kids', hint: 'comments and some features are off on such videos' },
    ],
  }).catch((error: unknown) => {
    if (error instanceof PromptCancelled) return undefined;
    throw error;
  });
}
