import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';

type Harness = Awaited<ReturnType<typeof cliHarness>>;

describe('output a person reads', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await cliHarness();
  });
  afterEach(async () => h.cleanup());

  it('the dry-run table shows the start of each caption, and the title on YouTube', async () => {
    const r = await h.run('publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', 'now', '--interval', '4h', '--platforms', 'tiktok,youtube');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\s+\d{4}-\d\d-\d\d /.test(l));
    expect(rows).toHaveLength(8);
    expect(rows.filter((l) => / youtube .*title: \S/.test(l))).toHaveLength(4);
    expect(rows.filter((l) => / tiktok .*\(no account yet\)\s+\S/.test(l) && !l.includes('title:'))).toHaveLength(4);
  });

  it('an empty posts list says so in words (with the filters it applied), not an empty table', async () => {
    const none = await h.run('posts', 'list');
    expect(none.out.trim()).toBe('No posts. Create some with: clipcast publish <dir> --start-date now --interval 4h --platforms tiktok');
    const filtered = await h.run('posts', 'list', '--state', 'scheduled', '--platform', 'youtube');
    expect(filtered.out.trim()).toBe('No posts in state scheduled on youtube. (clipcast posts list shows every post.)');
    expect((await h.run('--json', 'posts', 'list')).json()).toEqual({ posts: [], nextCursor: null });
  });

  it('the posts list "more:" hint keeps the filters of the page it follows', async () => {
    const creds = join(h.root, 'creds.json');
    await writeFile(creds, JSON.stringify({ clientKey: 'k', clientSecret: 's', accessToken: 'a' }));
    expect((await h.run('accounts', 'add', '--platform', 'tiktok', '--handle', '@mine', '--credentials-file', creds)).code).toBe(0);
    expect((await h.run('publish', EXAMPLE_CAMPAIGN, '--start-date', 'now', '--interval', '4h', '--platforms', 'tiktok', '--yes')).code).toBe(0);
    const first = await h.run('posts', 'list', '--state', 'scheduled', '--platform', 'TikTok', '--limit', '3');
    const more = /^more: clipcast (.*)$/m.exec(first.out)?.[1];
    expect(more).toMatch(/^posts list --state scheduled --platform tiktok --limit 3 --cursor \S+$/);
    const next = await h.run(...more!.split(' '));
    expect(next.code).toBe(0);
    expect(next.out.split('\n').filter((l) => l.includes(' tiktok '))).toHaveLength(1);
    expect(next.out).not.toContain('more:');
  });

  it('media prune removes stored clips only once no post needs them (and leftover .tmp files)', async () => {
    const creds = join(h.root, 'creds.json');
    await writeFile(creds, JSON.stringify({ clientKey: 'k', clientSecret: 's', accessToken: 'a' }));
    await h.run('accounts', 'add', '--platform', 'tiktok', '--handle', '@mine', '--credentials-file', creds);
    const created = await h.run('--json', 'publish', EXAMPLE_CAMPAIGN, '--start-date', 'now', '--interval', '4h', '--platforms', 'tiktok');
    const campaignId = created.json<{ campaign: { id: string } }>().campaign.id;
    await mkdir(join(h.home, 'media', 'ab'), { recursive: true });
    await writeFile(join(h.home, 'media', 'ab', 'stale.mp4.1.2.tmp'), 'partial');
    const kept = await h.run('--json', 'media', 'prune', '--grace', '0');
    expect(kept.json<{ removed: { path: string }[]; kept: number }>()).toMatchObject({ removed: [{ path: join(h.home, 'media', 'ab', 'stale.mp4.1.2.tmp') }], kept: 4 });
    expect((await h.run('campaigns', 'cancel', campaignId)).code).toBe(0);
    const dry = await h.run('media', 'prune', '--grace', '0', '--dry-run');
    expect(dry.out).toContain('Would remove 4 file(s)');
    const pruned = await h.run('--json', 'media', 'prune', '--grace', '0');
    expect(pruned.json<{ removed: unknown[]; kept: number }>()).toMatchObject({ kept: 0 });
    expect(pruned.json<{ removed: unknown[] }>().removed).toHaveLength(4);
    // Files imported within the grace period are kept (another publish may be writing its rows).
    await h.run('publish', EXAMPLE_CAMPAIGN, '--start-date', 'now', '--interval', '4h', '--platforms', 'tiktok', '--new');
    const recent = await h.run('--json', 'media', 'prune');
    expect(recent.json<{ removed: unknown[]; kept: number }>()).toMatchObject({ removed: [], kept: 4 });
  });
});
