import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';

type Harness = Awaited<ReturnType<typeof cliHarness>>;
type Issue = { code: string; message: string; fix: string; handle: string };

describe('YouTube made-for-kids is settled before a campaign exists', () => {
  let h: Harness;
  let accountId = '';
  beforeEach(async () => {
    h = await cliHarness();
    const file = join(h.root, 'yt.json');
    await writeFile(file, JSON.stringify({ client_id: 'cid', client_secret: 'csecret', refresh_token: '1//refresh' }));
    const added = await h.run('--json', 'accounts', 'add', '--platform', 'youtube', '--handle', '@kidsq', '--credentials-file', file);
    expect(added.code).toBe(0);
    accountId = added.json<{ account: { id: string } }>().account.id;
  });
  afterEach(async () => h.cleanup());

  const publish = (...extra: string[]) => h.run('--json', 'publish', EXAMPLE_CAMPAIGN, '--start-date', 'now', '--interval', '4h', '--platforms', 'youtube', '--yes', ...extra);

  it('validate and publish --dry-run report it; publish refuses naming the fix and writes nothing', async () => {
    const validate = await h.run('--json', 'validate', EXAMPLE_CAMPAIGN, '--platforms', 'youtube');
    expect(validate.code).toBe(1);
    expect(validate.json<{ accountIssues: Issue[] }>().accountIssues).toEqual([expect.objectContaining({ code: 'YOUTUBE_MADE_FOR_KIDS_UNSET', handle: '@kidsq', fix: expect.stringContaining(`clipcast accounts set ${accountId} --made-for-kids`) })]);
    const human = await h.run('validate', EXAMPLE_CAMPAIGN, '--platforms', 'youtube');
    expect(human.out).toMatch(/youtube:@kidsq has no made-for-kids setting/);

    const dry = await publish('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.json<{ accountIssues: Issue[] }>().accountIssues[0]).toMatchObject({ code: 'YOUTUBE_MADE_FOR_KIDS_UNSET' });
    expect((await h.run('publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', 'now', '--interval', '4h', '--platforms', 'youtube')).out).toMatch(/publish would refuse/);

    const refused = await publish();
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/youtube:@kidsq has no made-for-kids setting/);
    expect(refused.err).toMatch(/clipcast accounts set .* --made-for-kids false|publish --made-for-kids false/);
    expect((await h.run('--json', 'campaigns', 'list')).json<{ campaigns: unknown[] }>().campaigns).toHaveLength(0);
  });

  it('is settled per campaign by publish --made-for-kids, and per account by accounts set', async () => {
    const perCampaign = await publish('--made-for-kids', 'false');
    expect(perCampaign.code).toBe(0);
    expect((await publish('--made-for-kids', 'maybe', '--new')).code).toBe(2); // a usage error: the flag is wrong

    const set = await h.run('--json', 'accounts', 'set', 'youtube:@kidsq', '--made-for-kids', 'no');
    expect(set.code).toBe(0);
    expect(set.json<{ account: { credentialFields: string[] } }>().account.credentialFields).toContain('selfDeclaredMadeForKids');
    expect(set.out).not.toContain('csecret');
    const validate = await h.run('--json', 'validate', EXAMPLE_CAMPAIGN, '--platforms', 'youtube');
    expect(validate.json<{ accountIssues: Issue[] }>().accountIssues).toEqual([]);
    const perAccount = await publish('--new');
    expect(perAccount.code).toBe(0);
    expect((await h.run('--json', 'campaigns', 'list')).json<{ campaigns: unknown[] }>().campaigns).toHaveLength(2);
    // Only YouTube accounts have it.
    const tt = join(h.root, 'tt.json');
    await writeFile(tt, JSON.stringify({ client_key: 'k', client_secret: 's', access_token: 'a' }));
    await h.run('accounts', 'add', '--platform', 'tiktok', '--handle', '@t', '--credentials-file', tt);
    const wrong = await h.run('accounts', 'set', 'tiktok:@t', '--made-for-kids', 'false');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/YouTube setting/);
  });
});
