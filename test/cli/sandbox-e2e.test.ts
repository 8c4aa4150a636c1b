import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

/** Starts `clipcast --json sandbox` and resolves with its first JSON answer once it is listening. */
function startSandbox(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; info: { sandbox: Record<string, string>; accounts: { platform: string; handle: string }[] } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--json', 'sandbox', '--processing-ms', '200'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      try {
        ok({ child, info: JSON.parse(out) });
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => fail(new Error(`sandbox exited ${code}`)));
  });
}

describe('clipcast sandbox + publish + worker, no real credentials (real processes)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('creates sandbox accounts, publishes through them, and refreshes them when the sandbox restarts', async () => {
    const h = await cliHarness();
    try {
      const first = await startSandbox(h.env);
      children.push(first.child);
      expect(first.info.accounts.map((a) => a.platform).sort()).toEqual(['instagram', 'tiktok', 'youtube']);
      const created = await h.run('--json', 'publish', EXAMPLE_CAMPAIGN, '--start-date', 'now', '--interval', '2s', '--platforms', 'tiktok,instagram,youtube');
      expect(created.err).toBe('');
      const worker = await h.run('worker', '--until-idle', '--lease-ms', '5000');
      expect(worker.code).toBe(0);
      const posts = (await h.run('--json', 'posts', 'list')).json<{ posts: { id: string; platform: string; state: string; permalink: string | null }[] }>().posts;
      expect(posts).toHaveLength(12);
      expect(posts.every((p) => p.state === 'published' && p.permalink)).toBe(true);
      // `posts show` shows what was sent, and that the sandbox's unaudited YouTube project kept it private.
      const shown = await h.run('posts', 'show', posts.find((p) => p.platform === 'youtube')!.id);
      expect(shown.out).toMatch(/^ {2}visibility: published PRIVATE: the API project has not passed YouTube's audit/m);
      expect(shown.out).toMatch(/^sent:\n {2}title: \S.*\n {2}caption: \S/m);

      // A new sandbox knows none of the old tokens: starting it gives the accounts fresh ones.
      first.child.kill('SIGTERM');
      await new Promise((r) => first.child.once('exit', r));
      const second = await startSandbox(h.env);
      children.push(second.child);
      expect(second.info.accounts).toHaveLength(3);
      await h.run('publish', EXAMPLE_CAMPAIGN, '--start-date', 'now', '--interval', '2s', '--platforms', 'tiktok', '--new');
      expect((await h.run('worker', '--until-idle', '--lease-ms', '5000')).code).toBe(0);
      const after = (await h.run('--json', 'posts', 'list', '--state', 'published')).json<{ posts: unknown[] }>().posts;
      expect(after).toHaveLength(16);
    } finally {
      await h.cleanup();
    }
  }, 120_000);
});
