import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * CORS for the configured origins only (off when the list is empty), on `@fastify/cors`: preflights
 * answer 204 and an allowed `Origin` gets `Access-Control-Allow-Origin`. `*` allows any origin (without
 * credentials). Register it before the auth hook so a 401 or 429 still carries the CORS headers the
 * browser needs to show it.
 *
 * @example
 * ```ts
 * installCors(server, ['https://dashboard.example.com']);
 * ```
 */
export function installCors(server: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  server.register(fastifyCors, {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining'],
    maxAge: 600,
  });
}
