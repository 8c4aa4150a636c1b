import type { FastifyInstance, FastifyRequest } from 'fastify';
import { touchApiKey, verifyApiKey, type ApiKeyApp } from './api-keys.js';
import { problem, sendProblem } from './problem.js';
import { FixedWindowLimiter } from './rate-limiter.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route reachable without an API key (health, OAuth callbacks, webhooks, signed media). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The API key that authenticated the request, when one did. */
    apiKey?: { id: string; name: string };
  }
}

/** Options of {@link installAuth}. */
export interface AuthOptions {
  app: ApiKeyApp;
  /** Requests per key per minute (default 600). */
  rateLimitPerMinute: number;
  /** URL prefixes open without a key, besides routes marked `config.public` (e.g. `/docs`). */
  publicPrefixes: readonly string[];
  /** Resolves a request without a Bearer key to the key of its dashboard session (cookie + CSRF), if any. */
  session?: (request: FastifyRequest) => Promise<{ id: string; name: string } | undefined>;
}

/**
 * Requires `Authorization: Bearer <key>` on every route not marked public, and limits each key to a
 * fixed number of requests per minute (429 with `Retry-After`). `last_used_at` is written at most once a
 * minute per key, so a read does not become a write.
 */
export function installAuth(server: FastifyInstance, options: AuthOptions): void {
  const limiter = new FixedWindowLimiter(options.rateLimitPerMinute, 60_000, options.app.clock);
  const touched = new Map<string, number>();
  server.addHook('onRequest', async (request, reply) => {
    if (isPublic(request, options.publicPrefixes)) return;
    const header = request.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const challenge = { 'www-authenticate': 'Bearer realm="clipcast"' };
    const fromSession = !presented && options.session ? await options.session(request) : undefined;
    if (!presented && !fromSession) {
      return sendProblem(reply, problem(request, 401, 'unauthorized', 'this route needs an API key: send Authorization: Bearer <key>', { hint: 'create one with clipcast apikeys create <name>' }), challenge);
    }
    const key = fromSession ?? (presented ? await verifyApiKey(options.app, presented) : undefined);
    if (!key) return sendProblem(reply, problem(request, 401, 'unauthorized', 'the API key is unknown or revoked'), challenge);
    const verdict = limiter.take(key.id);
    reply.header('x-ratelimit-limit', String(options.rateLimitPerMinute)).header('x-ratelimit-remaining', String(verdict.remaining));
    if (!verdict.allowed) {
      return sendProblem(reply, problem(request, 429, 'rate-limited', `this key made more than ${options.rateLimitPerMinute} requests this minute`), { 'retry-after': String(verdict.retryAfterSec) });
    }
    request.apiKey = key;
    const now = options.app.clock.now();
    if ((touched.get(key.id) ?? 0) + 60_000 <= now) {
      touched.set(key.id, now);
      await touchApiKey(options.app, key.id);
    }
    return undefined;
  });
}

function isPublic(request: FastifyRequest, prefixes: readonly string[]): boolean {
  if (request.routeOptions.config.public === true) return true;
  const path = request.url.split('?')[0] ?? '';
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}
