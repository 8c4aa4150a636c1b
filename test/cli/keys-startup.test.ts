import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { cliHarness } from '../helpers/cli.js';
import { postgresAvailable } from '../helpers/postgres.js';

const BIN = fileURLToPath(new URL('../../bin/clipcast.js', import.meta.url));
const pg = await postgresAvailable();

type Cli = Awaited<ReturnType<typeof cliHarness>>;

/** A data dir with one TikTok account (credentials encrypted under the key the first command made). */
async function withAccount(): Promise<Cli> {
  const h = await cliHarness();
  const creds = join(h.root, 'creds.json');
  await writeFile(
    creds,
    JSON.stringify({ client_key: 'ck-123456', client_secret: 'cs-abcdefgh', access_token: 'act.tokentoken' }),
  );
  const added = await h.run(
    'accounts',
    'add',
    '--platform',
    'tiktok',
    '--handle',
    '@keys',
    '--credentials-file',
    creds,
  );
  expect(added.code, added.err).toBe(0);
  return h;
}

/** Runs the real executable in a child process; returns exit code and output. */
function runBin(
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

const COMMANDS = [
  ['accounts', 'list'],
  ['posts', 'list'],
  ['campaigns', 'list'],
  ['ledger', 'verify'],
  ['keys', 'status'],
];

describe('a secret key that does not belong to the data', () => {
  let h: Cli | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('is refused by every command with one line naming the key file when the key file is gone; no new key is made', async () => {
    h = await withAccount();
    const keyFile = join(h.home, 'secret.key');
    await rename(keyFile, `${keyFile}.bak`);
    for (const args of COMMANDS) {
      const r = await h.run(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(
        new RegExp(
          `^error: key file ${keyFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} lacks secret key version 1 \\(fingerprint [0-9a-f]{16}\\) that encrypted the data in the database; restore it \\(clipcast never creates a new key over existing data\\)\\n$`,
        ),
      );
      expect(existsSync(keyFile)).toBe(false);
    }
    await rename(`${keyFile}.bak`, keyFile);
    const back = await h.run('--json', 'accounts', 'list');
    expect(back.code).toBe(0);
    expect(back.json<{ accounts: { credentialFields: string[] }[] }>().accounts[0]!.credentialFields).toEqual(
      ['accessToken', 'clientKey', 'clientSecret'],
    );
  });

  it('is refused when the key file holds another key, and when CLIPCAST_SECRET_KEY does', async () => {
    h = await withAccount();
    const keyFile = join(h.home, 'secret.key');
    const original = await readFile(keyFile, 'utf8');
    await writeFile(keyFile, `${randomBytes(32).toString('base64')}\n`);
    await chmod(keyFile, 0o600);
    for (const args of COMMANDS) {
      const r = await h.run(...args);
      expect(r.code).toBe(1);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(
        /^error: key file .*secret\.key holds a different secret key \(fingerprint [0-9a-f]{16}\) from the one that encrypted the data in the database \(version 1, fingerprint [0-9a-f]{16}\); restore the right key\n$/,
      );
    }
    await writeFile(keyFile, original);
    h.env.CLIPCAST_SECRET_KEY = randomBytes(32).toString('base64');
    const r = await h.run('accounts', 'list');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: CLIPCAST_SECRET_KEY holds a different secret key/);
    // The right key in the environment works (same key as the file, version 1).
    h.env.CLIPCAST_SECRET_KEY = original.trim().replace(/^1:/, '');
    expect((await h.run('accounts', 'list')).code).toBe(0);
  });

  it('rotates through the CLI: keys rotate, then keys status shows the new version and the old one retired', async () => {
    h = await withAccount();
    const rotated = await h.run('keys', 'rotate');
    expect(rotated.code, rotated.err).toBe(0);
    expect(rotated.out).toMatch(
      /^Rotated: 2 envelope\(s\) re-encrypted under key version 2 \(fingerprint [0-9a-f]{16}\)\.\nRetired key version\(s\) 1\.\n$/,
    );
    const status = await h.run('--json', 'keys', 'status');
    expect(status.json()).toMatchObject({
      current_version: 2,
      envelopes_under_older_keys: 0,
      keys: [
        { version: 2, state: 'active' },
        { version: 1, state: 'retired' },
      ],
    });
    expect(status.out).not.toMatch(/"key"|base64/);
    const list = await h.run('--json', 'accounts', 'list');
    expect(
      list.json<{ accounts: { credentialFields: string[] }[] }>().accounts[0]!.credentialFields,
    ).toHaveLength(3);
    expect((await h.run('ledger', 'verify')).out).toMatch(/^Ledger intact: \d+ rows/);
  });

  it('runs one rotation at a time, and takes over the lock of a rotation whose process died', async () => {
    h = await withAccount();
    const lock = join(h.home, 'secret.key.rotating');
    await writeFile(lock, String(process.pid)); // a live process holds it
    const refused = await h.run('keys', 'rotate');
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      `error: another key rotation is running (process ${process.pid}, lock ${lock}); wait for it to finish\n`,
    );
    expect((await readFile(join(h.home, 'secret.key'), 'utf8')).trim().split('\n')).toHaveLength(1);
    await writeFile(lock, '2147483646'); // a process that is gone
    const done = await h.run('keys', 'rotate');
    expect(done.code, done.err).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('names the row a rotation cannot decrypt, and finishes once it is fixed', async () => {
    h = await withAccount();
    const store = await openStore({ url: join(h.home, 'clipcast.db') });
    const account = await store.db
      .selectFrom('accounts')
      .select(['id', 'credentials_enc'])
      .executeTakeFirstOrThrow();
    const damaged = `${account.credentials_enc.slice(0, -4)}AAAA`;
    await store.db.updateTable('accounts').set({ credentials_enc: damaged }).execute();
    await store.close();
    const r = await h.run('keys', 'rotate');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `^error: key rotation stopped at accounts ${account.id}: credentials could not be decrypted: .*run clipcast keys rotate again \\(everything else stays readable\\)\n$`,
      ),
    );
    const again = await openStore({ url: join(h.home, 'clipcast.db') });
    await again.db.updateTable('accounts').set({ credentials_enc: account.credentials_enc }).execute();
    await again.close();
    const done = await h.run('keys', 'rotate');
    expect(done.code, done.err).toBe(0);
    expect(done.out).toMatch(/^Finished the rotation: 2 envelope\(s\) re-encrypted under key version 2/);
  });

  it('tells the operator how to rotate an environment key', async () => {
    h = await cliHarness({ CLIPCAST_SECRET_KEY: randomBytes(32).toString('base64') });
    const r = await h.run('keys', 'rotate');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^error: CLIPCAST_SECRET_KEY holds one key; to rotate, set it \(here and for every worker\) to "2:<new key>,1:<current key>"/,
    );
  });

  it('ledger verify exits 1 and names the missing rows', async () => {
    h = await withAccount();
    const store = await openStore({ url: join(h.home, 'clipcast.db') });
    await sql`drop trigger events_append_only_delete`.execute(store.db);
    await store.db.deleteFrom('events').execute();
    await store.close();
    const r = await h.run('ledger', 'verify');
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      'Ledger BROKEN: 1 row(s) missing at the start of the ledger: the ledger head says it holds 1 rows, the table 0 (0 rows verified before it).\n',
    );
  });

  it('ledger verify keeps a signed checkpoint in the data dir that catches a truncation with a rolled-back head', async () => {
    h = await withAccount();
    const url = join(h.home, 'clipcast.db');
    let store = await openStore({ url });
    const oldHead = await store.db.selectFrom('ledger_head').selectAll().executeTakeFirstOrThrow();
    await store.close();
    const creds = join(h.root, 'creds2.json');
    await writeFile(
      creds,
      JSON.stringify({ client_key: 'ck-2', client_secret: 'cs-2', access_token: 'act.2' }),
    );
    expect(
      (
        await h.run(
          'accounts',
          'add',
          '--platform',
          'tiktok',
          '--handle',
          '@two',
          '--credentials-file',
          creds,
        )
      ).code,
    ).toBe(0);
    expect((await h.run('ledger', 'verify')).out).toMatch(/^Ledger intact: 2 rows/);
    expect(JSON.parse(await readFile(join(h.home, 'ledger.checkpoint'), 'utf8'))).toMatchObject({ n: 2 });
    // The attacker deletes the last row and puts back the (validly signed) head of before it.
    store = await openStore({ url });
    await sql`drop trigger events_append_only_delete`.execute(store.db);
    await sql`delete from events where seq = 2`.execute(store.db);
    await sql`create trigger events_append_only_delete before delete on events begin select raise(abort, 'x'); end`.execute(
      store.db,
    );
    await store.db
      .updateTable('ledger_head')
      .set({ n: oldHead.n, hash: oldHead.hash, mac: oldHead.mac })
      .execute();
    await store.close();
    const r = await h.run('ledger', 'verify');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^Ledger BROKEN: 1 row\(s\) missing after row 1: the checkpoint of \S+ recorded 2 rows/,
    );
  });
});

