import type { Command } from 'commander';
import { InputError } from '../../core/input-error.js';
import { parsePlatformId, platformGuess } from '../../core/platform-id.js';
import { POST_STATES, type PostState } from '../../core/post-state.js';
import { NotFoundError, type PostRecord } from '../../core/ports/store.js';
import { parseStartDate } from '../../core/plan/start-date.js';
import { iso, systemZone, table } from '../format.js';
import type { CliContext } from '../cli-context.js';

/** `posts list|show|reschedule|cancel|retry`. */
export function registerPosts(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  const posts = program.command('posts').description('posts: one clip on one account at one time');
  posts
    .command('list')
    .option('--campaign <id>', 'only this campaign')
    .option('--state <state>', `only this state (${POST_STATES.join(', ')})`)
    .option('--platform <platform>', 'only this platform')
    .option('--limit <n>', 'at most this many', '200')
    .option('--cursor <cursor>', 'the next page, from a previous --json answer')
    .action((flags: { campaign?: string; state?: string; platform?: string; limit: string; cursor?: string }) =>
      run(async (ctx) => {
        if (flags.state && !(POST_STATES as readonly string[]).includes(flags.state)) throw new InputError('STATE_INVALID', `--state "${flags.state}" is not a post state`, `use one of ${POST_STATES.join(', ')}`, '--state');
        const platform = flags.platform ? parsePlatformId(flags.platform) : undefined;
        if (flags.platform && !platform) throw new InputError('PLATFORM_UNSUPPORTED', `--platform "${flags.platform}" is not a platform`, `${platformGuess(flags.platform)}use tiktok, instagram or youtube`, '--platform');
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new InputError('LIMIT_INVALID', `--limit "${flags.limit}" is not a positive whole number`, 'e.g. --limit 50', '--limit');
        const page = await (await ctx.app()).store.listPosts({ ...(flags.campaign ? { campaignId: flags.campaign } : {}), ...(flags.state ? { state: flags.state as PostState } : {}), ...(platform ? { platform } : {}), limit, ...(flags.cursor ? { cursor: flags.cursor } : {}) });
        const filtered = [flags.state && `in state ${flags.state}`, platform && `on ${platform}`, flags.campaign && `in campaign ${flags.campaign}`].filter(Boolean).join(' ');
        ctx.print({ posts: page.posts.map(postJson), nextCursor: page.nextCursor }, () => [
          ...(page.posts.length === 0 && !flags.cursor
            ? [`No posts${filtered ? ` ${filtered}` : ''}.${flags.state || platform || flags.campaign ? ' (clipcast posts list shows every post.)' : ' Create some with: clipcast publish <dir> --start-date now --interval 4h --platforms tiktok'}`]
            : []),
          ...(page.posts.length === 0 ? [] : table([['post', 'campaign', 'clip', 'platform', 'scheduled (UTC)', 'state', 'detail'], ...page.posts.map((p) => [p.id, p.campaignId, String(p.clipId), p.platform, iso(p.scheduledAt), p.state, p.permalink ?? p.lastError?.message ?? ''])])),
          ...(page.nextCursor ? [`more: clipcast posts list ${[...(flags.campaign ? ['--campaign', flags.campaign] : []), ...(flags.state ? ['--state', flags.state] : []), ...(platform ? ['--platform', platform] : []), ...(flags.limit !== '200' ? ['--limit', String(limit)] : []), '--cursor', page.nextCursor].join(' ')}`] : []),
        ]);
      }),
    );
  posts.command('show').argument('<id>').description('a post and its history from the ledger').action((id: string) =>
    run(async (ctx) => {
      const app = await ctx.app();
      const p = await app.store.getPost(id);
      if (!p) throw new NotFoundError(`post ${id} not found (see clipcast posts list)`);
      const events = await app.store.listEvents({ postId: id });
      const sent = p.state === 'published' ? 'sent' : 'to send';
      const visibility = [...events].reverse().find((e) => typeof e.data.detail === 'string' && /^published /.test(e.data.detail));
      ctx.print({ post: postJson(p), content: p.content, events: events.map((e) => ({ seq: e.seq, at: iso(e.at), type: e.type, data: e.data })) }, () => [
        `post ${p.id}: clip ${p.clipId} on ${p.platform}, ${p.state}, planned ${iso(p.scheduledAt)}, attempt ${p.attempt}`,
        ...(p.permalink ? [`  permalink: ${p.permalink}`] : []),
        ...(visibility ? [`  visibility: ${String(visibility.data.detail)}`] : []),
        ...(p.lastError ? [`  last error: ${p.lastError.code}: ${p.lastError.message}`] : []),
        `${sent}:`,
        ...(p.content.title ? [`  title: ${p.content.title}`] : []),
        ...p.content.caption.split('\n').map((l, i) => `  ${i ? '         ' : 'caption: '}${l}`),
        ...(p.content.tags?.length ? [`  tags: ${p.content.tags.join(', ')}`] : []),
        ...(p.content.coverTimestampSec !== undefined ? [`  cover at: ${p.content.coverTimestampSec}s`] : []),
        ...(Object.keys(p.content.options).length ? [`  options: ${Object.entries(p.content.options).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')}`] : []),
        'history:',
        ...events.map((e) => `  ${iso(e.at)}  ${e.type}  ${describeEvent(e.data)}`),
      ]);
    }),
  );
  posts
    .command('reschedule')
    .argument('<id>')
    .argument('<when>', '"2025-12-01 09:00" in --timezone, or an ISO instant, or now')
    .option('--timezone <zone>', 'zone of <when>', systemZone())
    .action((id: string, when: string, flags: { timezone: string }) =>
      run(async (ctx) => {
        const app = await ctx.app();
        const at = parseStartDate(when, flags.timezone, app.clock.now());
        const p = await app.store.reschedulePost(id, at, app.clock.now());
        ctx.print({ post: postJson(p) }, () => `Post ${id} now planned for ${iso(p.scheduledAt)}.`);
      }),
    );
  posts.command('cancel').argument('<id>').action((id: string) =>
    run(async (ctx) => {
      const app = await ctx.app();
      const p = await app.store.cancelPost(id, app.clock.now());
      ctx.print({ post: postJson(p) }, () => `Post ${id} cancelled.`);
    }),
  );
  posts.command('retry').argument('<id>').description('put a failed post back in the queue, due now').action((id: string) =>
    run(async (ctx) => {
      const app = await ctx.app();
      const p = await app.store.retryPost(id, app.clock.now());
      ctx.print({ post: postJson(p) }, () => `Post ${id} is scheduled again (due now).`);
    }),
  );
}

/** The JSON shape of a post in CLI output. */
export function postJson(p: PostRecord) {
  return {
    id: p.id,
    campaignId: p.campaignId,
    clipId: p.clipId,
    accountId: p.accountId,
    platform: p.platform,
    scheduledAt: iso(p.scheduledAt),
    state: p.state,
    attempt: p.attempt,
    nextAttemptAt: iso(p.nextAttemptAt),
    remoteId: p.remoteId,
    permalink: p.permalink,
    error: p.lastError,
  };
}

function describeEvent(data: Record<string, unknown>): string {
  const parts: string[] = [];
  if (data.from || data.to) parts.push(`${String(data.from ?? '')} → ${String(data.to ?? '')}`);
  for (const [k, v] of Object.entries(data)) if (k !== 'from' && k !== 'to' && k !== 'worker') parts.push(`${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return parts.join(' ');
}
