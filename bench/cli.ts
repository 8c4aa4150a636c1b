/**
 * `npm run bench -- cli [runs]`: start-up time of the CLI. Runs `node -e 0` (the baseline: the runtime
 * floor) and clipcast's `--help`, `providers` and `campaigns list` side by side, interleaved, `runs`
 * times each (default 15), and prints one JSON line per case with the median wall time and its ratio to
 * the baseline's median. The bundle (scripts/bundle-cli.mjs, what an installed package runs) is the
 * target; the unbundled tsc build and the checkout through tsx (`CLIPCAST_FROM_SOURCE=1`) are printed for
 * comparison.
 * Target: `--help`, `providers`, `campaigns list` of the build within 2.5× of `node -e 0`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBenchChildren } from './lib/measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const TARGET = 2.5;

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  target?: number;
}

export async function run(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 15);
  await buildBenchChildren();
  const built = join(here, '.work', 'build', 'src', 'cli', 'main.js');
  const bundled = await buildBundle();
  const bin = join(repo, 'bin', 'clipcast.js');
  const home = await mkdtemp(join(tmpdir(), 'clipcast-bench-cli-'));
  try {
    const env = { CLIPCAST_HOME: home };
    // The data dir exists (as on a machine in use): the timed runs open it, they do not create it.
    await time([bundled, 'campaigns', 'list'], env);
    const cases: Case[] = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'bundle --help', args: [bundled, '--help'], target: TARGET },
      { name: 'bundle providers', args: [bundled, 'providers'], target: TARGET },
      { name: 'bundle campaigns list', args: [bundled, 'campaigns', 'list'], target: TARGET },
      { name: 'tsc build (unbundled) campaigns list', args: [built, 'campaigns', 'list'] },
      { name: 'bin --help (checkout, dist when current)', args: [bin, '--help'] },
      { name: 'checkout via tsx --help', args: [bin, '--help'], env: { CLIPCAST_FROM_SOURCE: '1' } },
    ];
    const samples = new Map<string, { seconds: number[]; rssKb: number[] }>(cases.map((c) => [c.name, { seconds: [], rssKb: [] }]));
    for (let i = 0; i < runs; i++) {
      for (const c of cases) {
        const r = await time(c.args, { ...env, ...c.env });
        samples.get(c.name)!.seconds.push(r.seconds);
        if (r.rssKb !== null) samples.get(c.name)!.rssKb.push(r.rssKb);
      }
    }
    const base = median(samples.get('node -e 0')!.seconds);
    for (const c of cases) {
      const s = samples.get(c.name)!;
      const seconds = median(s.seconds);
      console.log(
        JSON.stringify({
          case: `cli ${c.name}`,
          runs,
          seconds: round(seconds),
          baseline: 'node -e 0',
          baseline_seconds: round(base),
          ratio: round(seconds / base),
          peak_rss_mb: s.rssKb.length ? Math.round(Math.max(...s.rssKb) / 102.4) / 10 : null,
          ...(c.target ? { targets: { ratio_max: c.target }, ok: seconds / base <= c.target } : {}),
        }),
      );
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * Builds the CLI bundle as `npm run build` does, into bench/.work/bundle/dist/bin/ (beside a copy of
 * package.json, whose version the CLI reads), and returns a script that runs it as bin/clipcast.js does.
 */
async function buildBundle(): Promise<string> {
  const dir = join(here, '.work', 'bundle');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'scripts', 'bundle-cli.mjs'), '--outdir', join(dir, 'dist', 'bin')], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`scripts/bundle-cli.mjs exited ${c}`))));
  });
  await copyFile(join(repo, 'package.json'), join(dir, 'package.json'));
  const runner = join(dir, 'dist', 'run.mjs');
  await writeFile(runner, "const { runCli } = await import('./bin/main.js');\nprocess.exitCode = await runCli(process.argv.slice(2));\n");
  return runner;
}

/** Wall time of `node …args` (and its peak RSS through /usr/bin/time when present); throws on a non-zero exit. */
async function time(args: string[], env: Record<string, string>): Promise<{ seconds: number; rssKb: number | null }> {
  const gnuTime = existsSync('/usr/bin/time');
  const [cmd, argv] = gnuTime ? ['/usr/bin/time', ['-f', 'RSSKB=%M', process.execPath, ...args]] : [process.execPath, args];
  const started = process.hrtime.bigint();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(cmd as string, argv as string[], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(-1000)}`);
  const rss = /RSSKB=(\d+)/.exec(stderr);
  return { seconds, rssKb: rss ? Number(rss[1]) : null };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
