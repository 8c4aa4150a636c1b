import { sql } from 'kysely';
import { z } from 'zod';
import type { ServerContext, ZodServer } from '../server-context.js';

/** Setting the worker writes (ms since the epoch, as a string) on every loop. */
export const WORKER_HEARTBEAT_KEY = 'worker.heartbeat';

const readySchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    store: z.enum(['ok', 'unreachable']),
    worker: z.enum(['alive', 'stale', 'missing', 'absent']).describe('absent: this server runs without a worker (--no-worker)'),
    workerHeartbeatAgeMs: z.number().nullable(),
  })
  .meta({ id: 'Readiness' });

/**
 * `/healthz` (the process answers), `/readyz` (the store answers a cheap query and, unless the server runs
 * without a worker, the worker's heartbeat is younger than the limit), `/metrics` (Prometheus; keyed
 * unless the server was built with `publicMetrics`).
 *
 * @example
 * ```ts
 * registerHealthRoutes(server, ctx); // GET /readyz → 200 {status:"ready",…} or 503
 * ```
 */
export function registerHealthRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get('/healthz', { config: { public: true }, schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  server.get('/readyz', { config: { public: true }, schema: { tags: ['health'], summary: 'Readiness', security: [], response: { 200: readySchema, 503: readySchema } } }, async (_request, reply) => {
    let storeOk = true;
    let heartbeat: string | undefined;
    try {
      await sql`select 1`.execute(ctx.app.store.db);
      if (ctx.settings.expectWorker) heartbeat = await ctx.app.store.getSetting(WORKER_HEARTBEAT_KEY);
    } catch {
      storeOk = false;
    }
    const age = heartbeat !== undefined && Number.isFinite(Number(heartbeat)) ? ctx.app.clock.now() - Number(heartbeat) : null;
    const worker = !ctx.settings.expectWorker ? 'absent' : age === null ? 'missing' : age <= ctx.settings.workerHeartbeatMaxAgeMs ? 'alive' : 'stale';
    const ready = storeOk && (worker === 'alive' || worker === 'absent');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', store: storeOk ? 'ok' : 'unreachable', worker, workerHeartbeatAgeMs: age });
  });

  server.get('/metrics', { config: { public: ctx.settings.publicMetrics }, schema: { tags: ['health'], summary: 'Prometheus metrics', produces: ['text/plain'], ...(ctx.settings.publicMetrics ? { security: [] } : {}) } }, async (_request, reply) => {
    const { contentType, body } = await ctx.metrics.render();
    return reply.type(contentType).send(body);
  });
}
