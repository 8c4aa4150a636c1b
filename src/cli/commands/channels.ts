import type { Command } from 'commander';
import { listPostizChannelAccounts, platformOfProvider, syncPostizChannels } from '../../postiz/postiz-channels.js';
import { postizClientFor } from '../../app/postiz-wiring.js';
import { table } from '../format.js';
import type { CliContext } from '../cli-context.js';

/**
 * `channels [--json]`: the Postiz server's channels (`GET /integrations`) with provider, disabled flag
 * and the clipcast account each was imported as; `channels sync` imports them as accounts. Server and
 * key from `CLIPCAST_POSTIZ_URL` / `CLIPCAST_POSTIZ_API_KEY`; the key is never printed.
 */
export function registerChannels(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  const channels = program
    .command('channels')
    .description('the Postiz server\'s channels (CLIPCAST_POSTIZ_URL, CLIPCAST_POSTIZ_API_KEY); `channels sync` imports them as accounts')
    .action(() =>
      run(async (ctx) => {
        const app = await ctx.readApp();
        const list = await postizClientFor(app).integrations();
        const synced = await listPostizChannelAccounts(app);
        const rows = list.map((c) => ({
          id: c.id,
          name: c.name,
          provider: c.identifier,
          platform: platformOfProvider(c.identifier) ?? null,
          disabled: c.disabled,
          profile: c.profile,
          account: synced.find((s) => s.channelId === c.id)?.account.id ?? null,
        }));
        ctx.print({ server: app.config.postizUrl, channels: rows }, () =>
          rows.length
            ? [
                ...table([
                  ['id', 'name', 'provider', 'disabled', 'account'],
                  ...rows.map((r) => [r.id, r.name, r.provider + (r.platform ? '' : ' (not supported)'), r.disabled ? 'yes' : 'no', r.account ?? '(not synced)']),
                ]),
                ...(rows.some((r) => !r.account && r.platform) ? ['Import them as accounts with: clipcast channels sync'] : []),
              ]
            : ['No channels on this Postiz server: connect them in the Postiz UI first.'],
        );
      }),
    );

  channels
    .command('sync')
    .description('import the Postiz channels as accounts (publish to them with --backend postiz --platforms <channel>)')
    .action(() =>
      run(async (ctx) => {
        const app = await ctx.app();
        const result = await syncPostizChannels({ store: app.store, secrets: app.secrets, now: () => app.clock.now(), newId: app.newId }, postizClientFor(app));
        const view = (x: (typeof result.imported)[number]) => ({ account: x.account.id, channel: x.channelId, provider: x.provider, platform: x.account.platform, handle: x.account.handle, status: x.account.status });
        ctx.print({ imported: result.imported.map(view), updated: result.updated.map(view), skipped: result.skipped }, () => [
          `${result.imported.length} channel(s) imported, ${result.updated.length} updated, ${result.skipped.length} skipped.`,
          ...result.imported.map((x) => `  + ${x.account.handle} (${x.provider}) as ${x.account.id}`),
          ...result.updated.map((x) => `  = ${x.account.handle} (${x.provider}) ${x.account.id}${x.account.status === 'disabled' ? ' [disabled in Postiz]' : ''}`),
          ...result.skipped.map((s) => `  - ${s.name} (${s.identifier}): ${s.reason}`),
        ]);
      }),
    );
}
