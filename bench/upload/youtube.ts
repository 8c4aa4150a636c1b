/**
 * `npm run bench -- upload youtube`: a 1 GiB resumable upload through the YouTube adapter (8 MiB chunks,
 * a checkpoint per chunk) against the emulator, next to curl PUTting the same file to a session on the
 * same emulator in the same run. Env knobs: `YOUTUBE_BENCH_CHUNK` (chunk bytes, default the adapter's
 * 8 MiB), `YOUTUBE_BENCH_READ_BUFFER` (read-stream buffer, default 1 MiB).
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { YouTubeBenchJob, YouTubeBenchState } from './youtube-child.js';
import { curlUpload, ensureFile, runChild, uploadLine, type UploadBenchLine } from '../lib/measure.js';
import { YOUTUBE_DEFAULTS } from '../../src/platforms/youtube/youtube-config.js';
import { createYouTubeEmulator, type YouTubeEmulator } from '../../src/sandbox/youtube/youtube-emulator.js';

export async function run(): Promise<UploadBenchLine[]> {
  const file = await benchFile();
  const yt = await createYouTubeEmulator({ noLimits: true, audited: true });
  try {
    const chunkSize = Number(process.env['YOUTUBE_BENCH_CHUNK'] ?? YOUTUBE_DEFAULTS.chunkSize);
    const session = await baselineSession(yt);
    const baseline = await curlUpload(session.uri, file.path, { method: 'PUT', headers: { authorization: `Bearer ${session.token}`, 'content-type': 'video/mp4' } });
    const { jobPath } = writeJob(yt, file, 'plain', chunkSize, false);
    const result = await runChild<{ seconds: number; videoId?: string }>(CHILD, [jobPath]);
    const ours = yt.published().find((p) => p.remoteId === result.videoId);
    if (!ours || ours.sha256 !== file.sha256) throw new Error('youtube bench: the emulator did not receive the file intact');
    const floorJob = join(WORK_DIR, 'youtube-floor-job.json');
    writeFileSync(floorJob, JSON.stringify({ ...JSON.parse(readFileSync(jobPath, 'utf8')), floorOnly: true }));
    const floor = await runChild(CHILD, [floorJob]);
    // floor_rss_mb: the same child without the upload (node + tsx + undici's llhttp WASM tier-up).
    return [uploadLine('youtube', BENCH_BYTES, result.seconds, baseline, result.peak_rss_mb, { chunk_size: chunkSize, floor_rss_mb: floor.peak_rss_mb, sha256_ok: true })];
  } finally {
    await yt.close();
  }
}

/** Bench file size: 1 GiB. */
export const BENCH_BYTES = 1024 * 1024 * 1024;
/** Where the bench keeps its file and state (git-ignored). */
export const WORK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.work');
/** The child script. */
export const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'youtube-child.ts');

/** The 1 GiB file and its sha256 (streamed). */
export async function benchFile(): Promise<{ path: string; sha256: string }> {
  mkdirSync(WORK_DIR, { recursive: true });
  const path = await ensureFile(join(WORK_DIR, 'youtube-1gib.mp4'), BENCH_BYTES);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return { path, sha256: hash.digest('hex') };
}

/** Writes a fresh post state and a job file for the child; returns the job path and state path. */
export function writeJob(yt: YouTubeEmulator, file: { path: string; sha256: string }, name: string, chunkSize: number, progress: boolean, persist = progress): { jobPath: string; statePath: string } {
  const sandbox = yt.createSandboxAccount(`@bench-${name}`);
  const state: YouTubeBenchState = {
    account: { id: `acc_${name}`, platform: 'youtube', handle: sandbox.handle, externalId: sandbox.externalId, credentials: sandbox.credentials },
    media: { path: file.path, size: BENCH_BYTES, sha256: file.sha256, durationSec: 60, width: 1080, height: 1920 },
    content: { caption: `bench ${name}`, title: `bench ${name}`, options: { selfDeclaredMadeForKids: false } },
    remote: {},
    upload: null,
    events: [],
  };
  const statePath = join(WORK_DIR, `youtube-${name}-state.json`);
  const jobPath = join(WORK_DIR, `youtube-${name}-job.json`);
  writeFileSync(statePath, JSON.stringify(state));
  const job: YouTubeBenchJob = { emulatorUrl: yt.url, statePath, chunkSize, progress, persist };
  writeFileSync(jobPath, JSON.stringify(job));
  return { jobPath, statePath };
}

/** Opens a session on the emulator for the curl baseline; returns its URI and token. */
export async function baselineSession(yt: YouTubeEmulator): Promise<{ uri: string; token: string }> {
  const token = String(yt.createSandboxAccount('@bench-curl').credentials['accessToken']);
  const res = await request(`${yt.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet%2Cstatus`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-length': String(BENCH_BYTES), 'x-upload-content-type': 'video/mp4' },
    body: JSON.stringify({ snippet: { title: 'curl baseline' }, status: { privacyStatus: 'private', selfDeclaredMadeForKids: false } }),
  });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`baseline session init answered ${res.statusCode}`);
  return { uri: String(res.headers['location']), token };
}
