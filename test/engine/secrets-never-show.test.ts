import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/worker/pino-logger.js';
import { engineHarness } from '../helpers/engine-harness.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

describe('secrets never show', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('keeps every token and client secret out of logs, the ledger, errors, account views and the database file', async () => {
    h = await engineHarness();
    const logFile = join(h.root, 'worker.log');
    const fd = openSync(logFile, 'a');
    const logger = createLogger('info', fd);
    const engine = h.makeEngine({ logger });
    // Faults that make adapters talk about tokens: a refused access token (refresh), 5xx, 429, and a
    // revoked account (needs_reauth with a message).
    h.sandbox.tiktok.expireAccessTokens();
    h.sandbox.youtube.server.faults.add({ method: 'PUT', times: 2, fault: { kind: 'status', status: 503 } });
    h.sandbox.instagram.server.faults.add({ method: 'POST', path: '/graph.facebook.com/', times: 1, fault: { kind: 'status', status: 429, retryAfterSec: 1 } });
    await h.schedule();
    await h.drive(engine);
    logger.flush();
    closeSync(fd);

    // Every secret ever issued to these accounts: the first credentials and the refreshed ones.
    const secrets = new Set<string>();
    const collect = (creds: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(creds)) if (/token|secret/i.test(k) && typeof v === 'string' && v.length >= 8) secrets.add(v);
    };
    for (const c of Object.values(h.credentials)) collect(c);
    for (const a of await h.app.store.listAccounts()) collect(h.app.accounts.credentialsOf(a));
    expect(secrets.size).toBeGreaterThanOrEqual(6);

    const log = await readFile(logFile, 'utf8');
    expect(log.length).toBeGreaterThan(0);
    const events = JSON.stringify(await h.app.store.listEvents({}));
    const posts = JSON.stringify((await h.app.store.listPosts({ limit: 1000 })).posts.map((p) => p.lastError));
    const views = JSON.stringify(await h.app.accounts.list());
    const db = await readFile(join(h.root, 'home', 'clipcast.db'));
    const wal = await readFile(join(h.root, 'home', 'clipcast.db-wal')).catch(() => Buffer.alloc(0));
    for (const secret of secrets) {
      expect(log.includes(secret), 'log').toBe(false);
      expect(events.includes(secret), 'ledger').toBe(false);
      expect(posts.includes(secret), 'post errors').toBe(false);
      expect(views.includes(secret), 'account views').toBe(false);
      expect(db.includes(Buffer.from(secret)) || wal.includes(Buffer.from(secret)), 'database file').toBe(false);
    }
  });
});
