import { z } from 'zod';
import type { PostRecord } from '../../core/ports/store.js';
import { StateConflictError } from '../../core/ports/store.js';
import { moveRefusal } from '../dashboard-move-check.js';
import { HttpProblem, problemSchema } from '../problem.js';
import { errorResponses, eventSchema, eventView, idParams, postSchema, postView } from '../schemas.js';
import type { ServerContext, ZodServer } from '../server-context.js';

const sentTextSchema = z.object({
  platform: z.string(),
  fields: z.array(z.object({ name: z.string(), value: z.string() })),
});
const drawerSchema = z
  .object({
    post: postSchema,
    events: z.array(eventSchema),
    account: z.object({ id: z.string(), handle: z.string(), status: z.string() }).nullable(),
    mediaUrl: z
      .string()
      .nullable()
      .describe('Signed, expiring, same-origin URL of the clip (Range supported)'),
    sent: sentTextSchema,
  })
  .meta({ id: 'DashboardPost' });
const moveBody = z.object({
  postIds: z.array(z.string().min(1).max(100)).min(1).max(10),
  at: z.iso.datetime({ offset: true }).describe('New time of the first post; the others keep their offsets'),
});
const editBody = z.object({
  caption: z.string().max(5000).optional(),
  title: z.string().max(100).optional(),
  tags: z.array(z.string().max(100)).max(100).optional(),
});
const NOT_STARTED = ['scheduled', 'retry_wait', 'deferred'];

/**
 * What the dashboard needs beyond the plain post routes: the drawer (post, ledger, account, signed
 * preview URL, the text as each platform receives it), a validated move of one post or of every
 * platform of a clip, and the edit of a post's text before it starts.
 *
 * @example
 * ```ts
 * registerDashboardPostRoutes(server, ctx, { mediaUrl: (sha) => signer.sign(sha, Date.now() + 3_600_000) });
 * ```
 */
export function registerDashboardPostRoutes(
  server: ZodServer,
  ctx: ServerContext,
  options: { mediaUrl?: (sha256: string) => string },
): void {
  const { store, clock } = ctx.app;
  const tags = ['dashboard'];

  server.get(
    '/dashboard/posts/:id',
    {
      schema: {
        tags,
        summary: 'A post for the dashboard drawer',
        params: idParams,
        response: { 200: drawerSchema, ...errorResponses },
      },
    },
    async (request) => {
      const post = await store.getPost(request.params.id);
      if (!post) throw new HttpProblem(404, 'post-not-found', `post ${request.params.id} does not exist`);
      const [events, account, clip] = await Promise.all([
        store.listEvents({ postId: post.id, limit: 1000 }),
        store.getAccount(post.accountId),
        store.getClip(post.clipRowId),
      ]);
      // Same-origin path: the page's CSP allows media from itself only, whatever the public URL is.
      const signed = clip && options.mediaUrl ? new URL(options.mediaUrl(clip.mediaSha256)) : undefined;
      return {
        post: postView(post),
        events: events.map(eventView),
        account: account ? { id: account.id, handle: account.handle, status: account.status } : null,
        mediaUrl: signed ? `${signed.pathname}${signed.search}` : null,
        sent: sentText(post),
      };
    },
  );

  server.post(
    '/dashboard/move',
    {
      schema: {
        tags,
        summary: 'Moves posts (one, or every platform of a clip) after checking time, window and quota',
        body: moveBody,
        response: {
          200: z.object({ posts: z.array(postSchema) }),
          409: problemSchema,
          422: problemSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const posts: PostRecord[] = [];
      for (const id of request.body.postIds) {
        const post = await store.getPost(id);
        if (!post) throw new HttpProblem(404, 'post-not-found', `post ${id} does not exist`);
        posts.push(post);
      }
      const first = posts[0]!;
      const shift = Date.parse(request.body.at) - first.scheduledAt;
      for (const post of posts) {
        const refusal = await moveRefusal(ctx.app, post, post.scheduledAt + shift, request.body.postIds);
        if (refusal) throw new HttpProblem(422, 'move-refused', refusal);
      }
      const moved: PostRecord[] = [];
      try {
        for (const post of posts)
          moved.push(await store.reschedulePost(post.id, post.scheduledAt + shift, clock.now()));
      } catch (error) {
        // All or nothing: put back the ones already moved, then say why.
        for (const done of moved) {
          const original = posts.find((p) => p.id === done.id)!;
          await store.reschedulePost(done.id, original.scheduledAt, clock.now()).catch(() => undefined);
        }
        if (error instanceof StateConflictError)
          throw new HttpProblem(409, 'post-not-movable', error.message);
        throw error;
      }
      return { posts: moved.map(postView) };
    },
  );

  server.patch(
    '/dashboard/posts/:id/content',
    {
      schema: {
        tags,
        summary: "Edits a post's caption, YouTube title or tags before it starts",
        params: idParams,
        body: editBody,
        response: { 200: postSchema, 409: problemSchema, ...errorResponses },
      },
    },
    async (request) => {
      const now = clock.now();
      const post = await store.getPost(request.params.id);
      if (!post) throw new HttpProblem(404, 'post-not-found', `post ${request.params.id} does not exist`);
      const { caption, title, tags: newTags } = request.body;
      if (title !== undefined && post.platform !== 'youtube')
        throw new HttpProblem(
          400,
          'title-youtube-only',
          'only YouTube posts have a title; edit the caption instead',
          { errors: [{ path: 'body.title', message: 'YouTube only' }] },
        );
      const content = {
        ...post.content,
        ...(caption !== undefined ? { caption } : {}),
        ...(title !== undefined ? { title } : {}),
        ...(newTags !== undefined ? { tags: newTags } : {}),
      };
      // Guarded update: only a post no worker holds and that has not started changes.
      const result = await store.db
        .updateTable('posts')
        .set({ content_json: JSON.stringify(content), updated_at: now })
        .where('id', '=', post.id)
        .where('state', 'in', NOT_STARTED)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0)
        throw new HttpProblem(
          409,
          'post-started',
          `post ${post.id} is ${post.state}; only a post that has not started can be edited`,
        );
      await store.appendEvents(
        [
          {
            postId: post.id,
            campaignId: post.campaignId,
            accountId: post.accountId,
            type: 'post.edited',
            data: { fields: Object.keys(request.body) },
          },
        ],
        now,
      );
      return postView((await store.getPost(post.id))!);
    },
  );
}

/**
 * The text each platform receives, field by field, by the adapters' rules: TikTok and Instagram take the
 * caption; YouTube a title (the explicit one, else the caption's first line, 100 characters, no `<` `>`),
 * the caption as description and the tags (see `planYouTubeUpload`).
 */
function sentText(post: PostRecord): z.output<typeof sentTextSchema> {
  const c = post.content;
  if (post.platform !== 'youtube')
    return { platform: post.platform, fields: [{ name: 'caption', value: c.caption }] };
  const clean = (s: string) => s.replace(/[<>]/g, '');
  const explicit = c.title !== undefined ? clean(c.title).trim() : '';
  const title = explicit || [...clean(c.caption.split('\n')[0] ?? '').trim()].slice(0, 100).join('').trim();
  const fields = [
    { name: 'title', value: title },
    { name: 'description', value: clean(c.caption) },
  ];
  const tags = (c.tags ?? []).map((t) => clean(t).trim()).filter(Boolean);
  if (tags.length) fields.push({ name: 'tags', value: tags.join(', ') });
  return { platform: post.platform, fields };
}
