import { z } from 'zod';
import type { PostRecord } from '../../core/ports/store.js';
import { HttpProblem } from '../problem.js';
import type { ServerContext, ZodServer } from '../server-context.js';

/** Largest range the calendar reads at once (a month view spans at most six weeks). */
const MAX_RANGE_MS = 45 * 86_400_000;
const MAX_POSTS = 50_000;
const TITLE_CHARS = 80;

/** Columns of one calendar row, in order; `reason` and `permalink` are left off when null. */
export const CALENDAR_COLUMNS = [
  'id',
  'campaign',
  'clipId',
  'account',
  'platform',
  'atSec',
  'state',
  'title',
  'reason',
  'permalink',
] as const;

const rangeQuery = z.object({
  from: z.iso.datetime({ offset: true }).describe('Planned at or after this instant'),
  to: z.iso.datetime({ offset: true }).describe('Planned before this instant (at most 45 days after from)'),
});

/**
 * `GET /dashboard/calendar?from=&to=`: the calendar's view of a range, read with the `(scheduled_at, id)`
 * index, one compact row per post:
 * `[id, campaign, clipId, account, platform, atSec, state, title, reason?, permalink?]` where campaign, account, platform, state and title are indexes into the lists
 * sent beside the rows (a clip's platforms share one title) and `atSec` counts seconds from `from`. A month
 * of 10,000 posts is ~0.8 MB here against ~5.3 MB as full `GET /posts` views (options, remote ids,
 * attempts…), which the drawer fetches for its one post.
 *
 * @example
 * ```ts
 * registerDashboardCalendarRoutes(server, ctx); // GET /dashboard/calendar?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z
 * ```
 */
export function registerDashboardCalendarRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    '/dashboard/calendar',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Posts planned in a range, compact rows for the calendar',
        querystring: rangeQuery,
        description:
          '200: `{ columns: string[], rows: unknown[][], truncated: boolean }` (built as text, no schema pass)',
      },
    },
    async (request, reply) => {
      const from = Date.parse(request.query.from);
      const to = Date.parse(request.query.to);
      if (!(to > from) || to - from > MAX_RANGE_MS)
        throw new HttpProblem(400, 'bad-range', 'to must be after from and at most 45 days later', {
          errors: [{ path: 'querystring.to', message: 'bad range' }],
        });
      const rows = await ctx.app.store.db
        .selectFrom('posts')
        .select([
          'id',
          'campaign_id',
          'clip_id',
          'account_id',
          'platform',
          'scheduled_at',
          'state',
          'content_json',
          'last_error_json',
          'permalink',
        ])
        .where('scheduled_at', '>=', from)
        .where('scheduled_at', '<', to)
        .orderBy('scheduled_at')
        .orderBy('id')
        .limit(MAX_POSTS + 1)
        .execute();
      const truncated = rows.length > MAX_POSTS;
      const lists = {
        campaigns: new Index(),
        accounts: new Index(),
        platforms: new Index(),
        states: new Index(),
        titles: new Index(),
      };
      // Built as text: 10,000 rows go out without a schema pass (each value is picked here, nothing else leaks).
      const out = rows.slice(0, MAX_POSTS).map((r) => {
        const content = JSON.parse(r.content_json) as PostRecord['content'];
        const error = r.last_error_json ? (JSON.parse(r.last_error_json) as { message?: string }) : null;
        const row: unknown[] = [
          r.id,
          lists.campaigns.of(r.campaign_id),
          r.clip_id,
          lists.accounts.of(r.account_id),
          lists.platforms.of(r.platform),
          Math.round((Number(r.scheduled_at) - from) / 1000),
          lists.states.of(r.state),
          lists.titles.of(titleOf(content)),
        ];
        if (error?.message || r.permalink) row.push(error?.message ?? null);
        if (r.permalink) row.push(r.permalink);
        return row;
      });
      const body = {
        from,
        columns: CALENDAR_COLUMNS,
        campaigns: lists.campaigns.values,
        accounts: lists.accounts.values,
        platforms: lists.platforms.values,
        states: lists.states.values,
        titles: lists.titles.values,
        rows: out,
        truncated,
      };
      return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
    },
  );
}

function titleOf(content: PostRecord['content']): string {
  const text = (content.title ?? content.caption.split('\n')[0] ?? '').trim();
  return text.length > TITLE_CHARS ? `${text.slice(0, TITLE_CHARS - 1)}…` : text;
}

/** Distinct values in first-seen order, each given its position. */
class Index {
  readonly values: string[] = [];
  readonly #pos = new Map<string, number>();
  of(value: string): number {
    let i = this.#pos.get(value);
    if (i === undefined) {
      i = this.values.push(value) - 1;
      this.#pos.set(value, i);
    }
    return i;
  }
}