describe('startup failures: one line on stderr and exit 1, no stack trace (the real executable)', () => {
  let h: Cli | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it('a malformed CLIPCAST_SECRET_KEY', async () => {
    h = await cliHarness();
    const r = await runBin({ ...h.env, CLIPCAST_SECRET_KEY: 'not-a-key' }, 'accounts', 'list');
    expect(r).toMatchObject({
      code: 1,
      err: 'error: CLIPCAST_SECRET_KEY must hold 32 random bytes as base64 or hex (e.g. openssl rand -base64 32)\n',
    });
  });

  it('PostgreSQL not answering', async () => {
    h = await cliHarness();
    const r = await runBin(
      { ...h.env, CLIPCAST_DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/clipcast' },
      'accounts',
      'list',
    );
    expect(r).toMatchObject({
      code: 1,
      err: 'error: cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED): start the server or fix CLIPCAST_DATABASE_URL\n',
    });
  });

  it.runIf(pg)('a PostgreSQL database that does not exist', async () => {
    h = await cliHarness();
    const url = new URL(process.env.CLIPCAST_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    url.pathname = '/clipcast_missing_i13';
    const r = await runBin({ ...h.env, CLIPCAST_DATABASE_URL: url.toString() }, 'posts', 'list');
    expect(r).toMatchObject({
      code: 1,
      err: `error: database "clipcast_missing_i13" does not exist on PostgreSQL at ${url.hostname}:${url.port || '5432'}: create it (createdb clipcast_missing_i13) or fix CLIPCAST_DATABASE_URL\n`,
    });
  });
});
