import { z } from 'zod';
import { errorResponses, eventSchema, eventView } from '../schemas.js';
import { requirePart, type ServerContext, type ZodServer } from '../server-context.js';
import { problemSchema } from '../problem.js';

const channelSchema = z.object({ id: z.string(), name: z.string(), provider: z.string(), disabled: z.boolean().optional(), picture: z.string().nullable().optional() }).meta({ id: 'Channel' });

/**
 * The ledger (`GET /events`, filtered by post or campaign) and the Postiz channels (`GET /channels`).
 *
 * @example
 * ```ts
 * registerEventRoutes(server, ctx); // GET /events?post=post_…&limit=100
 * ```
 */
export function registerEventRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Ledger events',
        querystring: z.object({ post: z.string().max(100).optional(), campaign: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(10_000).default(100) }),
        response: { 200: z.array(eventSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { post, campaign, limit } = request.query;
      const events = await ctx.app.store.listEvents({ limit, ...(post ? { postId: post } : {}), ...(campaign ? { campaignId: campaign } : {}) });
      return events.map(eventView);
    },
  );

  server.get('/channels', { schema: { tags: ['channels'], summary: 'Postiz channels (integrations)', response: { 200: z.array(channelSchema), 501: problemSchema, ...errorResponses } } }, async () =>
    requirePart(ctx.parts.channels, 'Postiz').list(),
  );
}
