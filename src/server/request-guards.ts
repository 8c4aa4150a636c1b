import type { FastifyInstance } from 'fastify';
import { findNulByte } from '../core/find-nul-byte.js';
import { HttpProblem } from './problem.js';

/**
 * Refusals every route shares, before its own schema runs:
 * - a body that is not JSON answers 415 (Fastify would otherwise parse `text/plain` into a string and
 *   the schema would answer a misleading 400);
 * - a NUL character (U+0000) anywhere in the path parameters, query or JSON body answers 400 naming the
 *   field: PostgreSQL cannot store one (it used to fail with a 500) and SQLite would store it silently.
 *
 * @example
 * ```ts
 * installRequestGuards(server); // GET /posts/ab%00cd → 400 {errors: [{path: 'params.id', …}]}
 * ```
 */
export function installRequestGuards(server: FastifyInstance): void {
  server.removeContentTypeParser('text/plain');
  server.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const) {
      const path = findNulByte(value, part);
      if (path) {
        throw new HttpProblem(400, 'nul-byte', `${path} contains a NUL character (\\u0000)`, {
          errors: [{ path, message: 'contains a NUL character (\\u0000), which no field accepts' }],
          hint: 'remove the NUL character',
        });
      }
    }
  });
}
