/**
 * `npm run bench -- dashboard`: the dashboard over a month holding 10,000 posts.
 *
 * - API: p99 of the month view's request (`GET /dashboard/calendar?from=&to=`, compact rows) and of the
 *   same month as full views (`GET /posts?from=&to=&limit=10000`), 1 connection, measured with
 *   autocannon, each next to a bare `node:http` server answering the same bytes (the baseline).
 * - Browser (Debian's Chromium via playwright-core): first contentful paint and "calendar ready" (the
 *   month rendered with its 10,000 posts) of the signed-in dashboard; baselines in the same run: the
 *   first paint of the same page signed out (no data), and the time the page takes just to fetch and
 *   parse the same month (no rendering).
 * - JS and CSS shipped to the browser, raw and gzipped.
 *
 * The web app is built into `dist/web` first (as `npm run build` does). Options: `--duration <s>`
 * (default 10), `--runs <n>` browser loads (default 5; the median is reported).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { request } from 'undici';
import { openApp, type App } from '../src/app/open-app.js';
import { loadConfig } from '../src/config/load-config.js';
import { createApiKey } from '../src/server/api-keys.js';
import { CHROMIUM_ARGS } from '../test/browser/dashboard-harness.js';
import { load } from './api-autocannon.js';
import { seedPosts } from './api-seed.js';

const here = dirname(fileURLToPath(import.meta.url));
const POSTS = 10_000;

export async function run(args: string[]): Promise<void> {
  const duration = Number(flag(args, '--duration') ?? 10);
  const runs = Number(flag(args, '--runs') ?? 5);
  const { build } = await import('vite');
  await build({ configFile: join(here, '../web/vite.config.ts'), logLevel: 'warn' });
  const webDir = join(here, '../dist/web');
  const assets = readdirSync(join(webDir, 'assets'));
  const size = (ext: string) =>
    assets
      .filter((a) => a.endsWith(ext))
      .reduce(
        (acc, a) => {
          const bytes = readFileSync(join(webDir, 'assets', a));
          return { raw: acc.raw + bytes.length, gz: acc.gz + gzipSync(bytes, { level: 9 }).length };
        },
        { raw: 0, gz: 0 },
      );
  const js = size('.js');
  const css = size('.css');
  out({
    case: 'dashboard bundle',
    js_bytes: js.raw,
    js_gzip_bytes: js.gz,
    css_bytes: css.raw,
    css_gzip_bytes: css.gz,
  });

  const home = mkdtempSync(join(tmpdir(), 'clipcast-bench-dash-'));
  const children: ChildProcess[] = [];
  try {
    const app = await openApp(loadConfig({}, { home }));
    const month = DateTime.utc().plus({ months: 1 }).startOf('month');
    await seedMonth(app, month.toMillis(), month.plus({ months: 1 }).toMillis());
    const { key } = await createApiKey(app, 'bench');
    await app.close();
    const headers = { authorization: `Bearer ${key}` };
    const api = await child(['api', home], children);

    // The month view's request: from/to as the page computes them (weeks from Monday, UTC).
    const from = month.startOf('week').toISO()!;
    const to = month.endOf('month').endOf('week').plus({ milliseconds: 1 }).toISO()!;
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const cases = [
      {
        name: 'GET /dashboard/calendar?from=&to= (the month view, compact rows)',
        path: `/dashboard/calendar?${q}`,
        count: (b: string) => (JSON.parse(b) as { rows: unknown[] }).rows.length,
      },
      {
        name: 'GET /posts?from=&to=&limit=10000 (full post views)',
        path: `/posts?${q}&limit=10000`,
        count: (b: string) => (JSON.parse(b) as { posts: unknown[] }).posts.length,
      },
    ];
    const bodies: Record<string, string> = {};
    for (const c of cases) {
      const res = await request(`${api}${c.path}`, { headers });
      const body = await res.body.text();
      if (res.statusCode !== 200 || c.count(body) !== POSTS)
        throw new Error(`${c.path} answered ${res.statusCode}: ${body.slice(0, 200)}`);
      bodies[c.path.split('?')[0]!] = body;
    }
    const bodiesFile = join(home, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const baseline = await child(['baseline', bodiesFile], children);
    for (const c of cases) {
      const ours = await load(`${api}${c.path}`, { connections: 1, duration, headers });
      const base = await load(`${baseline}${c.path}`, { connections: 1, duration });
      out({
        case: c.name,
        p99_ms: ours.latency.p99,
        p50_ms: ours.latency.p50,
        requests: ours.requests.total,
        response_bytes: Buffer.byteLength(bodies[c.path.split('?')[0]!]!),
        baseline_p99_ms: base.latency.p99,
        baseline_p50_ms: base.latency.p50,
        non2xx: ours.non2xx,
        duration_s: duration,
        target_p99_ms: 150,
      });
    }

    out({
      case: 'Chromium, month of 10,000 posts',
      ...(await browserTimes(api, key, month.toISODate()!, runs)),
      target_first_paint_ms: 1000,
    });
  } finally {
    for (const c of children) c.stdin?.end();
    await Promise.all(
      children.map(
        (c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve))),
      ),
    );
    rmSync(home, { recursive: true, force: true });
  }
}

/** Median browser timings over `runs` fresh pages (cache warm after the first, as a user's reloads are). */
async function browserTimes(
  url: string,
  key: string,
  monthDay: string,
  runs: number,
): Promise<Record<string, number>> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'clipcast-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 900 },
  });
  const samples: Record<string, number[]> = {
    first_paint_ms: [],
    calendar_ready_ms: [],
    baseline_signed_out_first_paint_ms: [],
    baseline_fetch_parse_ms: [],
  };
  try {
    const page = await context.newPage();
    const fcp = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve) =>
            new PerformanceObserver((l) =>
              resolve(l.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN),
            ).observe({ type: 'paint', buffered: true }),
          ),
      );
    for (let i = 0; i < runs; i++) {
      await context.clearCookies();
      await page.goto(`${url}/`);
      samples['baseline_signed_out_first_paint_ms']!.push(await fcp());
      await page.evaluate(
        async (k) =>
          void (await fetch('/session', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ key: k }),
          })),
        key,
      );
      // The month to show: the app opens on today's month; the bench's month is next, one click away.
      await page.goto(`${url}/`);
      samples['first_paint_ms']!.push(await fcp());
      await page.getByRole('button', { name: 'Next month' }).click();
      const t0 = await page.evaluate(() => performance.now());
      await page.waitForFunction(
        (n) => document.querySelector('.summary')?.textContent?.startsWith(`${n} posts`),
        POSTS,
        { polling: 'raf', timeout: 30_000 },
      );
      samples['calendar_ready_ms']!.push((await page.evaluate(() => performance.now())) - t0);
      const from = DateTime.fromISO(monthDay, { zone: 'UTC' }).startOf('week').toISO()!;
      const to = DateTime.fromISO(monthDay, { zone: 'UTC' })
        .endOf('month')
        .endOf('week')
        .plus({ milliseconds: 1 })
        .toISO()!;
      samples['baseline_fetch_parse_ms']!.push(
        await page.evaluate(async (q) => {
          const s = performance.now();
          await (await fetch(`/dashboard/calendar?${q}`)).json();
          return performance.now() - s;
        }, new URLSearchParams({ from, to }).toString()),
      );
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v))]));
}

/** 10,000 posts spread evenly over [start, end): three platforms, ~3,333 clips. */
async function seedMonth(app: App, start: number, end: number): Promise<void> {
  const platforms = ['tiktok', 'instagram', 'youtube'] as const;
  await seedPosts(app, POSTS, {
    platforms,
    start,
    spacingMs: Math.floor((end - start) / Math.ceil(POSTS / platforms.length)),
  });
}

async function child(args: string[], children: ChildProcess[]): Promise<string> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'api-server-child.ts'), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(proc);
  for await (const line of createInterface({ input: proc.stdout })) {
    const parsed = JSON.parse(line) as { url?: string };
    if (parsed.url) return parsed.url;
  }
  throw new Error(`bench server child ${args[0]} exited before listening`);
}

function out(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
