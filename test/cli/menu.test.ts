import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { cliHarness } from '../helpers/cli.js';
import { fakeTerminal, KEY } from '../helpers/fake-terminal.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';

type Harness = Awaited<ReturnType<typeof cliHarness>>;

const COLOUR = new RegExp(String.raw`\u001b\[[0-9;]*m`);

describe('clipcast alone on a terminal: the menu and its prompts', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await cliHarness();
  });
  afterEach(async () => h.cleanup());

  it('publishes a folder from the menu: each answer checked as given (folder, zone with "did you mean", start, interval), accounts picked from a list', async () => {
    const creds = join(h.root, 'creds.json');
    await writeFile(creds, JSON.stringify({ clientKey: 'k', clientSecret: 's', accessToken: 'a' }));
    expect((await h.run('accounts', 'add', '--platform', 'tiktok', '--handle', '@mine', '--credentials-file', creds)).code).toBe(0);

    // The prompt library colours by the process's own stdout and FORCE_COLOR: force colours on, so
    // only clipcast's NO_COLOR handling can keep them off this terminal.
    const forced = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = '1';
    onTestFinished(() => {
      if (forced === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = forced;
    });
    const t = fakeTerminal();
    const err = new PassThrough();
    let errText = '';
    err.on('data', (d) => (errText += d));
    const done = runCli([], { in: t.input, out: t.output, err, env: { ...h.env, NO_COLOR: '1' }, isTTY: true });

    await t.see('what would you like to do?');
    t.keys(KEY.enter); // Publish a folder
    await t.see('CLIPER output folder');
    t.keys(join(h.root, 'nope'), KEY.enter);
    await t.see('does not exist');
    t.keys(KEY.clearLine, EXAMPLE_CAMPAIGN, KEY.enter);
    await t.see(`$ clipcast publish ${EXAMPLE_CAMPAIGN}`);
    await t.see('Time zone');
    t.keys(KEY.clearLine, 'Europe/Madird', KEY.enter);
    await t.see('did you mean Europe/Madrid?');
    t.keys(KEY.clearLine, 'Europe/Madrid', KEY.enter);
    await t.see('First post');
    t.keys(KEY.clearLine, '2020-01-01 09:00', KEY.enter);
    await t.see('past');
    t.keys(KEY.clearLine, KEY.enter); // empty: now
    await t.see('Time between clips');
    t.keys(KEY.clearLine, '3x', KEY.enter);
    await t.see('unknown unit "x"');
    t.keys(KEY.clearLine, '2h', KEY.enter);
    await t.see('Publish to');
    await t.see('@mine');
    t.keys(KEY.space, KEY.enter);
    await t.see('Create this campaign (4 posts)?');
    t.keys('y');
    await t.see('created with 4 posts');
    await t.see('what would you like to do?');
    t.keys(KEY.ctrlC);
    expect(await done).toBe(0);
    expect(errText).not.toContain('error');
    expect(errText).toMatch(/Importing clip 1\/4: .*Imported 4 clip\(s\), \d+\.\d\d GB in /s); // import progress on the terminal
    expect(t.raw()).toContain('\x1b['); // cursor movement still reaches the terminal…
    expect(t.raw()).not.toMatch(COLOUR); // …but with NO_COLOR no colour code does

    const list = (await h.run('--json', 'campaigns', 'list')).json<{ campaigns: { timezone: string; interval: string; posts: Record<string, number> }[] }>();
    expect(list.campaigns).toHaveLength(1);
    expect(list.campaigns[0]).toMatchObject({ timezone: 'Europe/Madrid', interval: '2h', posts: { scheduled: 4 } });
  }, 60_000);

  it('"Accounts and connect" runs the accounts list; Quit leaves with 0', async () => {
    const t = fakeTerminal();
    const done = runCli([], { in: t.input, out: t.output, err: new PassThrough(), env: h.env, isTTY: true });
    await t.see('what would you like to do?');
    t.keys(KEY.down, KEY.down, KEY.enter);
    await t.see('List accounts');
    t.keys(KEY.enter);
    await t.see('No accounts yet');
    await t.see('what would you like to do?');
    t.keys(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter);
    expect(await done).toBe(0);
  }, 30_000);

  it('colours the menu on a terminal unless NO_COLOR is set', async () => {
    const forced = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = '1';
    onTestFinished(() => {
      if (forced === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = forced;
    });
    const t = fakeTerminal();
    const done = runCli([], { in: t.input, out: t.output, err: new PassThrough(), env: { ...h.env, NO_COLOR: '' }, isTTY: true });
    await t.see('what would you like to do?');
    t.keys(KEY.ctrlC);
    expect(await done).toBe(0);
    expect(t.raw()).toMatch(COLOUR);
  });

  it('off a terminal never prompts: no command prints the help (exit 2), publish without flags fails naming the flag', async () => {
    const none = await h.run();
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: clipcast');
    const publish = await h.run('publish', EXAMPLE_CAMPAIGN);
    expect(publish.code).toBe(2);
    expect(publish.err).toContain('--start-date is required');
  });
});
