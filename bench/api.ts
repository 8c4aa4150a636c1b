/**
 * `npm run bench -- api`: requests/s and p99 latency of the HTTP API, measured with autocannon in
 * this run, next to a bare `node:http` baseline that answers the same bytes (so the figures show
 * what Fastify, auth, the store query and serialization cost). Cases: `GET /publishing/providers` and
 * one `GET /posts?limit=10000` page over a store seeded with 10,000 posts. Server and baseline run in
 * child processes so the load generator does not share their event loop.
 *
 * Options: `--duration <s>` (default 10), `--connections <n>` (default 10; the posts page uses at most 2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { openApp } from '../src/app/open-app.js';
import { loadConfig } from '../src/config/load-config.js';
import { createApiKey } from '../src/server/api-keys.js';
import { load } from './api-autocannon.js';
import { seedPosts } from './api-seed.js';

const here = dirname(fileURLToPath(import.meta.url));

/** One JSON line of this bench. */
export interface ApiBenchLine {
  case: string;
  requests_per_sec: number;
  p99_ms: number;
  p50_ms: number;
  response_bytes: number;
  baseline_requests_per_sec: number;
  baseline_p99_ms: number;
  /** Our requests/s over the baseline's. */
  ratio: number;
  non2xx: number;
  errors: number;
  connections: number;
  duration_s: number;
}

export async function run(args: string[]): Promise<void> {
  const duration = Number(flag(args, '--duration') ?? 10);
  const connections = Number(flag(args, '--connections') ?? 10);
  const home = mkdtempSync(join(tmpdir(), 'clipcast-bench-api-'));
  const children: ChildProcess[] = [];
  try {
    const app = await openApp(loadConfig({}, { home }));
    await seedPosts(app, 10_000);
    const { key } = await createApiKey(app, 'bench');
    await app.close();
    const headers = { authorization: `Bearer ${key}` };

    const api = await child(['api', home], children);
    const cases = [
      { name: 'GET /publishing/providers', path: '/publishing/providers', connections },
      // A 5.7 MB page takes a few hundred ms of CPU: 2 connections measure it rather than the queue.
      { name: 'GET /posts (10,000-post page)', path: '/posts?limit=10000', connections: Math.min(connections, 2) },
    ];
    const bodies: Record<string, string> = {};
    for (const c of cases) {
      const res = await request(`${api}${c.path}`, { headers });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${c.path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
      if (c.path.startsWith('/posts') && (JSON.parse(text) as { posts: unknown[] }).posts.length !== 10_000) throw new Error('the posts page does not hold 10,000 posts');
      bodies[c.path.split('?')[0] ?? ''] = text;
    }
    const bodiesFile = join(home, 'baseline-bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const baseline = await child(['baseline', bodiesFile], children);

    for (const c of cases) {
      const ours = await load(`${api}${c.path}`, { connections: c.connections, duration, headers });
      const base = await load(`${baseline}${c.path}`, { connections: c.connections, duration });
      const line: ApiBenchLine = {
        case: c.name,
        requests_per_sec: round(ours.requests.average),
        p99_ms: ours.latency.p99,
        p50_ms: ours.latency.p50,
        response_bytes: Buffer.byteLength(bodies[c.path.split('?')[0] ?? ''] ?? ''),
        baseline_requests_per_sec: round(base.requests.average),
        baseline_p99_ms: base.latency.p99,
        ratio: round(ours.requests.average / base.requests.average),
        non2xx: ours.non2xx,
        errors: ours.errors,
        connections: c.connections,
        duration_s: duration,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  } finally {
    for (const c of children) c.stdin?.end();
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
    rmSync(home, { recursive: true, force: true });
  }
}

/** Starts a server child and returns its url. */
async function child(args: string[], children: ChildProcess[]): Promise<string> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'api-server-child.ts'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(proc);
  const lines = createInterface({ input: proc.stdout });
  for await (const line of lines) {
    const parsed = JSON.parse(line) as { url?: string };
    if (parsed.url) return parsed.url;
  }
  throw new Error(`bench server child ${args[0]} exited before listening`);
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
