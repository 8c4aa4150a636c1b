import { sql } from 'kysely';
import { z } from 'zod';
import { HttpProblem, problemSchema } from '../problem.js';
import { campaignSchema, campaignView, errorResponses, idParams } from '../schemas.js';
import type { ServerContext, ZodServer } from '../server-context.js';

/** The error code a paused post carries (state `deferred`, so the calendar shows why it waits). */
export const PAUSED_CODE = 'CAMPAIGN_PAUSED';
/** A paused post is due at the end of time: no worker claims it until it is resumed. */
const NEVER = 8_640_000_000_000_000;
const PAUSED_ERROR = JSON.stringify({
  code: PAUSED_CODE,
  message: 'campaign paused from the dashboard',
  kind: 'paused',
  retryable: true,
});
const PAUSED_LIKE = `%"code":"${PAUSED_CODE}"%`;

const dashboardCampaign = campaignSchema
  .extend({ paused: z.boolean(), pausedPosts: z.number() })
  .meta({ id: 'DashboardCampaign' });

/**
 * Pause and resume a campaign from the dashboard. Pausing defers every scheduled post of it that no worker
 * holds (reason "campaign paused", due never); resuming puts those posts back to scheduled at their planned
 * time, or now when that time has passed. Posts already started finish as they would. Both write the
 * transitions to the ledger.
 *
 * @example
 * ```ts
 * registerDashboardCampaignRoutes(server, ctx); // POST /dashboard/campaigns/camp_1/pause
 * ```
 */
export function registerDashboardCampaignRoutes(server: ZodServer, ctx: ServerContext): void {
  const { store, clock } = ctx.app;
  const tags = ['dashboard'];
  const result = z.object({ campaign: dashboardCampaign, changedPosts: z.number() });

  const list = async () => {
    const paused = await store.db
      .selectFrom('posts')
      .select(['campaign_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'deferred')
      .where('last_error_json', 'like', PAUSED_LIKE)
      .groupBy('campaign_id')
      .execute();
    const counts = new Map(paused.map((p) => [p.campaign_id, Number(p.n)]));
    return (await store.listCampaigns()).map((c) => ({
      ...campaignView(c),
      paused: (counts.get(c.id) ?? 0) > 0,
      pausedPosts: counts.get(c.id) ?? 0,
    }));
  };

  server.get(
    '/dashboard/campaigns',
    {
      schema: {
        tags,
        summary: 'Campaigns with their paused state',
        response: { 200: z.array(dashboardCampaign), ...errorResponses },
      },
    },
    async () => list(),
  );

  const change = async (id: string, pause: boolean) => {
    const campaign = await store.getCampaign(id);
    if (!campaign) throw new HttpProblem(404, 'campaign-not-found', `campaign ${id} does not exist`);
    if (campaign.state !== 'active')
      throw new HttpProblem(
        409,
        'campaign-not-active',
        `campaign ${campaign.name} is ${campaign.state}; only an active campaign can be paused or resumed`,
      );
    const now = clock.now();
    const ids = await store.tx(async (trx) => {
      const q = pause
        ? trx
            .updateTable('posts')
            .set({
              state: 'deferred',
              next_attempt_at: NEVER,
              last_error_json: PAUSED_ERROR,
              updated_at: now,
            })
            .where('state', '=', 'scheduled')
            .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        : trx
            .updateTable('posts')
            .set({
              state: 'scheduled',
              next_attempt_at: sql<number>`case when scheduled_at > ${now} then scheduled_at else ${now} end`,
              last_error_json: null,
              updated_at: now,
            })
            .where('state', '=', 'deferred')
            .where('last_error_json', 'like', PAUSED_LIKE);
      return (await q.where('campaign_id', '=', id).returning('id').execute()).map((r) => r.id);
    });
    const [from, to] = pause ? ['scheduled', 'deferred'] : ['deferred', 'scheduled'];
    if (ids.length)
      await store.appendEvents(
        ids.map((postId) => ({
          postId,
          campaignId: id,
          type: 'post.transition',
          data: {
            from,
            to,
            reason: pause ? 'campaign paused from the dashboard' : 'campaign resumed from the dashboard',
          },
        })),
        now,
      );
    const view = (await list()).find((c) => c.id === id)!;
    return { campaign: view, changedPosts: ids.length };
  };

  server.post(
    '/dashboard/campaigns/:id/pause',
    {
      schema: {
        tags,
        summary: 'Pauses a campaign (defers its scheduled posts)',
        params: idParams,
        response: { 200: result, 409: problemSchema, ...errorResponses },
      },
    },
    async (request) => change(request.params.id, true),
  );
  server.post(
    '/dashboard/campaigns/:id/resume',
    {
      schema: {
        tags,
        summary: 'Resumes a paused campaign',
        params: idParams,
        response: { 200: result, 409: problemSchema, ...errorResponses },
      },
    },
    async (request) => change(request.params.id, false),
  );
}
