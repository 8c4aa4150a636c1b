import { z } from 'zod';
import { HttpProblem, problemSchema } from '../problem.js';
import { campaignSchema, campaignView, errorResponses, idParams, newCampaignSchema } from '../schemas.js';
import { requirePart, type ServerContext, type ZodServer } from '../server-context.js';

const createdSchema = z.object({ campaign: campaignSchema, created: z.boolean(), postCount: z.number().optional() }).meta({ id: 'CampaignCreated' });

/**
 * Campaigns: create from a CLIPER folder under the server's source roots (through the injected creator; the same
 * request twice finds the existing campaign), list, show, cancel.
 *
 * @example
 * ```ts
 * registerCampaignRoutes(server, ctx); // POST /campaigns {sourceDir, startDate, interval, platforms}
 * ```
 */
export function registerCampaignRoutes(server: ZodServer, ctx: ServerContext): void {
  const { store, clock } = ctx.app;

  server.post('/campaigns', { schema: { tags: ['campaigns'], summary: 'Plans a campaign from a CLIPER folder', body: newCampaignSchema, response: { 200: createdSchema, 201: createdSchema, 403: problemSchema, 422: problemSchema, 501: problemSchema, ...errorResponses } } }, async (request, reply) => {
    const creator = requirePart(ctx.parts.campaigns, 'campaign creation');
    const result = await creator.create(request.body);
    return reply.code(result.created ? 201 : 200).send({ campaign: campaignView(result.campaign), created: result.created, ...(result.postCount === undefined ? {} : { postCount: result.postCount }) });
  });

  server.get('/campaigns', { schema: { tags: ['campaigns'], summary: 'Lists campaigns with post counts by state', response: { 200: z.array(campaignSchema), ...errorResponses } } }, async () => (await store.listCampaigns()).map(campaignView));

  server.get('/campaigns/:id', { schema: { tags: ['campaigns'], summary: 'Shows a campaign', params: idParams, response: { 200: campaignSchema, ...errorResponses } } }, async (request) => {
    const found = (await store.listCampaigns()).find((c) => c.id === request.params.id);
    if (!found) throw new HttpProblem(404, 'campaign-not-found', `campaign ${request.params.id} does not exist`);
    return campaignView(found);
  });

  server.post('/campaigns/:id/cancel', { schema: { tags: ['campaigns'], summary: 'Cancels a campaign and its posts not yet started', params: idParams, response: { 200: z.object({ campaign: campaignSchema, cancelledPosts: z.number() }), ...errorResponses } } }, async (request) => {
    if (!(await store.getCampaign(request.params.id))) throw new HttpProblem(404, 'campaign-not-found', `campaign ${request.params.id} does not exist`);
    const cancelledPosts = await store.cancelCampaign(request.params.id, clock.now());
    const campaign = await store.getCampaign(request.params.id);
    if (!campaign) throw new HttpProblem(404, 'campaign-not-found', `campaign ${request.params.id} does not exist`);
    return { campaign: campaignView(campaign), cancelledPosts };
  });
}
