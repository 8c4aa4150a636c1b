import type { Command } from 'commander';
import { NotFoundError } from '../../core/ports/store.js';
import { iso, localTime, table } from '../format.js';
import type { CliContext } from '../cli-context.js';

/** `campaigns list|show|cancel`. */
export function registerCampaigns(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  const campaigns = program.command('campaigns').description('campaigns created by publish');
  campaigns.command('list').description('list campaigns with their posts by state').action(() =>
    run(async (ctx) => {
      const list = await (await ctx.app()).store.listCampaigns();
      ctx.print({ campaigns: list.map((c) => ({ id: c.id, name: c.name, state: c.state, backend: c.backend, start: iso(c.startAt), interval: c.intervalText, timezone: c.timezone, createdAt: iso(c.createdAt), posts: c.counts })) }, () =>
        list.length
          ? table([['id', 'name', 'state', 'start', 'posts'], ...list.map((c) => [c.id, c.name, c.state, localTime(c.startAt, c.timezone), Object.entries(c.counts).map(([s, n]) => `${s}:${n}`).join(' ')])])
          : ['No campaigns yet. Create one with: clipcast publish <dir> --start-date now --interval 4h --platforms tiktok'],
      );
    }),
  );
  campaigns.command('show').argument('<id>').description('a campaign and its posts').action((id: string) =>
    run(async (ctx) => {
      const app = await ctx.app();
      const c = await app.store.getCampaign(id);
      if (!c) throw new NotFoundError(`campaign ${id} not found (see clipcast campaigns list)`);
      const { posts } = await app.store.listPosts({ campaignId: id, limit: 10_000 });
      ctx.print(
        { campaign: { id: c.id, name: c.name, state: c.state, sourceDir: c.sourceDir, backend: c.backend, start: iso(c.startAt), interval: c.intervalText, timezone: c.timezone, order: c.orderBy, window: c.windowText }, posts: posts.map((p) => ({ id: p.id, clipId: p.clipId, platform: p.platform, scheduledAt: iso(p.scheduledAt), state: p.state, permalink: p.permalink, error: p.lastError?.message ?? null })) },
        () => [
          `${c.name} (${c.id}) ${c.state}, ${c.backend}, every ${c.intervalText} from ${localTime(c.startAt, c.timezone)}`,
          `  source: ${c.sourceDir}`,
          ...table([['post', 'clip', 'platform', 'when', 'state', 'detail'], ...posts.map((p) => [p.id, String(p.clipId), p.platform, localTime(p.scheduledAt, c.timezone), p.state, p.permalink ?? p.lastError?.message ?? ''])]).map((l) => `  ${l}`),
        ],
      );
    }),
  );
  campaigns.command('cancel').argument('<id>').description('cancel every post of the campaign not yet started').action((id: string) =>
    run(async (ctx) => {
      const app = await ctx.app();
      const n = await app.store.cancelCampaign(id, app.clock.now());
      ctx.print({ cancelled: { campaign: id, posts: n } }, () => `Cancelled campaign ${id}: ${n} posts will not be published.`);
    }),
  );
}
