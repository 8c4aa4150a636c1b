import { z } from 'zod';
import { START_GRACE_MS } from '../../core/plan/start-date.js';
import { StateConflictError } from '../../core/ports/store.js';
import { HttpProblem, problemSchema } from '../problem.js';
import { errorResponses, eventSchema, eventView, idParams, platformSchema, postSchema, postStateSchema, postView } from '../schemas.js';
import type { ServerContext, ZodServer } from '../server-context.js';

const listQuery = z.object({
  state: z
    .string()
    .optional()
    .describe('One state or several, comma-separated')
    .transform((v, c) => {
      if (v === undefined) return undefined;
      const states = v.split(',').map((s) => s.trim()).filter(Boolean);
      const parsed = z.array(postStateSchema).safeParse(states);
      if (!parsed.success) {
        c.addIssue({ code: 'custom', message: `unknown state in "${v}"` });
        return z.NEVER;
      }
      return parsed.data;
    }),
  platform: platformSchema.optional(),
  campaign: z.string().max(100).optional(),
  account: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Planned at or after this instant'),
  to: z.iso.datetime({ offset: true }).optional().describe('Planned before this instant'),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  cursor: z.string().max(500).optional().describe('The nextCursor of the previous page'),
});

const pageSchema = z.object({ posts: z.array(postSchema), nextCursor: z.string().nullable() }).meta({ id: 'PostPage' });
const detailSchema = z.object({ post: postSchema, events: z.array(eventSchema) }).meta({ id: 'PostDetail' });
const conflict = { 409: problemSchema };

/**
 * Posts: list with filters and cursor pagination, show with its ledger, reschedule, cancel, retry.
 *
 * @example
 * ```ts
 * registerPostRoutes(server, ctx); // GET /posts?state=scheduled,retry_wait&platform=tiktok&limit=50
 * ```
 */
export function registerPostRoutes(server: ZodServer, ctx: ServerContext): void {
  const { store, clock } = ctx.app;

  // A page holds up to 10,000 posts: postView already builds each object field by field (nothing else
  // can leak), so the page is written with JSON.stringify instead of a second pass through zod.
  const plainJson = () => (data: unknown) => JSON.stringify(data);
  server.get('/posts', { serializerCompiler: plainJson, schema: { tags: ['posts'], summary: 'Lists posts by planned time', querystring: listQuery, response: { 200: pageSchema, ...errorResponses } } }, async (request) => {
    const q = request.query;
    try {
      const page = await store.listPosts({
        limit: q.limit,
        ...(q.state ? { state: q.state } : {}),
        ...(q.platform ? { platform: q.platform } : {}),
        ...(q.campaign ? { campaignId: q.campaign } : {}),
        ...(q.account ? { accountId: q.account } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.from ? { from: Date.parse(q.from) } : {}),
        ...(q.to ? { to: Date.parse(q.to) } : {}),
      });
      return { posts: page.posts.map(postView), nextCursor: page.nextCursor };
    } catch (error) {
      if (error instanceof StateConflictError) throw new HttpProblem(400, 'bad-cursor', error.message, { errors: [{ path: 'querystring.cursor', message: 'unknown cursor' }] });
      throw error;
    }
  });

  server.get('/posts/:id', { schema: { tags: ['posts'], summary: 'Shows a post with its ledger events', params: idParams, response: { 200: detailSchema, ...errorResponses } } }, async (request) => {
    const post = await store.getPost(request.params.id);
    if (!post) throw new HttpProblem(404, 'post-not-found', `post ${request.params.id} does not exist`);
    const events = await store.listEvents({ postId: post.id, limit: 1000 });
    return { post: postView(post), events: events.map(eventView) };
  });

  server.post(
    '/posts/:id/reschedule',
    { schema: { tags: ['posts'], summary: 'Moves a post not yet started to a new time', params: idParams, body: z.object({ at: z.iso.datetime({ offset: true }) }), response: { 200: postSchema, ...conflict, 422: problemSchema, ...errorResponses } } },
    async (request) => {
      const at = Date.parse(request.body.at);
      const now = clock.now();
      if (!Number.isFinite(at)) throw new HttpProblem(400, 'validation', `body.at: "${request.body.at}" is not a real date and time`, { errors: [{ path: 'body.at', message: 'not a real date and time' }] });
      // As `clipcast posts reschedule` refuses it: a time in the past would publish at once, unasked.
      if (at < now - START_GRACE_MS) {
        throw new HttpProblem(422, 'at-in-past', `body.at ${new Date(at).toISOString()} is in the past (now is ${new Date(now).toISOString()})`, {
          code: 'START_IN_PAST',
          hint: 'send a later time; to publish now, send the current time',
          errors: [{ path: 'body.at', message: 'in the past' }],
        });
      }
      return postView(await store.reschedulePost(request.params.id, at, now));
    },
  );

  server.post('/posts/:id/cancel', { schema: { tags: ['posts'], summary: 'Cancels a post not yet started', params: idParams, response: { 200: postSchema, ...conflict, ...errorResponses } } }, async (request) =>
    postView(await store.cancelPost(request.params.id, clock.now())),
  );

  server.post('/posts/:id/retry', { schema: { tags: ['posts'], summary: 'Puts a failed post back to scheduled, due now', params: idParams, response: { 200: postSchema, ...conflict, ...errorResponses } } }, async (request) =>
    postView(await store.retryPost(request.params.id, clock.now())),
  );
}
