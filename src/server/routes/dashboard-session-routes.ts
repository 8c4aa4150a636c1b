import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app/open-app.js';
import { verifyApiKey } from '../api-keys.js';
import type { DashboardSession, DashboardSessions } from '../dashboard-sessions.js';
import { HttpProblem, problemSchema } from '../problem.js';
import type { ZodServer } from '../server-context.js';

const sessionSchema = z
  .object({ signedIn: z.boolean(), keyName: z.string().optional(), csrfToken: z.string().optional() })
  .meta({ id: 'DashboardSession' });

/**
 * Sign-in for the dashboard: `POST /session` exchanges an API key for a session cookie (the key is not
 * kept by the browser), `GET /session` tells whether the cookie is live and hands the CSRF token to the
 * page (same-origin only: no CORS on it), `DELETE /session` signs out.
 *
 * @example
 * ```ts
 * registerDashboardSessionRoutes(server, { sessions, app, secure: false });
 * ```
 */
export function registerDashboardSessionRoutes(
  server: ZodServer,
  options: { sessions: DashboardSessions; app: App; secure: boolean },
): void {
  const { sessions, app, secure } = options;
  const tags = ['dashboard'];

  server.post(
    '/session',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Signs a browser in with an API key (sets an HttpOnly session cookie)',
        security: [],
        body: z.object({ key: z.string().min(1).max(200) }),
        response: { 200: sessionSchema, 401: problemSchema },
      },
    },
    async (request, reply) => {
      const key = await verifyApiKey(app, request.body.key.trim());
      if (!key)
        throw new HttpProblem(401, 'unauthorized', 'the API key is unknown or revoked', {
          hint: 'create one with clipcast apikeys create dashboard',
        });
      sessions.close(request);
      const { id, session } = sessions.open(key);
      reply.header('set-cookie', sessions.cookie(id, { secure })).header('cache-control', 'no-store');
      return { signedIn: true, keyName: session.keyName, csrfToken: session.csrfToken };
    },
  );

  server.get(
    '/session',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The browser session and its CSRF token',
        security: [],
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const session = await liveSession(app, sessions, request);
      return session
        ? { signedIn: true, keyName: session.keyName, csrfToken: session.csrfToken }
        : { signedIn: false };
    },
  );

  server.delete(
    '/session',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Signs the browser out',
        security: [],
        response: { 204: z.null(), 403: problemSchema },
      },
    },
    async (request, reply) => {
      const session = sessions.fromRequest(request);
      if (session) sessions.checkCsrf(request, session);
      sessions.close(request);
      reply.header('set-cookie', sessions.clearedCookie({ secure })).code(204);
      return null;
    },
  );
}

/**
 * The request's session when its key is still valid, with CSRF checked for mutations: the resolver
 * {@link installAuth} calls for requests without a Bearer key.
 */
export async function liveSession(
  app: App,
  sessions: DashboardSessions,
  request: FastifyRequest,
): Promise<DashboardSession | undefined> {
  const session = sessions.fromRequest(request);
  if (!session) return undefined;
  const row = await app.store.db
    .selectFrom('api_keys')
    .select('revoked_at')
    .where('id', '=', session.keyId)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) {
    sessions.closeKey(session.keyId);
    return undefined;
  }
  return session;
}
