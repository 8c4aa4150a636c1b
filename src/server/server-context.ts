import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../app/open-app.js';
import { HttpProblem } from './problem.js';
import type { ServerMetrics } from './server-metrics.js';
import type { ServerParts } from './server-parts.js';

/** The Fastify instance with the zod type provider the routes are written against. */
export type ZodServer = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** What every route module gets: the app, the injected parts and the resolved settings. */
export interface ServerContext {
  app: App;
  metrics: ServerMetrics;
  parts: ServerParts;
  settings: {
    publicMetrics: boolean;
    expectWorker: boolean;
    workerHeartbeatMaxAgeMs: number;
    publicUrl: string | undefined;
    oauthStateTtlMs: number;
  };
}

/**
 * Returns the injected part or answers 501: a route whose part this server was built without says so
 * instead of pretending.
 */
export function requirePart<T>(part: T | undefined, what: string): T {
  if (part === undefined) throw new HttpProblem(501, 'not-configured', `${what} is not configured on this server`);
  return part;
}
