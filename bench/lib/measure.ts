import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line of `npm run bench -- upload`. */
export interface UploadBenchLine {
  case: string;
  bytes: number;
  seconds: number;
  baseline_seconds: number;
  /** Our throughput over the baseline's (bytes/s ÷ bytes/s); ≥ 1 means faster than the baseline. */
  ratio: number;
  peak_rss_mb: number;
  [extra: string]: unknown;
}

/** Writes a file of `bytes` pseudo-random bytes (1 MiB pattern repeated), streaming, if not already that size. */
export async function ensureFile(path: string, bytes: number): Promise<string> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.size === bytes) return path;
  const block = randomBytes(1024 * 1024);
  const out = createWriteStream(path);
  let left = bytes;
  while (left > 0) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    if (!out.write(piece)) await once(out, 'drain');
    left -= piece.length;
  }
  out.end();
  await once(out, 'finish');
  return path;
}

/**
 * Times curl sending `file` to `url` (the baseline): `curl -sS -X METHOD -T file` with the headers.
 * Returns seconds of wall time.
 */
export async function curlUpload(url: string, file: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<number> {
  const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', options.method ?? 'PUT', '-T', file];
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(url);
  const started = process.hrtime.bigint();
  const { stdout, code } = await run('curl', args);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0 || !/^2\d\d$/.test(stdout.trim())) throw new Error(`curl baseline failed: exit ${code}, status ${stdout}`);
  return seconds;
}

/**
 * Runs a TypeScript bench child (`node --import tsx script args…`) that prints one JSON object on its
 * last stdout line; returns that object plus the child's peak RSS in MB (from `process.resourceUsage`,
 * which the child must include as `maxRssKb`).
 */
export async function runChild<T extends Record<string, unknown>>(script: string, args: string[], options: { plainNode?: boolean } = {}): Promise<T & { peak_rss_mb: number }> {
  const { stdout, stderr, code } = await run(process.execPath, [...(options.plainNode ? [script] : childArgs(script)), ...args]);
  if (code !== 0) throw new Error(`${script} exited ${code}: ${stderr.slice(-2000)}`);
  const last = stdout.trim().split('\n').pop() ?? '{}';
  const parsed = JSON.parse(last) as T & { maxRssKb?: number };
  return { ...parsed, peak_rss_mb: Math.round(((parsed.maxRssKb ?? 0) / 1024) * 10) / 10 };
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = join(REPO, 'bench', '.work', 'build');

/**
 * Compiles the bench children and the sources they import (`tsconfig.bench.json`) into
 * `bench/.work/build`, so children run on plain node like an installed clipcast (the tsx loader alone
 * costs ~70 MB of RSS, which is not the product's).
 */
export async function buildBenchChildren(): Promise<void> {
  const { code, stderr } = await run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.bench.json')]);
  if (code !== 0) throw new Error(`bench build failed: ${stderr.slice(-2000)}`);
  // The CLI reads its version from the package.json two levels above `cli/`, as in an installed package.
  await copyFile(join(REPO, 'package.json'), join(BUILD, 'package.json'));
}

/** `node` arguments to run a bench child: its compiled build when there is one, else the TypeScript through tsx. */
export function childArgs(script: string): string[] {
  const compiled = join(BUILD, relative(REPO, script)).replace(/\.ts$/, '.js');
  return existsSync(compiled) ? [compiled] : ['--import', 'tsx', script];
}

/** What a bench child prints at the end: its result and its own peak RSS. */
export function childReport(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...result, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

/** Builds the JSON line; ratio = baseline_seconds / seconds (throughput ratio for the same bytes). */
export function uploadLine(name: string, bytes: number, seconds: number, baselineSeconds: number, peakRssMb: number, extra: Record<string, unknown> = {}): UploadBenchLine {
  return {
    case: name,
    bytes,
    seconds: round(seconds),
    baseline_seconds: round(baselineSeconds),
    ratio: round(baselineSeconds / seconds),
    peak_rss_mb: peakRssMb,
    ...extra,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}
