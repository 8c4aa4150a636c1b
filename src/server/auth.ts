import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { touchApiKey, verifyApiKey, type ApiKeyApp } from './api-keys.js';
import { problem, sendProblem } from './problem.js';
import { installRateLimits } from './rate-limits.js';

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
  /** Requests without a valid key per client address per minute (default 60). */
  unauthenticatedPerMinute: number;
  /** URL prefixes open without a key, besides routes marked `config.public` (e.g. `/docs`). */
  publicPrefixes: readonly string[];
  /** Resolves a request without a Bearer key to the key of its dashboard session (cookie + CSRF), if any. */
  session?: (request: FastifyRequest) => Promise<{ id: string; name: string } | undefined>;
}

/**
 * Requires `Authorization: Bearer <key>` (the scheme in any case, RFC 9110) on every route not marked
 * public, and limits each key to a fixed number of requests per minute (429 with `Retry-After`).
 * Requests without a valid key are limited per client address, before the key is looked up.
 * `last_used_at` is written at most once a minute per key, so a read does not become a write.
 */
export function installAuth(server: FastifyInstance, options: AuthOptions): void {
  const limits = installRateLimits(server, { clock: options.app.clock, perKeyPerMinute: options.rateLimitPerMinute, unauthenticatedPerMinute: options.unauthenticatedPerMinute });
  const touched = new Map<string, number>();
  const tooMany = (request: FastifyRequest, reply: FastifyReply, detail: string, retryAfterSec: number) =>
    sendProblem(reply, problem(request, 429, 'rate-limited', detail), { 'retry-after': String(retryAfterSec) });
  server.addHook('onRequest', async (request, reply) => {
    if (isPublic(request, options.publicPrefixes)) return;
    const client = await limits.peekClient(request);
    if (!client.allowed) return tooMany(request, reply, `this client sent more than ${client.limit} requests without a valid API key this minute`, client.retryAfterSec);
    const presented = bearerToken(request.headers.authorization);
    const challenge = { 'www-authenticate': 'Bearer realm="clipcast"' };
    const fromSession = !presented && options.session ? await options.session(request) : undefined;
    if (!presented && !fromSession) {
      await limits.takeClient(request);
      return sendProblem(reply, problem(request, 401, 'unauthorized', 'this route needs an API key: send Authorization: Bearer <key>', { hint: 'create one with clipcast apikeys create <name>' }), challenge);
    }
    const key = fromSession ?? (presented ? await verifyApiKey(options.app, presented) : undefined);
    if (!key) {
      await limits.takeClient(request);
      return sendProblem(reply, problem(request, 401, 'unauthorized', 'the API key is unknown or revoked'), challenge);
    }
    const verdict = await limits.takeKey(request, key.id);
    reply.header('x-ratelimit-limit', String(verdict.limit)).header('x-ratelimit-remaining', String(verdict.remaining));
    if (!verdict.allowed) return tooMany(request, reply, `this key made more than ${verdict.limit} requests this minute`, verdict.retryAfterSec);
    request.apiKey = key;
    const now = options.app.clock.now();
    if ((touched.get(key.id) ?? 0) + 60_000 <= now) {
      touched.set(key.id, now);
      await touchApiKey(options.app, key.id);
    }
    return undefined;
  });
}

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive. */
function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  return match?.[1];
}

function isPublic(request: FastifyRequest, prefixes: readonly string[]): boolean {
  if (request.routeOptions.config.public === true) return true;
  // A CORS preflight carries no credentials by design (answered by @fastify/cors when CORS is on).
  if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) return true;
  const path = request.url.split('?')[0] ?? '';
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}
