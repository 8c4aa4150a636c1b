import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { cliHarness } from '../helpers/cli.js';
import { fakeTerminal, KEY } from '../helpers/fake-terminal.js';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

/** Plays the browser: opens the authorization URL and follows redirects until the loopback callback answers. */
async function approve(url: string): Promise<{ status: number; body: string }> {
  let next = url;
  for (let i = 0; i < 5; i++) {
    const res = await request(next, { method: 'GET' });
    const body = await res.body.text();
    const location = res.headers.location;
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
      next = new URL(location, next).href;
      continue;
    }
    return { status: res.statusCode, body };
  }
  throw new Error('too many redirects');
}

/** Starts `clipcast --json sandbox` in the harness's data dir; resolves once it lists its accounts. */
async function startSandbox(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--json', 'sandbox'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ok) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.trimEnd().endsWith('}') && out.includes('"accounts"')) ok();
    });
  });
  return child;
}

/** The first match (its group) of `pattern` in what `stream` writes. */
function seen(stream: PassThrough, pattern: RegExp): Promise<string> {
  return new Promise((ok) => {
    let text = '';
    stream.on('data', (d) => {
      text += d;
      const m = pattern.exec(text);
      if (m) ok(m[1]!);
    });
  });
}

describe('clipcast accounts connect (OAuth with a loopback redirect, against the sandbox)', () => {
  let h: Awaited<ReturnType<typeof cliHarness>>;
  let sandbox: ChildProcess;

  beforeAll(async () => {
    h = await cliHarness();
    sandbox = await startSandbox(h.env);
  }, 60_000);
  afterAll(async () => {
    sandbox.kill('SIGKILL');
    await h.cleanup();
  });

  it.each(['youtube', 'tiktok', 'instagram'])('connects %s: PKCE and state through the browser, tokens stored encrypted', async (platform) => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    out.on('data', (d) => (stdout += d));
    const urlSeen = seen(err, /\n {2}(http\S+)\n/);
    const done = runCli(['--json', 'accounts', 'connect', platform, '--sandbox'], { out, err, env: h.env, isTTY: false });
    const url = new URL(await urlSeen);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    if (platform !== 'instagram') expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const page = await approve(url.href);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/connected/);
    expect(await done).toBe(0);
    const answer = JSON.parse(stdout) as { account: { id: string; platform: string; handle: string; externalId: string | null; credentialFields?: string[]; reconnected?: boolean } };
    expect(answer.account.platform).toBe(platform);
    // Keyed by the platform's identity: the sandbox's own account (same channel/user) is updated, not
    // duplicated under a fixed handle.
    expect(answer.account.handle).not.toBe(`@${platform}`);
    expect(answer.account.externalId).toBeTruthy();
    if (platform === 'youtube') expect(answer.account).toMatchObject({ handle: '@sandbox', reconnected: true, externalId: expect.stringMatching(/^UC/) });
    expect(stdout).not.toMatch(/accessToken"\s*:\s*"/);
  });

  it('refuses a callback whose state is not the one it sent, and keeps waiting', async () => {
    const err = new PassThrough();
    const urlSeen = seen(err, /waiting on (http\S+)\)/);
    const done = runCli(['accounts', 'connect', 'youtube', '--sandbox', '--timeout', '3'], { out: new PassThrough(), err, env: h.env, isTTY: false });
    const callback = await urlSeen;
    const forged = await request(`${callback}?code=stolen&state=forged-state-value`, { method: 'GET' });
    expect(forged.statusCode).toBe(400);
    await forged.body.dump();
    expect(await done).toBe(1); // timed out: the forged answer was not accepted
  }, 20_000);
});

describe('clipcast accounts connect youtube on a terminal', () => {
  let h: Awaited<ReturnType<typeof cliHarness>>;
  let sandbox: ChildProcess;
  beforeAll(async () => {
    h = await cliHarness();
    sandbox = await startSandbox(h.env);
  }, 60_000);
  afterAll(async () => {
    sandbox.kill('SIGKILL');
    await h.cleanup();
  });

  it('asks whether the new channel is made for kids, and stores the answer with the account', async () => {
    // The sandbox's own channel is removed, so the connect makes a new account with no answer yet.
    const listed = (await h.run('--json', 'accounts', 'list')).json<{ accounts: { id: string; platform: string }[] }>().accounts;
    expect((await h.run('accounts', 'remove', listed.find((a) => a.platform === 'youtube')!.id)).code).toBe(0);

    const t = fakeTerminal();
    const err = new PassThrough();
    const urlSeen = seen(err, /\n {2}(http\S+)\n/);
    const done = runCli(['accounts', 'connect', 'youtube', '--sandbox'], { in: t.input, out: t.output, err, env: h.env, isTTY: true });
    expect((await approve(await urlSeen)).status).toBe(200);
    await t.see('made for kids?');
    t.keys(KEY.down, KEY.enter); // "Yes, made for kids"
    await t.see('Connected youtube account');
    expect(await done).toBe(0);
    expect(t.screen()).not.toMatch(/Before publishing to it/);
    const youtube = (await h.run('--json', 'accounts', 'list')).json<{ accounts: { platform: string; settings: Record<string, unknown> }[] }>().accounts.find((a) => a.platform === 'youtube');
    expect(youtube?.settings).toEqual({ selfDeclaredMadeForKids: true });
  }, 30_000);
});
