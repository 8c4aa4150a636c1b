import { existsSync } from 'node:fs';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';
import { CLIPER_FIXTURES, EXAMPLE_CAMPAIGN, makeCliperFolder } from '../helpers/cliper-fixtures.js';

type Harness = Awaited<ReturnType<typeof cliHarness>>;

const FUTURE = '2030-06-01 09:00';

describe('clipcast publish / validate / accounts (CLI, real SQLite)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await cliHarness();
  });
  afterEach(async () => h.cleanup());

  async function addAccount(platform: string, handle: string, creds: Record<string, string>) {
    const file = join(h.root, `${platform}-${handle}.json`);
    await writeFile(file, JSON.stringify(creds));
    return h.run('accounts', 'add', '--platform', platform, '--handle', handle, '--credentials-file', file);
  }

  it('plans a dry run before any account exists and writes nothing, not even the data dir', async () => {
    const r = await h.run('--json', 'publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', FUTURE, '--timezone', 'Europe/Madrid', '--interval', '4h', '--platforms', 'tiktok,youtube');
    expect(r.code).toBe(0);
    const plan = r.json<{ posts: { clipId: number; platform: string; scheduledAt: string }[]; skipped: unknown[] }>();
    expect(plan.posts).toHaveLength(8);
    expect(plan.posts[0]).toMatchObject({ clipId: 1, platform: 'tiktok', scheduledAt: '2030-06-01T07:00:00.000Z' });
    expect(plan.posts[2]).toMatchObject({ clipId: 2, scheduledAt: '2030-06-01T11:00:00.000Z' });
    expect(plan.skipped).toEqual([]);
    expect(existsSync(h.home)).toBe(false);
  });

  it.each(CLIPER_FIXTURES)('plans the real CLIPER file %s with stand-in clips', async (fixture) => {
    const dir = join(h.root, 'out', fixture);
    await makeCliperFolder(dir, { json: fixture, layout: 'flat' });
    const r = await h.run('--json', 'publish', dir, '--dry-run', '--start-date', FUTURE, '--interval', '1h', '--platforms', 'instagram');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const plan = r.json<{ posts: unknown[]; skipped: { clipId: number; reason: string }[] }>();
    expect(plan.posts.length + plan.skipped.length).toBeGreaterThan(0);
    expect(plan.posts.length).toBeGreaterThan(0);
  });

  it.each([
    [['publish', '/no/such/folder', '--dry-run', '--start-date', FUTURE, '--interval', '4h', '--platforms', 'tiktok'], /no\/such\/folder/],
    [['publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', 'tomorrow-ish', '--interval', '4h', '--platforms', 'tiktok'], /--start-date/],
    [['publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', '2020-01-01 09:00', '--interval', '4h', '--platforms', 'tiktok'], /past/],
    [['publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', FUTURE, '--timezone', 'Mars/Olympus', '--interval', '4h', '--platforms', 'tiktok'], /Mars\/Olympus/],
    [['publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', FUTURE, '--interval', '0m', '--platforms', 'tiktok'], /--interval/],
    [['publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', FUTURE, '--interval', '4h', '--platforms', 'myspace'], /myspace/],
    [['publish', EXAMPLE_CAMPAIGN, '--start-date', FUTURE, '--interval', '4h', '--platforms', 'tiktok'], /no main tiktok account/],
  ])('refuses bad input %# with a message naming it, and writes nothing', async (args, pattern) => {
    const r = await h.run(...(args as string[]));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(pattern);
    expect(r.err).toMatch(/fix: /);
    if (existsSync(h.home)) {
      const list = await h.run('--json', 'campaigns', 'list');
      expect(list.json<{ campaigns: unknown[] }>().campaigns).toEqual([]);
    }
  });

  it('reports a malformed clips file with its position', async () => {
    const dir = join(h.root, 'broken');
    await cp(EXAMPLE_CAMPAIGN, dir, { recursive: true });
    await writeFile(join(dir, 'copys/clips_copys.json'), '{"clips": [ {"clip_id": 1,, } ]}');
    const r = await h.run('publish', dir, '--dry-run', '--start-date', FUTURE, '--interval', '4h', '--platforms', 'tiktok');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/clips_copys\.json/);
    expect(r.err).toMatch(/line 1/);
  });

  it('creates a campaign atomically from accounts, finds it again on a re-run, and survives moving the source', async () => {
    expect((await addAccount('TikTok', '@creator', { client_key: 'ck', client_secret: 'cs-very-secret', access_token: 'act.SECRET123' })).code).toBe(0);
    expect((await addAccount('youtube', '@chan', { client_id: 'cid', client_secret: 'ysecret', refresh_token: '1//refresh-SECRET', self_declared_made_for_kids: false } as unknown as Record<string, string>)).code).toBe(0);
    const src = join(h.root, 'source');
    await cp(EXAMPLE_CAMPAIGN, src, { recursive: true });
    const args = ['--json', 'publish', src, '--start-date', FUTURE, '--interval', '1d', '--platforms', 'tiktok,youtube:@chan'];
    const first = await h.run(...args);
    expect(first.err).toBe('');
    const created = first.json<{ campaign: { id: string; created: boolean }; posts: unknown[] }>();
    expect(created.campaign.created).toBe(true);
    expect(created.posts).toHaveLength(8);
    const again = await h.run(...args);
    expect(again.json<{ campaign: { id: string; created: boolean } }>().campaign).toMatchObject({ id: created.campaign.id, created: false });
    const human = await h.run(...args.slice(1));
    expect(human.out).toMatch(/already exists/);
    const posts = await h.run('--json', 'posts', 'list', '--campaign', created.campaign.id);
    expect(posts.json<{ posts: { state: string }[] }>().posts.map((p) => p.state)).toEqual(Array(8).fill('scheduled'));
    await rm(src, { recursive: true });
    const media = join(h.home, 'media');
    expect(existsSync(media)).toBe(true);
    const list = await h.run('accounts', 'list');
    for (const secret of ['cs-very-secret', 'act.SECRET123', 'ysecret', '1//refresh-SECRET']) {
      expect(list.out).not.toContain(secret);
      expect(first.out + again.out + human.out + posts.out).not.toContain(secret);
    }
    const db = await readFile(join(h.home, 'clipcast.db'));
    expect(db.includes(Buffer.from('act.SECRET123'))).toBe(false);
  });

  it('applies per-post overrides from a file, per platform', async () => {
    const file = join(h.root, 'overrides.json');
    await writeFile(file, JSON.stringify({ 2: { title: 'My own title', options: { youtube: { privacyStatus: 'unlisted' } } } }));
    const r = await h.run('--json', 'publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', FUTURE, '--interval', '4h', '--platforms', 'youtube,tiktok', '--overrides', file);
    const posts = r.json<{ posts: { clipId: number; platform: string; title?: string }[] }>().posts;
    expect(posts.find((p) => p.clipId === 2 && p.platform === 'youtube')?.title).toBe('My own title');
    expect(posts.find((p) => p.clipId === 1 && p.platform === 'youtube')?.title).not.toBe('My own title');
    await writeFile(file, JSON.stringify({ 2: { titel: 'typo' } }));
    const bad = await h.run('publish', EXAMPLE_CAMPAIGN, '--dry-run', '--start-date', FUTURE, '--interval', '4h', '--platforms', 'youtube', '--overrides', file);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/titel/);
  });

  it('validates accounts per platform with a typed, clear error', async () => {
    const r = await addAccount('instagram', '@brand', { access_token: 'IGQ-token' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/instagram credentials lack ig_user_id/);
    const ok = await h.run('accounts', 'add', '--platform', 'instagram', '--handle', '@brand', '--external-id', '17841400000000000', '--credentials-file', join(h.root, 'instagram-@brand.json'));
    expect(ok.code).toBe(0);
    const bad = await addAccount('friendster', '@x', { token: 'y' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/friendster/);
    const noCreds = await h.run('accounts', 'add', '--platform', 'tiktok', '--handle', '@x');
    expect(noCreds.code).not.toBe(0);
    expect(noCreds.err).toMatch(/--credentials-file/);
  });

  it('validates a folder per clip and platform', async () => {
    const dir = join(h.root, 'v');
    await cp(EXAMPLE_CAMPAIGN, dir, { recursive: true });
    await writeFile(join(dir, '2.mp4'), 'not an mp4 at all');
    const r = await h.run('--json', 'validate', dir, '--platforms', 'tiktok,instagram,youtube');
    const body = r.json<{ probeErrors: { clipId: number; message: string }[]; errors: number }>();
    expect(body.probeErrors.map((p) => p.clipId)).toEqual([2]);
    expect(r.code).toBe(1);
    const plan = await h.run('--json', 'publish', dir, '--dry-run', '--start-date', FUTURE, '--interval', '4h', '--platforms', 'tiktok');
    expect(plan.json<{ skipped: { clipId: number }[] }>().skipped.map((s) => s.clipId)).toEqual([2]);
  });

  it('cancels a campaign, reschedules and cancels posts, and verifies the ledger', async () => {
    await addAccount('tiktok', '@c', { client_key: 'k', client_secret: 's', access_token: 't' });
    const created = (await h.run('--json', 'publish', EXAMPLE_CAMPAIGN, '--start-date', FUTURE, '--interval', '4h', '--platforms', 'tiktok')).json<{ campaign: { id: string } }>();
    const posts = (await h.run('--json', 'posts', 'list')).json<{ posts: { id: string }[] }>().posts;
    const moved = await h.run('--json', 'posts', 'reschedule', posts[0]!.id, '2030-07-01T10:00:00Z');
    expect(moved.json<{ post: { scheduledAt: string } }>().post.scheduledAt).toBe('2030-07-01T10:00:00.000Z');
    expect((await h.run('posts', 'cancel', posts[1]!.id)).code).toBe(0);
    expect((await h.run('posts', 'cancel', posts[1]!.id)).code).toBe(1);
    const cancel = await h.run('--json', 'campaigns', 'cancel', created.campaign.id);
    expect(cancel.json<{ cancelled: { posts: number } }>().cancelled.posts).toBe(3);
    const show = await h.run('--json', 'posts', 'show', posts[0]!.id);
    expect(show.json<{ events: { type: string }[] }>().events.map((e) => e.type)).toEqual(['post.scheduled', 'post.rescheduled', 'post.transition']);
    const verify = await h.run('--json', 'ledger', 'verify');
    expect(verify.json<{ ok: boolean }>().ok).toBe(true);
  });
});
