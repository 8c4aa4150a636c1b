/**
 * `npm run bench -- dispatch [posts] [minutes] [--workers N] [--postgres]`: 10,000 posts scheduled over
 * the next minutes, spread over 50 sandbox accounts, against emulators answering instantly with their
 * limits switched off. Each worker runs as its own process (the compiled build, as installed); prints
 * p50/p99 lateness (claim time minus planned time, from the ledger), posts/s and each worker's peak
 * RSS. `started_per_s` is the dispatch rate (first claims per second from the first planned time to the
 * last first claim): it keeps up with the plan when it reaches `planned_posts_per_s`. `posts_per_s`
 * counts publications up to the last one, which includes the platforms' own status-poll waits (the
 * Instagram adapter first polls a container 60 s after its upload), so it stays under the planned rate
 * however fast the dispatch is. `--postgres` uses a fresh database on the test PostgreSQL server (`CLIPCAST_TEST_PG_URL`), so
 * several workers share it as in production. Targets: p99 under 1 s, RSS under 150 MB per worker.
 *
 * The issue-12 case: `npm run bench -- dispatch 6000 1 --workers 3 --postgres` (100 posts/s planned).
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../src/app/open-app.js';
import { loadConfig } from '../src/config/load-config.js';
import type { PlatformId } from '../src/core/platform-id.js';
import type { ClipRecord, NewCampaign } from '../src/core/ports/store.js';
import { newId } from '../src/store/ids.js';
import { SANDBOX_URLS_SETTING } from '../src/sandbox/sandbox-urls.js';
import { startSandbox } from '../src/sandbox/start-sandbox.js';
import { EXAMPLE_CLIPS } from '../test/helpers/cliper-fixtures.js';
import { probeMp4 } from '../src/media/probe.js';
import { createTestDatabase } from '../test/helpers/postgres.js';
import { buildBenchChildren } from './lib/measure.js';

const here = dirname(fileURLToPath(import.meta.url));

export async function run(args: string[]): Promise<void> {
  const flag = (name: string) => args.indexOf(name);
  const workersAt = flag('--workers');
  const workers = workersAt >= 0 ? Number(args[workersAt + 1]) : 1;
  const usePostgres = flag('--postgres') >= 0;
  const positional = args.filter((a, i) => !a.startsWith('--') && (workersAt < 0 || i !== workersAt + 1));
  const total = Number(positional[0] ?? 10_000);
  const minutes = Number(positional[1] ?? 5);
  const accountsN = 50;
  const work = join(here, '.work', 'dispatch');
  await rm(work, { recursive: true, force: true });
  const home = join(work, 'home');
  // Build the worker first: a build after the posts are planned would count as lateness.
  await buildBenchChildren();
  const pg = usePostgres ? await createTestDatabase() : undefined;
  const databaseUrl = pg?.url;
  const sandbox = await startSandbox({ processingMs: 0, limits: false });
  const app = await openApp(loadConfig({}, { home, ...(databaseUrl ? { databaseUrl } : {}) }));
  await app.store.setSetting(SANDBOX_URLS_SETTING, JSON.stringify(sandbox.urls), Date.now());
  const platforms: PlatformId[] = ['tiktok', 'instagram', 'youtube'];
  const accounts = [];
  for (let i = 0; i < accountsN; i++) {
    const platform = platforms[i % 3]!;
    const a = sandbox.createAccount(platform, `@bench${i}`);
    accounts.push(await app.accounts.add({ platform, handle: a.handle, externalId: a.externalId, credentials: a.credentials, sandbox: true, isMain: i < 3 }));
  }
  // Clips: the example files in the media store; posts: clip × account, spread evenly over the window.
  const campaignId = newId('camp');
  const perAccount = Math.ceil(total / accountsN);
  const clips: ClipRecord[] = [];
  for (let i = 0; i < perAccount; i++) {
    const file = EXAMPLE_CLIPS[i % EXAMPLE_CLIPS.length]!;
    const stored = await app.media.importFile(file);
    const probe = await probeMp4(file);
    clips.push({ id: newId('clip'), campaignId, clipId: i + 1, mediaSha256: stored.sha256, mediaPath: stored.path, size: stored.size, probe: { ...probe }, copy: `Bench clip ${i + 1} #bench`, metadata: {} });
  }
  const startAt = Date.now() + 20_000;
  const spanMs = minutes * 60_000;
  const posts: NewCampaign['posts'] = [];
  for (let k = 0; k < total; k++) {
    const account = accounts[k % accountsN]!;
    const clip = clips[Math.floor(k / accountsN)]!;
    posts.push({
      id: newId('post'),
      campaignId,
      clipRowId: clip.id,
      clipId: clip.clipId,
      accountId: account.id,
      platform: account.platform,
      scheduledAt: startAt + Math.floor((k / total) * spanMs),
      timezone: 'UTC',
      content: { caption: clip.copy, title: `Bench ${clip.clipId}`, tags: ['bench'], options: account.platform === 'youtube' ? { privacyStatus: 'public', selfDeclaredMadeForKids: false } : account.platform === 'tiktok' ? { privacy_level: 'SELF_ONLY' } : {} },
    });
  }
  await app.store.createCampaign({ campaign: { id: campaignId, name: 'dispatch bench', sourceDir: work, clipsFileSha256: 'bench', fingerprint: campaignId, startAt, intervalText: 'bench', timezone: 'UTC', orderBy: 'file', windowText: null, backend: 'direct' }, clips, posts }, Date.now());
  await app.close();
  const main = join(here, '.work', 'build', 'src', 'cli', 'main.js');
  // e.g. BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the workers.
  const workerNodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const started = Date.now();
  const peaks: number[] = [];
  const codes = await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const child = spawn(process.execPath, [...workerNodeArgs, main, 'worker', '--until-idle', '--concurrency', String(Math.ceil(96 / workers)), '--per-account', '4', '--per-platform', String(Math.ceil(48 / workers)), '--ignore-quota'], {
        env: { ...process.env, CLIPCAST_HOME: home, CLIPCAST_LOG_LEVEL: 'warn', ...(databaseUrl ? { CLIPCAST_DATABASE_URL: databaseUrl } : {}) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      peaks[w] = 0;
      const sampler = setInterval(() => {
        void readFile(`/proc/${child.pid}/status`, 'utf8').then(
          (st) => (peaks[w] = Math.max(peaks[w]!, Number(/VmHWM:\s+(\d+)/.exec(st)?.[1] ?? 0))),
          () => undefined,
        );
      }, 200);
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      clearInterval(sampler);
      return code;
    }),
  );
  const seconds = (Date.now() - started) / 1000;

  const check = await openApp(loadConfig({}, { home, ...(databaseUrl ? { databaseUrl } : {}) }));
  const events = await check.store.listEvents({ campaignId, limit: 10_000_000 });
  const planned = new Map(posts.map((p) => [p.id, p.scheduledAt]));
  const firstClaims = events.filter((e) => e.type === 'post.transition' && e.data.from === 'scheduled' && e.data.to === 'preparing' && e.postId);
  const lateness = firstClaims.map((e) => e.at - planned.get(e.postId!)!).sort((a, b) => a - b);
  const lastStart = firstClaims.reduce((m, e) => Math.max(m, e.at), startAt);
  const counts = await check.store.countPostsByState();
  const published = counts.filter((c) => c.state === 'published').reduce((n, c) => n + c.count, 0);
  const lastPublished = events.filter((e) => e.type === 'post.transition' && e.data.to === 'published').reduce((m, e) => Math.max(m, e.at), 0);
  await check.close();
  await sandbox.close();
  await pg?.drop();
  const pct = (q: number) => percentile(lateness, q);
  // Where in the window the late claims were: p99 lateness of the posts planned in each 10 s of it.
  const buckets = new Map<number, number[]>();
  for (const e of firstClaims) {
    const at = planned.get(e.postId!)!;
    const b = Math.floor((at - startAt) / 10_000);
    if (!buckets.has(b)) buckets.set(b, []);
    buckets.get(b)!.push(e.at - at);
  }
  const p99By10s = [...buckets.keys()].sort((a, b) => a - b).map((b) => percentile(buckets.get(b)!.sort((x, y) => x - y), 0.99));
  console.log(
    JSON.stringify({
      case: 'dispatch',
      posts: total,
      accounts: accountsN,
      window_minutes: minutes,
      store: usePostgres ? 'postgres' : 'sqlite',
      workers,
      worker_exit: codes,
      published,
      started_posts: lateness.length,
      lateness_p50_ms: pct(0.5),
      lateness_p99_ms: pct(0.99),
      lateness_max_ms: lateness.at(-1) ?? NaN,
      lateness_p99_ms_by_10s: p99By10s,
      started_per_s: Math.round((firstClaims.length / Math.max(1, (lastStart - startAt) / 1000)) * 10) / 10,
      posts_per_s: Math.round((published / Math.max(1, (lastPublished - startAt) / 1000)) * 10) / 10,
      wall_seconds: Math.round(seconds),
      peak_rss_mb: peaks.map((kb) => Math.round(kb / 102.4) / 10),
      baseline: 'planned rate',
      planned_posts_per_s: Math.round((total / (spanMs / 1000)) * 10) / 10,
      targets: { lateness_p99_ms_max: 1000, peak_rss_mb_max: 150 },
    }),
  );
}

/** The `q` quantile of ascending `sorted` values (NaN when there are none). */
function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
