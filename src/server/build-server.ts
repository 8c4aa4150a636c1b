import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { App } from '../app/open-app.js';
import { installAuth } from './auth.js';
import { clipParamsValidator } from './clip-params-validator.js';
import { coreProvidersCatalog } from './core-providers.js';
import { installCors } from './cors.js';
import { createDashboard, type DashboardOptions } from './dashboard.js';
import { clientErrorHandler, frameworkErrorsHandler, installProblemHandlers } from './problem.js';
import { installRequestGuards } from './request-guards.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerCampaignRoutes } from './routes/campaign-routes.js';
import { registerEventRoutes } from './routes/event-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerMediaRoutes } from './routes/media-routes.js';
import { registerOAuthRoutes } from './routes/oauth-routes.js';
import { registerPostRoutes } from './routes/post-routes.js';
import { registerPublishingRoutes } from './routes/publishing-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import type { ServerContext } from './server-context.js';
import { ServerMetrics } from './server-metrics.js';
import type { ServerParts } from './server-parts.js';

/** Options of {@link buildServer}; every default is documented here. */
export interface BuildServerOptions extends ServerParts {
  app: App;
  /** Metrics the engine also feeds. Default: a new {@link ServerMetrics} over the app's store. */
  metrics?: ServerMetrics;
  /** `/metrics` without an API key. Default false: Prometheus scrapes with `authorization: Bearer <key>`. */
  publicMetrics?: boolean;
  /** The server runs next to a worker whose heartbeat `/readyz` checks. Default true; false reports `worker: "absent"`. */
  expectWorker?: boolean;
  /** Oldest acceptable worker heartbeat. Default 30 000 ms. */
  workerHeartbeatMaxAgeMs?: number;
  /** Base URL the platforms redirect to (OAuth). Default `app.config.publicUrl`, else the request's host. */
  publicUrl?: string;
  /** Lifetime of an OAuth state. Default 600 000 ms (10 min). */
  oauthStateTtlMs?: number;
  /** Request logging (pino, authorization and signatures redacted, query strings dropped). Default false. */
  logger?: boolean;
  /** Where log lines go when `logger` is on. Default stdout. */
  logStream?: DestinationStream;
  /** Origins allowed by CORS. Default none (CORS off); `*` allows any. */
  corsOrigins?: string[];
  /** Largest JSON body. Default 1 MiB (webhooks: 256 KiB). */
  bodyLimit?: number;
  /** Requests per API key per minute (fixed window, in memory). Default 600. */
  rateLimitPerMinute?: number;
  /** Requests without a valid API key per client address per minute (401s count). Default 60. */
  unauthenticatedPerMinute?: number;
  /** The web dashboard at `/` (see {@link DashboardOptions}). Default on with its defaults; false turns it off. */
  dashboard?: DashboardOptions | false;
}

/** Paths readable without a key besides routes marked public: the docs page and the OpenAPI document. */
const PUBLIC_PREFIXES = ['/docs', '/openapi.json'];

/**
 * Builds the HTTP API over the app: REST routes with zod schemas, OpenAPI at `/openapi.json` and
 * `/docs`, API keys, problem details for every error. Call `await server.ready()` (or `listen`) before use.
 *
 * @example
 * ```ts
 * const server = buildServer({ app, providers: { listProviders, providerInfo } });
 * const res = await server.inject({ url: '/publishing/providers', headers: { authorization: `Bearer ${key}` } });
 * ```
 */
export function buildServer(options: BuildServerOptions): FastifyInstance {
  const { app } = options;
  const server = Fastify({
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    logger: options.logger
      ? {
          level: app.config.logLevel,
          ...(options.logStream ? { stream: options.logStream } : {}),
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["tiktok-signature"]', 'req.headers["x-hub-signature-256"]', 'headers.authorization'], censor: '[redacted]' },
          serializers: {
            // Query strings can hold OAuth codes and verify tokens: log the path only.
            req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }),
          },
        }
      : false,
    trustProxy: false,
    frameworkErrors: frameworkErrorsHandler,
    clientErrorHandler,
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(server);
  installRequestGuards(server);
  installCors(server, options.corsOrigins ?? []);
  const dashboard = options.dashboard === false ? undefined : createDashboard(app, options.dashboard ?? {}, options.publicUrl ?? app.config.publicUrl);
  // After CORS has loaded, so its headers are on a 401 or 429 too.
  server.after(() => installAuth(server, { app, rateLimitPerMinute: options.rateLimitPerMinute ?? 600, unauthenticatedPerMinute: options.unauthenticatedPerMinute ?? 60, publicPrefixes: PUBLIC_PREFIXES, ...(dashboard ? { session: dashboard.resolveSession } : {}) }));

  const metrics = options.metrics ?? new ServerMetrics(app.store);
  server.addHook('onResponse', async (request, reply) => {
    metrics.countRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });

  const ctx: ServerContext = {
    app,
    metrics,
    parts: {
      providers: options.providers ?? coreProvidersCatalog(),
      validator: options.validator ?? clipParamsValidator(),
      ...(options.campaigns ? { campaigns: options.campaigns } : {}),
      ...(options.oauth ? { oauth: options.oauth } : {}),
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
      ...(options.channels ? { channels: options.channels } : {}),
      ...(options.accountChecker ? { accountChecker: options.accountChecker } : {}),
      ...(options.mediaHandler ? { mediaHandler: options.mediaHandler } : {}),
    },
    settings: {
      publicMetrics: options.publicMetrics ?? false,
      expectWorker: options.expectWorker ?? true,
      workerHeartbeatMaxAgeMs: options.workerHeartbeatMaxAgeMs ?? 30_000,
      publicUrl: (options.publicUrl ?? app.config.publicUrl)?.replace(/\/+$/, ''),
      oauthStateTtlMs: options.oauthStateTtlMs ?? 600_000,
    },
  };

  server.register(fastifySwagger, {
    openapi: {
      info: { title: 'clipcast API', version: '0.1.0', description: 'Campaigns of short clips published exactly once to TikTok, Instagram Reels and YouTube Shorts.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'cc_<prefix>_<secret> from `clipcast apikeys create`' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  server.register(fastifySwaggerUi, { routePrefix: '/docs' });
  server.register(async (scope) => {
    const s = scope.withTypeProvider<ZodTypeProvider>();
    s.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => scope.swagger());
    registerHealthRoutes(s, ctx);
    registerPublishingRoutes(s, ctx);
    registerAccountRoutes(s, ctx);
    registerCampaignRoutes(s, ctx);
    registerPostRoutes(s, ctx);
    registerEventRoutes(s, ctx);
    registerOAuthRoutes(s, ctx);
    registerMediaRoutes(s, ctx);
    dashboard?.register(s, ctx);
    await s.register(async (hooks) => registerWebhookRoutes(hooks.withTypeProvider<ZodTypeProvider>(), ctx));
  });
  return server;
}

/**
 * Builds the server and listens. Default host 127.0.0.1; port 0 picks a free one (read `url`).
 *
 * @example
 * ```ts
 * const { server, url } = await startServer({ app, port: 8787, providers });
 * ```
 */
export async function startServer(options: BuildServerOptions & { port?: number; host?: string }): Promise<{ server: FastifyInstance; url: string }> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const server = buildServer(rest);
  await server.listen({ port, host });
  const address = server.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}` };
}
