import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres.js';

const FUTURE = '2030-06-01 09:00';
const backends = ['sqlite', ...((await postgresAvailable()) ? ['postgres'] : [])];

/** A NUL character (U+0000) in CLI input: refused naming the field, exit 1, nothing written, on both backends. */
describe.each(backends)('clipcast refuses NUL characters on %s', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function harness() {
    const db = backend === 'postgres' ? await createTestDatabase() : undefined;
    const h = await cliHarness(db ? { CLIPCAST_DATABASE_URL: db.url } : {});
    cleanups.push(async () => {
      await h.cleanup();
      await db?.drop();
    });
    return h;
  }

  it('in account credentials and handles', async () => {
    const h = await harness();
    const file = join(h.root, 'creds.json');
    await writeFile(file, JSON.stringify({ client_key: 'ck', client_secret: 'cs', access_token: 'a\u0000b' }));
    const creds = await h.run('accounts', 'add', '--platform', 'tiktok', '--handle', '@maker', '--credentials-file', file);
    expect(creds.code).toBe(1);
    expect(creds.err).toMatch(/credentials\.access_token contains a NUL character/);
    await writeFile(file, JSON.stringify({ client_key: 'ck', client_secret: 'cs', access_token: 'at' }));
    const name = await h.run('accounts', 'add', '--platform', 'tiktok', '--handle', '@maker', '--display-name', 'x\u0000', '--credentials-file', file);
    // (A real argv cannot carry NUL; the file and the API can. In process it reaches the same check.)
    expect(name.code).toBe(1);
    expect(name.err).toMatch(/displayName contains a NUL character/);
    const list = await h.run('--json', 'accounts', 'list');
    expect(list.code).toBe(0);
    expect(JSON.stringify(list.json())).not.toContain('@maker');
  });

  it('in a caption of the clips file', async () => {
    const h = await harness();
    const dir = join(h.root, 'campaign');
    await cp(EXAMPLE_CAMPAIGN, dir, { recursive: true });
    await writeFile(join(dir, 'copys', 'clips_copys.json'), JSON.stringify({ video_id: 'v', clips: [1, 2, 3, 4].map((id) => ({ clip_id: id, copy: id === 2 ? 'bad\u0000caption' : `clip ${id}` })) }));
    const r = await h.run('publish', dir, '--dry-run', '--start-date', FUTURE, '--interval', '4h', '--platforms', 'tiktok');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/clip 2, field "copy" contains a NUL character/);
    expect(r.err).toMatch(/fix: /);
  });
});
