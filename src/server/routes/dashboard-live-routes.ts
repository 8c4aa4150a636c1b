import type { DashboardLive } from '../dashboard-live.js';
import type { ZodServer } from '../server-context.js';

/**
 * `GET /dashboard/live`: server-sent events for the dashboard (`event: post` with the post's new view,
 * `event: upload` with bytes sent), so the calendar changes without a reload. Authenticated like any
 * route (the session cookie travels with EventSource on the same origin); a comment line every 15 s
 * keeps proxies from closing it.
 *
 * @example
 * ```ts
 * registerDashboardLiveRoutes(server, { live });
 * ```
 */
export function registerDashboardLiveRoutes(server: ZodServer, options: { live: DashboardLive }): void {
  server.get(
    '/dashboard/live',
    { schema: { tags: ['dashboard'], summary: 'Server-sent events: post transitions and upload progress' } },
    async (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n: connected\n\n');
      const stop = options.live.subscribe((m) =>
        res.write(`event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`),
      );
      const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      beat.unref();
      const end = () => {
        clearInterval(beat);
        stop();
      };
      request.raw.once('close', end);
      res.once('close', end);
    },
  );
}
