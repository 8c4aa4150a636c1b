import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openApp, type App } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { FakeClock } from '../../src/core/clock.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { buildServer, type BuildServerOptions } from '../../src/server/build-server.js';
import { createTestDatabase } from '../helpers/postgres.js';

/** A server over a real SQLite store in a temp CLIPCAST_HOME, with one API key. */
export interface ServerFixture {
  app: App;
  clock: FakeClock;
  server: FastifyInstance;
  key: string;
  auth: { authorization: string };
  home: string;
  close(): Promise<void>;
}

/**
 * Opens a temp app (real secrets; SQLite in the temp home, or a fresh PostgreSQL database of its own with
 * `database: 'postgres'`, dropped on close) and builds the server with `options`.
 */
export async function serverFixture(
  options: Omit<BuildServerOptions, 'app'> = {},
  backend: { database?: 'sqlite' | 'postgres' } = {},
): Promise<ServerFixture> {
  const home = mkdtempSync(join(tmpdir(), 'clipcast-server-'));
  const clock = new FakeClock(Date.UTC(2025, 11, 1, 9, 0, 0));
  const db = backend.database === 'postgres' ? await createTestDatabase() : undefined;
  const app = await openApp(loadConfig({}, { home, ...(db ? { databaseUrl: db.url } : {}) }), { clock });
  const { key } = await createApiKey(app, 'test');
  const server = buildServer({ app, ...options });
  await server.ready();
  return {
    app,
    clock,
    server,
    key,
    auth: { authorization: `Bearer ${key}` },
    home,
    async close() {
      await server.close();
      await app.close();
      await db?.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
