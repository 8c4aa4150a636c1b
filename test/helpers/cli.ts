import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.js';

/** A temp data dir and a function running the CLI in-process against it. */
export async function cliHarness(extraEnv: Record<string, string> = {}) {
  const root = await mkdtemp(join(tmpdir(), 'clipcast-cli-'));
  const home = join(root, 'home');
  const env: NodeJS.ProcessEnv = { ...process.env, CLIPCAST_HOME: home };
  // NO_COLOR: outputs compared as text stay plain even where the environment forces colours.
  const keepQuiet = { CLIPCAST_LOG_LEVEL: 'warn', NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('CLIPCAST_') && k !== 'CLIPCAST_HOME' && k !== 'CLIPCAST_SHARED_DIR') delete env[k];
  Object.assign(env, keepQuiet, extraEnv);
  return {
    root,
    home,
    env,
    /** Runs `clipcast …args`; returns exit code, stdout and stderr. */
    async run(...args: string[]): Promise<{ code: number; out: string; err: string; json<T = Record<string, unknown>>(): T }> {
      const out = new PassThrough();
      const err = new PassThrough();
      let o = '';
      let e = '';
      out.on('data', (d) => (o += d));
      err.on('data', (d) => (e += d));
      const code = await runCli(args, { out, err, env, isTTY: false });
      return { code, out: o, err: e, json: <T>() => JSON.parse(o) as T };
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
