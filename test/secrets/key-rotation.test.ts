import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { countEnvelopes, findEnvelopes } from '../../src/secrets/envelope-columns.js';
import { keySourceOf } from '../../src/secrets/key-check.js';
import { rotateKeys } from '../../src/secrets/rotate-keys.js';
import { openStore } from '../../src/store/open-store.js';
import { readKeySource } from '../../src/secrets/key-source.js';
import { SecretBox } from '../../src/secrets/secret-box.js';
import { AccountService } from '../../src/core/accounts/account-service.js';
import { engineHarness } from '../helpers/engine-harness.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres.js';

type Harness = Awaited<ReturnType<typeof engineHarness>>;

const backends = [
  { name: 'sqlite' as const },
  ...((await postgresAvailable()) ? [{ name: 'postgres' as const }] : []),
];

/** Key rotation on a data dir with sandbox accounts, on SQLite and PostgreSQL. */
describe.each(backends)('keys rotate on $name', ({ name }) => {
  let h: Harness | undefined;
  let drop: (() => Promise<void>) | undefined;
  const extra: App[] = [];
  afterEach(async () => {
    for (const a of extra.splice(0)) await a.close();
    await h?.cleanup();
    await drop?.();
    h = undefined;
    drop = undefined;
  });

  async function harness(): Promise<Harness> {
    let databaseUrl: string | undefined;
    if (name === 'postgres') {
      const db = await createTestDatabase();
      drop = db.drop;
      databaseUrl = db.url;
    }
    h = await engineHarness(databaseUrl ? { databaseUrl } : {});
    return h;
  }

  /** Another process's app on the same data dir (its own SecretBox reading the key file). */
  async function another(x: Harness): Promise<App> {
    const app = await openApp(
      loadConfig({}, { home: join(x.root, 'home'), databaseUrl: x.app.config.databaseUrl }),
      { clock: x.clock },
    );
    extra.push(app);
    return app;
  }

  async function keyFileVersions(x: Harness): Promise<number[]> {
    const text = await readFile(x.app.config.keyFile, 'utf8');
    return text
      .trim()
      .split('\n')
      .map((l) => Number(l.split(':')[0]));
  }

  async function everyEnvelopeReadable(app: App): Promise<number> {
    const all = await findEnvelopes(app.store.db, { limit: 1000 });
    for (const e of all) expect(() => app.secrets.decrypt(e.envelope, e.at.aad(e.id))).not.toThrow();
    return all.length;
  }

  it('survives a crash between rows: every envelope stays readable, and running it again finishes', async () => {
    const x = await harness();
    const rot = await another(x);
    const source = keySourceOf(rot.config);
    await expect(
      rotateKeys({
        store: rot.store,
        source,
        box: rot.secrets,
        now: () => x.clock.now(),
        onEnvelope: (n) => {
          if (n === 2) throw new Error('injected crash after 2 envelopes');
        },
      }),
    ).rejects.toThrow('injected crash');
    // Mid-rotation: the key file holds both keys, half the envelopes are under each, and a process
    // starting now reads all of them.
    expect(await keyFileVersions(x)).toEqual([2, 1]);
    const fresh = await another(x);
    expect(await everyEnvelopeReadable(fresh)).toBe(4); // three accounts and the ledger key
    expect(await countEnvelopes(fresh.store.db, 2)).toBe(2);
    for (const a of await fresh.store.listAccounts())
      expect(Object.keys(fresh.accounts.credentialsOf(a)).length).toBeGreaterThan(0);

    const result = await rotateKeys({
      store: fresh.store,
      source,
      box: fresh.secrets,
      now: () => x.clock.now(),
    });
    expect(result).toMatchObject({ version: 2, reencrypted: 2, retired: [1], resumed: true });
    expect(await keyFileVersions(x)).toEqual([2]);
    expect(await countEnvelopes(fresh.store.db, 2)).toBe(0);
    const states = await fresh.store.db
      .selectFrom('secret_keys')
      .select(['version', 'state'])
      .orderBy('version')
      .execute();
    expect(states).toEqual([
      { version: 1, state: 'retired' },
      { version: 2, state: 'active' },
    ]);
    const after = await another(x);
    expect(await everyEnvelopeReadable(after)).toBe(4);
    expect((await after.store.listAccounts()).every((a) => a.keyVersion === 2)).toBe(true);
    expect(await after.store.verifyLedger()).toMatchObject({ ok: true });

    // A process that still holds the old key cannot write an envelope made with it any more.
    const oldEnvelope = await x.app.store.db
      .selectFrom('accounts')
      .select(['id', 'credentials_enc'])
      .executeTakeFirstOrThrow();
    await expect(
      x.app.store.db
        .updateTable('accounts')
        .set({ credentials_enc: `v1.1.${oldEnvelope.credentials_enc.split('.').slice(2).join('.')}` })
        .where('id', '=', oldEnvelope.id)
        .execute(),
    ).rejects.toThrow(/retired secret key/);
  });

  it('refuses a removed or replaced key file and never makes a new key over the data', async () => {
    const x = await harness();
    const config = loadConfig({}, { home: join(x.root, 'home'), databaseUrl: x.app.config.databaseUrl });
    const original = await readFile(config.keyFile, 'utf8');
    await rm(config.keyFile);
    await expect(openApp(config, { clock: x.clock })).rejects.toThrow(
      /^key file .*secret\.key lacks secret key version 1 \(fingerprint [0-9a-f]{16}\)/,
    );
    expect(existsSync(config.keyFile)).toBe(false);
    await writeFile(config.keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await expect(openApp(config, { clock: x.clock })).rejects.toThrow(
      /^key file .*secret\.key holds a different secret key/,
    );
    await writeFile(config.keyFile, original, { mode: 0o600 });
    const back = await another(x);
    expect(await everyEnvelopeReadable(back)).toBe(4);
  });

  // PostgreSQL only: in one process, better-sqlite3's blocking busy-wait deadlocks two connections (in
  // separate processes SQLite serializes them; the key file is created exclusively either way).
  it.runIf(name === 'postgres')(
    'two processes starting at once on a new data dir agree on one key and one ledger key',
    async () => {
      let databaseUrl: string | undefined;
      if (name === 'postgres') {
        const db = await createTestDatabase();
        drop = db.drop;
        databaseUrl = db.url;
      }
      const home = await mkdtemp(join(tmpdir(), 'clipcast-first-'));
      const config = loadConfig({}, { home, ...(databaseUrl ? { databaseUrl } : {}) });
      // Migrated first (concurrent SQLite migrations are a separate matter); no key, no ledger key yet.
      await (await openStore({ url: config.databaseUrl })).close();
      const apps = await Promise.all([openApp(config), openApp(config), openApp(config)]);
      extra.push(...apps);
      const blob = apps[0]!.secrets.encrypt('hello', 'setting:x');
      for (const a of apps) expect(a.secrets.decrypt(blob, 'setting:x')).toBe('hello');
      await apps[1]!.store.appendEvents([{ type: 'one' }], Date.now());
      await apps[2]!.store.appendEvents([{ type: 'two' }], Date.now());
      expect(await apps[0]!.store.verifyLedger()).toEqual({ ok: true, count: 2 });
      expect(await apps[0]!.store.db.selectFrom('secret_keys').select('version').execute()).toEqual([
        { version: 1 },
      ]);
      await rm(home, { recursive: true, force: true });
    },
  );

  it('checks the key of a database from before fingerprints on its envelopes, then records it', async () => {
    const x = await harness();
    await x.app.store.db.deleteFrom('secret_keys').execute(); // as before migration 0050
    const config = loadConfig({}, { home: join(x.root, 'home'), databaseUrl: x.app.config.databaseUrl });
    const original = await readFile(config.keyFile, 'utf8');
    await writeFile(config.keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await expect(openApp(config, { clock: x.clock })).rejects.toThrow(
      /^key file .*secret\.key holds a different secret key from the one that encrypted the data in the database( \(PostgreSQL\))? \(it cannot decrypt accounts acct_/,
    );
    expect(await x.app.store.db.selectFrom('secret_keys').selectAll().execute()).toEqual([]);
    await writeFile(config.keyFile, original.replace(/^1:/, ''), { mode: 0o600 }); // the format before versions
    const back = await another(x);
    expect(await everyEnvelopeReadable(back)).toBe(4);
    expect(await back.store.db.selectFrom('secret_keys').select(['version', 'state']).execute()).toEqual([
      { version: 1, state: 'active' },
    ]);
  });

  it('a writer that encrypted with the old key just before it was retired encrypts again under the new one', async () => {
    const x = await harness();
    const source = keySourceOf(x.app.config);
    const oldKeys = readKeySource(source);
    const rot = await another(x);
    await rotateKeys({ store: rot.store, source, box: rot.secrets, now: () => x.clock.now() });
    // A real SecretBox that has not yet seen the key file change (its first look finds nothing new).
    let looks = 0;
    const stale = new SecretBox(oldKeys, () => (looks++ === 0 ? undefined : readKeySource(source)));
    const accounts = new AccountService(x.app.store, stale, () => x.clock.now(), x.app.newId);
    const account = (await x.app.store.listAccounts({ platform: 'tiktok' }))[0]!;
    const creds = x.app.accounts.credentialsOf(account);
    await accounts.saveCredentials(account.id, { ...creds, accessToken: 'act.rotated-while-writing' });
    const saved = (await x.app.store.getAccount(account.id))!;
    expect(saved.credentialsEnc.startsWith('v1.2.')).toBe(true);
    expect(saved.keyVersion).toBe(2);
    expect(x.app.accounts.credentialsOf(saved).accessToken).toBe('act.rotated-while-writing');
    expect(looks).toBeGreaterThanOrEqual(2); // refused once under the retired key, then encrypted again
  });

  it('rotates while a worker publishes and refreshes tokens: every post published once, nothing unreadable', async () => {
    const x = await harness();
    x.sandbox.tiktok.expireAccessTokens(); // the worker refreshes (and re-encrypts) TikTok credentials mid-rotation
    await x.schedule('tiktok,instagram,youtube', '1s');
    const rot = await another(x);
    let steps = 0;
    const result = await rotateKeys({
      store: rot.store,
      source: keySourceOf(rot.config),
      box: rot.secrets,
      now: () => x.clock.now(),
      // Between every two rows the worker takes a step: claims, uploads, refreshes, publishes.
      onEnvelope: async () => {
        for (let i = 0; i < 3; i++) {
          await x.engine.runDue();
          steps += 1;
          const wake = await x.app.store.nextWakeAt();
          x.clock.set(Math.max(wake ?? x.clock.now(), x.clock.now() + 1));
        }
      },
    });
    expect(result.retired).toEqual([1]);
    expect(steps).toBeGreaterThan(0);
    // The worker did publish and refresh while both keys were in play.
    const during = await x.app.store.listEvents({});
    expect(during.some((e) => e.type === 'account.credentials_refreshed')).toBe(true);
    expect(during.some((e) => e.type === 'post.transition' && e.data.to === 'published')).toBe(true);
    const posts = await x.drive();
    expect(posts).toHaveLength(12);
    expect(posts.every((p) => p.state === 'published')).toBe(true);
    const remote = x.sandbox.published();
    for (const p of posts) {
      const clip = await x.app.store.getClip(p.clipRowId);
      expect(remote.filter((r) => r.platform === p.platform && r.sha256 === clip!.mediaSha256)).toHaveLength(
        1,
      );
    }
    expect(x.app.secrets.currentVersion).toBe(2); // the worker followed the key file
    const fresh = await another(x);
    expect(await everyEnvelopeReadable(fresh)).toBe(4);
    expect(await countEnvelopes(fresh.store.db, 2)).toBe(0);
    expect(await fresh.store.verifyLedger()).toMatchObject({ ok: true });
  });
});
