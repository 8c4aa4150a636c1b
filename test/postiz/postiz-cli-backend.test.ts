import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostizEmulator, type PostizEmulator } from '../../src/sandbox/postiz/postiz-emulator.js';
import type { EmulatedChannel } from '../../src/sandbox/postiz/postiz-state.js';
import { cliHarness } from '../helpers/cli.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';

type Harness = Awaited<ReturnType<typeof cliHarness>>;
const FUTURE = '2030-06-01 09:00';

describe('clipcast channels / publish --backend postiz (CLI, emulator over HTTP, real SQLite)', () => {
  let emu: PostizEmulator;
  let h: Harness;
  let tt: EmulatedChannel;
  let ig: EmulatedChannel;
  beforeEach(async () => {
    emu = await createPostizEmulator();
    tt = emu.addChannel({ identifier: 'tiktok', name: 'Clips TT', profile: 'clipper' });
    ig = emu.addChannel({ identifier: 'instagram', name: 'Clips IG', disabled: false });
    emu.addChannel({ identifier: 'youtube', name: 'Old YT', disabled: true });
    emu.addChannel({ identifier: 'x', name: 'My X' });
    h = await cliHarness({ CLIPCAST_POSTIZ_URL: emu.url, CLIPCAST_POSTIZ_API_KEY: emu.apiKey });
  });
  afterEach(async () => {
    await h.cleanup();
    await emu.close();
  });
  const live = () => [...emu.store.posts.values()].filter((p) => !p.deleted);
  const postRequests = () => emu.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/posts')).length;

  it('lists the server\'s channels with provider and disabled flag, never printing the key; sync imports the supported ones', async () => {
    const list = await h.run('channels', '--json');
    expect(list.err).toBe('');
    expect(list.code).toBe(0);
    const { channels } = list.json<{ channels: { id: string; name: string; provider: string; platform: string | null; disabled: boolean; account: string | null }[] }>();
    expect(channels.map((c) => [c.name, c.provider, c.platform, c.disabled, c.account])).toEqual([
      ['Clips TT', 'tiktok', 'tiktok', false, null],
      ['Clips IG', 'instagram', 'instagram', false, null],
      ['Old YT', 'youtube', 'youtube', true, null],
      ['My X', 'x', null, false, null],
    ]);
    expect(list.out).not.toContain(emu.apiKey);
    expect(existsSync(h.home)).toBe(false); // listing writes nothing

    const sync = await h.run('channels', 'sync');
    expect(sync.code).toBe(0);
    expect(sync.out).toMatch(/3 channel\(s\) imported, 0 updated, 1 skipped/);
    expect(sync.out + sync.err).not.toContain(emu.apiKey);
    const again = await h.run('--json', 'channels', 'sync');
    expect(again.json<{ imported: unknown[]; updated: { status: string; handle: string }[] }>().updated.map((u) => [u.handle, u.status])).toEqual([
      ['Clips TT', 'ok'], ['Clips IG', 'ok'], ['Old YT', 'disabled'],
    ]);
    const accounts = await h.run('--json', 'accounts', 'list');
    expect(accounts.out).not.toContain(emu.apiKey);
    expect(accounts.json<{ accounts: { platform: string; handle: string; externalId: string }[] }>().accounts.map((a) => [a.platform, a.handle, a.externalId]).sort()).toEqual(
      [['instagram', 'Clips IG', ig.id], ['tiktok', 'Clips TT', tt.id], ['youtube', 'Old YT', expect.any(String)]].sort(),
    );
    const listed = (await h.run('--json', 'channels')).json<{ channels: { account: string | null }[] }>();
    expect(listed.channels.filter((c) => c.account)).toHaveLength(3);
  });

  it('publish --backend postiz resolves channel names and ids (syncing on the fly), returns at once with the ETA of the last submission', async () => {
    const r = await h.run('--json', 'publish', EXAMPLE_CAMPAIGN, '--backend', 'postiz', '--platforms', `Clips TT,${ig.id}`, '--start-date', FUTURE, '--timezone', 'UTC', '--interval', '4h');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = r.json<{ campaign: { id: string; created: boolean }; posts: { platform: string; account: string }[]; postiz: { submissions: number; submitted: number; lastEta: string; postsPerHour: number } }>();
    expect(out.campaign.created).toBe(true);
    expect(out.posts).toHaveLength(8);
    expect(new Set(out.posts.map((p) => p.account))).toEqual(new Set(['Clips TT', 'Clips IG']));
    expect(out.postiz).toMatchObject({ submissions: 4, submitted: 0, postsPerHour: 30 });
    expect(Date.parse(out.postiz.lastEta)).toBeGreaterThan(Date.now() - 60_000);
    expect(postRequests()).toBe(0); // nothing sent: the worker does it
    const shown = await h.run('--json', 'campaigns', 'list');
    expect(shown.out).toContain(out.campaign.id);

    const human = await h.run('publish', EXAMPLE_CAMPAIGN, '--backend', 'postiz', '--platforms', 'clips tt', '--start-date', FUTURE, '--timezone', 'UTC', '--interval', '4h');
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/Postiz: 0\/4 submissions sent/);
    expect(human.out).toMatch(/clipcast worker/);
  });

  it('publish --backend postiz --wait submits every clip once in the foreground (one POST per clip for both channels)', async () => {
    const r = await h.run('publish', EXAMPLE_CAMPAIGN, '--backend', 'postiz', '--platforms', `${tt.id},Clips IG`, '--start-date', FUTURE, '--timezone', 'UTC', '--interval', '4h', '--wait');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Postiz: 4\/4 submissions sent/);
    expect(postRequests()).toBe(4);
    expect(live()).toHaveLength(8);
    expect(new Set(live().map((p) => `${p.integrationId}@${p.publishDate}`)).size).toBe(8);
    const posts = await h.run('--json', 'posts', 'list');
    expect(posts.code).toBe(0);
    expect(posts.out).not.toContain(emu.apiKey);
  });

  it('a dry run plans unsynced channels and writes nothing; an unknown channel is named in the error', async () => {
    const dry = await h.run('--json', 'publish', EXAMPLE_CAMPAIGN, '--backend', 'postiz', '--dry-run', '--platforms', 'Clips TT', '--start-date', FUTURE, '--interval', '4h');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.json<{ posts: unknown[] }>().posts).toHaveLength(4);
    expect(existsSync(h.home)).toBe(false);
    const bad = await h.run('publish', EXAMPLE_CAMPAIGN, '--backend', 'postiz', '--platforms', 'Nope', '--start-date', FUTURE, '--interval', '4h');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/"Nope" is not a Postiz channel/);
    expect(bad.err).toMatch(/Clips TT/);
  });

  it('says how to configure the server when it is not set', async () => {
    const bare = await cliHarness();
    try {
      const r = await bare.run('channels');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/CLIPCAST_POSTIZ_URL/);
    } finally {
      await bare.cleanup();
    }
  });
});
