import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createCampaign } from '../../src/core/campaigns/create-campaign.js';
import { prepareCampaign } from '../../src/core/campaigns/prepare-campaign.js';
import { isFinalState } from '../../src/core/post-state.js';
import { mulberry32 } from '../../src/sandbox/fault-plan.js';
import { probeMp4 } from '../../src/media/probe.js';
import { SANDBOX_URLS_SETTING } from '../../src/sandbox/sandbox-urls.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start-sandbox.js';
import { EXAMPLE_CAMPAIGN, EXAMPLE_CLIPS, makeSizedMp4 } from '../helpers/cliper-fixtures.js';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');
const CLIPS = 7; // × 3 platforms = 21 posts

/**
 * The exactly-once proof: 21 posts over TikTok, Instagram and YouTube while worker processes are
 * killed with SIGKILL at random moments (mid-upload included) and restarted, with the emulators
 * injecting 429s, 5xx and slow chunks. Real processes, real SQLite (WAL), real HTTP, the real clock:
 * a crash cannot be faked in-process.
 */
describe('worker processes killed with SIGKILL at random moments', () => {
  let root: string;
  let home: string;
  let sandbox: Sandbox;
  let app: App;
  const random = mulberry32(20261201);
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'clipcast-kill-'));
    home = join(root, 'home');
    sandbox = await startSandbox({ processingMs: 300 });
    app = await openApp(loadConfig({}, { home }));
    await app.store.setSetting(SANDBOX_URLS_SETTING, JSON.stringify(sandbox.urls), Date.now());
    for (const platform of ['tiktok', 'instagram', 'youtube'] as const) {
      const a = sandbox.createAccount(platform, '@killtest');
      await app.accounts.add({ platform, handle: a.handle, externalId: a.externalId, credentials: a.credentials, sandbox: true });
    }
    // 7 distinct clips of 12 MB, so uploads take several chunks and a kill can land mid-upload.
    const dir = join(root, 'clips');
    await mkdir(join(dir, 'copys'), { recursive: true });
    await cp(join(EXAMPLE_CAMPAIGN, 'copys'), join(dir, 'copys'), { recursive: true });
    const json = JSON.parse(await (await import('node:fs/promises')).readFile(join(dir, 'copys/clips_copys.json'), 'utf8')) as { clips: Record<string, unknown>[] };
    json.clips = Array.from({ length: CLIPS }, (_, i) => ({ ...json.clips[i % json.clips.length], clip_id: i + 1 }));
    await writeFile(join(dir, 'copys/clips_copys.json'), JSON.stringify(json));
    for (let i = 1; i <= CLIPS; i++) await makeSizedMp4(EXAMPLE_CLIPS[(i - 1) % EXAMPLE_CLIPS.length]!, join(dir, `${i}.mp4`), 12 * 1024 * 1024);
    const preview = await prepareCampaign(
      { accounts: app.accounts, store: app.store, now: () => Date.now(), probe: (f) => probeMp4(f), defaultTimezone: 'UTC' },
      { source: dir, targets: ['tiktok,instagram,youtube'], startDate: 'now', interval: '1s', options: { youtube: { privacyStatus: 'public' } } },
    );
    await createCampaign({ store: app.store, now: () => Date.now(), newId: app.newId, importMedia: (f) => app.media.importFile(f) }, preview);
    // Faults on every platform: rate limits with Retry-After, server errors, and slow chunks.
    const p = 0.15;
    sandbox.tiktok.server.faults.add({ method: 'POST', path: '/v2/post/publish/video/init/', times: 4, probability: 0.3, fault: { kind: 'status', status: 429, retryAfterSec: 1, body: { data: {}, error: { code: 'rate_limit_exceeded', message: 'slow down', log_id: 'f' } } } });
    sandbox.tiktok.server.faults.add({ method: 'PUT', times: Infinity, probability: 0.4, fault: { kind: 'delay', ms: 250 } });
    sandbox.youtube.server.faults.add({ method: 'PUT', times: 4, probability: p, fault: { kind: 'status', status: 503, body: { error: { code: 503, message: 'backend', errors: [{ reason: 'backendError', domain: 'global', message: 'backend' }] } } } });
    sandbox.youtube.server.faults.add({ method: 'PUT', times: Infinity, probability: 0.4, fault: { kind: 'delay', ms: 250 } });
    sandbox.instagram.server.faults.add({ method: 'POST', path: '/graph.facebook.com/', times: 3, probability: 0.35, fault: { kind: 'status', status: 500, body: { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true, fbtrace_id: 'x' } } } });
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await app?.close();
    await sandbox?.close();
    await rm(root, { recursive: true, force: true });
  });

  function startWorker(extra: string[] = []): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'worker', '--lease-ms', '2000', '--concurrency', '6', ...extra], {
      env: { ...process.env, CLIPCAST_HOME: home, CLIPCAST_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', () => undefined);
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  }

  it('publishes every post exactly once, loses none, and never restarts a valid upload from zero', async () => {
    let kills = 0;
    let killedMidUpload = 0;
    let killsHoldingLease = 0;
    const deadOwners = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const child = startWorker();
      // Kill once this worker holds posts (a worker starting slowly under load must not be killed before
      // it claims anything, or no lease is ever left to recover), then at a random moment after that.
      for (let waited = 0; waited < 30_000; waited += 50) {
        const active = (await app.store.listPosts({ limit: 100 })).posts.some((p) => ['preparing', 'uploading', 'processing', 'publishing'].includes(p.state));
        if (active || child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 200 + Math.floor(random() * 2_500)));
      // Then kill while this worker holds a live lease (between two posts it holds none, and a kill there
      // proves nothing about recovery); on a fast machine the random moment often lands between posts.
      let holding = false;
      const liveOwners = new Set<string>();
      for (let waited = 0; waited < 10_000 && child.exitCode === null; waited += 20) {
        const now = Date.now();
        const live = (await app.store.listPosts({ limit: 100 })).posts.filter((p) => p.leaseUntil !== null && p.leaseUntil > now && p.leaseOwner && !deadOwners.has(p.leaseOwner));
        for (const p of live) liveOwners.add(p.leaseOwner!);
        holding = live.length > 0;
        if (holding) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const uploading = (await app.store.listPosts({ state: 'uploading' })).posts.length;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      kills += 1;
      for (const o of liveOwners) deadOwners.add(o); // leases a killed worker left behind are not the next worker's
      if (holding) killsHoldingLease += 1;
      if (uploading) killedMidUpload += 1;
      const { posts } = await app.store.listPosts({ limit: 100 });
      if (posts.every((p) => isFinalState(p.state))) break;
    }
    const last = startWorker(['--until-idle']);
    const code = await new Promise<number | null>((r) => last.once('exit', r));
    expect(code).toBe(0);

    const { posts } = await app.store.listPosts({ limit: 100 });
    expect(posts).toHaveLength(CLIPS * 3);
    expect(posts.filter((p) => p.state !== 'published').map((p) => `${p.platform}#${p.clipId}:${p.state}:${p.lastError?.message ?? ''}`)).toEqual([]);
    const remote = sandbox.published();
    for (const p of posts) {
      const clip = await app.store.getClip(p.clipRowId);
      expect(remote.filter((r) => r.platform === p.platform && r.sha256 === clip!.mediaSha256), `${p.platform} clip ${p.clipId}`).toHaveLength(1);
    }
    const events = await app.store.listEvents({});
    const restarts = events.filter((e) => ['tiktok_upload_restarted', 'youtube.session_expired', 'youtube.session_abandoned', 'instagram_container_reset'].includes(e.type));
    // A restart is only allowed when no valid session was known (an init whose answer died with the worker).
    expect(restarts.filter((e) => !/outcome_unknown|no session|lost/i.test(JSON.stringify(e.data)))).toEqual([]);
    expect(events.filter((e) => e.type === 'post.lease_recovered').length).toBeGreaterThan(0);
    expect(kills).toBeGreaterThan(0);
    expect(killsHoldingLease).toBeGreaterThan(0);
    expect(await app.store.verifyLedger()).toMatchObject({ ok: true });
    for (const emulator of [sandbox.tiktok, sandbox.youtube, sandbox.instagram]) expect(emulator.server.faults.fired.length, emulator.server.name).toBeGreaterThan(0);
    console.log(`fault test: ${kills} SIGKILLs (${killsHoldingLease} holding a lease, ${killedMidUpload} with an upload in flight), ${events.filter((e) => e.type === 'post.lease_recovered').length} leases recovered, ${restarts.length} upload restarts, faults fired: tiktok ${sandbox.tiktok.server.faults.fired.length}, youtube ${sandbox.youtube.server.faults.fired.length}, instagram ${sandbox.instagram.server.faults.fired.length}`);
  }, 240_000);
});
