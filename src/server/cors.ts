import type { FastifyInstance } from 'fastify';

/**
 * CORS for the configured origins only (off when the list is empty): answers preflights with 204 and
 * adds `Access-Control-Allow-Origin` for an allowed `Origin`. `*` allows any origin (without credentials).
 *
 * @example
 * ```ts
 * installCors(server, ['https://dashboard.example.com']);
 * ```
 */
export function installCors(server: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  server.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || (!any && !origins.includes(origin))) return undefined;
    reply.header('access-control-allow-origin', any ? '*' : origin).header('vary', 'Origin').header('access-control-expose-headers', 'retry-after, x-ratelimit-limit, x-ratelimit-remaining');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send();
    }
    return undefined;
  });
}
