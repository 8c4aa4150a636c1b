import fastifyMultipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createCampaign } from '../../core/campaigns/create-campaign.js';
import { prepareCampaign } from '../../core/campaigns/prepare-campaign.js';
import { probeMp4 } from '../../media/probe.js';
import type { FolderUploads } from '../folder-uploads.js';
import { HttpProblem, problemSchema } from '../problem.js';
import { campaignSchema, campaignView, errorResponses, idParams } from '../schemas.js';
import type { ServerContext, ZodServer } from '../server-context.js';
import { planBody, previewFolder, previewSchema } from './dashboard-new-campaign-routes.js';

const uploadSchema = z.object({
  uploadId: z.string(),
  videoId: z.string(),
  folder: z.string().nullable(),
  clips: z.number(),
  files: z.number(),
  bytes: z.number(),
  expiresAt: z.string(),
});
/** Shown in the OpenAPI document only: the route reads the parts as a stream, not through this schema. */
const uploadForm = z.object({
  folder: z.string().max(255).optional().describe('Name of the folder the clips come from (kept as the campaign source)'),
  files: z
    .array(z.string().meta({ format: 'binary' }))
    .describe('One part per file, its filename relative to the video folder: <id>.mp4, <style>/<id>.mp4, copys/clips_copys.json'),
});
const createdSchema = z.object({ campaign: campaignSchema, created: z.boolean(), postCount: z.number().optional() });

/**
 * Uploading a CLIPER folder from the browser, then the same preview → create steps as a folder under
 * the source roots: `POST /dashboard/uploads` (multipart, streamed to the upload staging folder),
 * `POST /dashboard/uploads/{id}/preview` (dry run), `POST /dashboard/uploads/{id}/campaign` (media
 * import, then one transaction; the upload is removed once the campaign exists),
 * `DELETE /dashboard/uploads/{id}`. Keyed like every mutation (session cookie + CSRF, or an API key).
 *
 * @example
 * ```ts
 * registerDashboardUploadRoutes(server, ctx, { uploads: new FolderUploads(join(app.media.root, 'uploads'), app.clock) });
 * ```
 */
export function registerDashboardUploadRoutes(server: ZodServer, ctx: ServerContext, options: { uploads: FolderUploads }): void {
  const { app } = ctx;
  const { uploads } = options;
  const tags = ['dashboard'];
  const keyOf = (request: FastifyRequest): string => {
    if (!request.apiKey) throw new HttpProblem(401, 'unauthorized', 'this route needs an API key or a dashboard session');
    return request.apiKey.id;
  };

  // Multipart is parsed in this scope only: every other route keeps refusing it (415).
  server.register(async (scope) => {
    await scope.register(fastifyMultipart);
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/dashboard/uploads',
      {
        schema: {
          tags,
          summary: 'Uploads a CLIPER folder (the .mp4 clips and copys/clips_copys.json) to plan a campaign from',
          consumes: ['multipart/form-data'],
          body: uploadForm,
          response: { 201: uploadSchema, 413: problemSchema, 415: problemSchema, 422: problemSchema, ...errorResponses },
        },
        // The parts are read as a stream by the handler; only a JSON body would reach a validator here.
        validatorCompiler: (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route as never)),
      },
      async (request, reply) => {
        const summary = await uploads.receive(request, keyOf(request));
        return reply.code(201).send({ ...summary, expiresAt: new Date(summary.expiresAt).toISOString() });
      },
    );
  });

  server.post(
    '/dashboard/uploads/:id/preview',
    {
      schema: {
        tags,
        summary: 'Plans a campaign from an uploaded folder without creating it (dry run)',
        params: idParams,
        body: planBody,
        response: { 200: previewSchema, 422: problemSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { dir } = uploads.peek(request.params.id, keyOf(request));
      const preview = await previewFolder(ctx, dir, request.body);
      // Messages name files by their place in the folder, not in the staging area.
      const strip = (text: string) => text.split(`${dir}/`).join('');
      return { ...preview, findings: preview.findings.map((f) => ({ ...f, message: strip(f.message) })), skipped: preview.skipped.map((s) => ({ ...s, reason: strip(s.reason) })) };
    },
  );

  server.post(
    '/dashboard/uploads/:id/campaign',
    {
      schema: {
        tags,
        summary: 'Creates the campaign of an uploaded folder (whole or not at all); the upload is then removed',
        params: idParams,
        body: planBody,
        response: { 200: createdSchema, 201: createdSchema, 409: problemSchema, 422: problemSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      const { dir, summary } = uploads.take(id, keyOf(request));
      try {
        const preview = await prepareCampaign(
          { accounts: app.accounts, store: app.store, now: () => app.clock.now(), probe: (f) => probeMp4(f), defaultTimezone: body.timezone ?? 'UTC' },
          {
            source: dir,
            targets: body.platforms,
            startDate: body.startDate,
            interval: body.interval,
            ...(body.timezone ? { timezone: body.timezone } : {}),
            ...(body.window ? { window: body.window } : {}),
          },
        );
        // The staging folder goes away; the campaign records where its clips came from.
        const source = { ...preview.source, root: `upload:${summary.folder ?? summary.videoId}` };
        const result = await createCampaign(
          { store: app.store, now: () => app.clock.now(), newId: app.newId, importMedia: (f) => app.media.importFile(f), remuxMedia: (f) => app.media.importRemuxed(f) },
          { ...preview, source },
        );
        await uploads.discard(id);
        return reply.code(result.created ? 201 : 200).send({ campaign: campaignView(result.campaign), created: result.created, ...(result.created ? { postCount: result.posts } : {}) });
      } finally {
        uploads.release(id);
      }
    },
  );

  server.delete(
    '/dashboard/uploads/:id',
    { schema: { tags, summary: 'Removes an uploaded folder not planned yet', params: idParams, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      uploads.peek(request.params.id, keyOf(request));
      await uploads.discard(request.params.id);
      return reply.code(204).send(null);
    },
  );
}
