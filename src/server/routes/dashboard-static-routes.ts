import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { HttpProblem } from '../problem.js';
import type { ZodServer } from '../server-context.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// Everything the page loads is its own (no CDN); media comes from signed /media URLs on this origin.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The dashboard's files, built by Vite into `webRoot`: `/` is `index.html` (public: it holds no data;
 * the app signs in with `/session`), `/assets/*` the hashed bundles (cached for a year).
 *
 * @example
 * ```ts
 * registerDashboardStaticRoutes(server, { webRoot: '/opt/clipcast/dist/web' });
 * ```
 */
export function registerDashboardStaticRoutes(server: ZodServer, options: { webRoot: string }): void {
  const { webRoot } = options;
  const schema = { hide: true };

  server.get('/', { config: { public: true }, schema }, async (_request, reply) => {
    const file = join(webRoot, 'index.html');
    if (!existsSync(file))
      throw new HttpProblem(404, 'dashboard-not-built', `the dashboard is not built (no ${file})`, {
        hint: 'run npm run build (it builds web/ with Vite)',
      });
    return reply
      .header('content-type', TYPES['.html'])
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(createReadStream(file));
  });

  server.get('/assets/*', { config: { public: true }, schema }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    // Hashed flat names only: nothing with a slash or dot-dot reaches the file system.
    if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.includes('..'))
      throw new HttpProblem(404, 'not-found', `no asset ${name}`);
    const file = join(webRoot, 'assets', name);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new HttpProblem(404, 'not-found', `no asset ${name}`);
    return reply
      .header('content-type', TYPES[extname(name)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(createReadStream(file));
  });
}
