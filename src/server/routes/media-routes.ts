import type { ServerContext, ZodServer } from '../server-context.js';
import { requirePart } from '../server-context.js';

/**
 * Signed, expiring media URLs: `GET|HEAD /media/*` is handed, raw, to the injected media handler, which
 * checks the signature and expiry and serves byte ranges. Public (the signature is the credential), so
 * platforms pulling a video by URL can fetch it.
 *
 * @example
 * ```ts
 * registerMediaRoutes(server, ctx); // GET /media/<sha256>.mp4?exp=…&sig=… with Range: bytes=0-1023
 * ```
 */
export function registerMediaRoutes(server: ZodServer, ctx: ServerContext): void {
  server.route({
    method: ['GET', 'HEAD'],
    url: '/media/*',
    config: { public: true },
    schema: { tags: ['media'], summary: 'A clip by signed URL (Range supported)', security: [] },
    handler: async (request, reply) => {
      const handler = requirePart(ctx.parts.mediaHandler, 'the media handler');
      reply.hijack();
      await handler(request.raw, reply.raw);
    },
  });
}
