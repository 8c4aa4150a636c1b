/**
 * `npm run bench -- upload youtube-resume`: the 1 GiB resumable upload, with the uploading process
 * SIGKILLed half-way (a chunk in flight), then a new process resuming from the saved checkpoint through
 * the status query. Reports `bytes_resent` (bytes the emulator received beyond the file size; target
 * at most one chunk) next to curl's single PUT of the same file to the same emulator.
 */
import { spawn } from 'node:child_process';
import { childArgs, curlUpload, runChild, uploadLine, type UploadBenchLine } from '../lib/measure.js';
import { YOUTUBE_DEFAULTS } from '../../src/platforms/youtube/youtube-config.js';
import { createYouTubeEmulator } from '../../src/sandbox/youtube/youtube-emulator.js';
import { BENCH_BYTES, baselineSession, benchFile, CHILD, writeJob } from './youtube.js';

/** Runs the child until it has acknowledged `half` bytes and the emulator stalls the next chunk; kills it. */
async function runUntilKilled(jobPath: string, half: number, stalled: Promise<void>): Promise<{ seconds: number; maxRssKb: number }> {
  let started: bigint | undefined;
  const proc = spawn(process.execPath, [...childArgs(CHILD), jobPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let maxRssKb = 0;
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const reached = new Promise<void>((resolve, reject) => {
    let buffer = '';
    proc.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const m = /^acked (\d+) (\d+)$/.exec(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (!m) continue;
        started ??= process.hrtime.bigint(); // the step's first checkpoint: startup excluded
        maxRssKb = Math.max(maxRssKb, Number(m[2]));
        if (Number(m[1]) >= half) resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`youtube-resume child exited before the kill (${code}): ${stderr.slice(-1000)}`)));
  });
  await Promise.all([reached, stalled]);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGKILL');
  await exited;
  return { seconds: Number(process.hrtime.bigint() - (started ?? 0n)) / 1e9, maxRssKb };
}

export async function run(): Promise<UploadBenchLine[]> {
  const file = await benchFile();
  const yt = await createYouTubeEmulator({ noLimits: true, audited: true });
  try {
    const chunkSize = Number(process.env['YOUTUBE_BENCH_CHUNK'] ?? YOUTUBE_DEFAULTS.chunkSize);
    const session = await baselineSession(yt);
    const baseline = await curlUpload(session.uri, file.path, { method: 'PUT', headers: { authorization: `Bearer ${session.token}`, 'content-type': 'video/mp4' } });
    const { jobPath } = writeJob(yt, file, 'resume', chunkSize, true);
    const half = Math.floor(BENCH_BYTES / 2 / chunkSize) * chunkSize;
    yt.knobs.stallChunkAt = half;
    const stalled = new Promise<void>((resolve) => (yt.knobs.onStall = resolve));
    const first = await runUntilKilled(jobPath, half, stalled);
    const second = await runChild<{ seconds: number; videoId?: string; checkpointAt: number; resumedAt: number }>(CHILD, [jobPath]);
    const ours = yt.published().find((p) => p.remoteId === second.videoId);
    if (!ours || ours.sha256 !== file.sha256) throw new Error('youtube-resume bench: the emulator did not receive the file intact');
    const uploadSession = [...yt.uploads.sessions.values()].find((s) => s.completed && s.received > 0 && s.id !== new URL(session.uri).searchParams.get('upload_id'));
    const sessions = yt.uploads.sessions.size - 1; // minus the baseline's
    const bytesResent = Math.max(0, (uploadSession?.received ?? 0) - BENCH_BYTES);
    const peak = Math.max(second.peak_rss_mb, Math.round((first.maxRssKb / 1024) * 10) / 10);
    return [
      uploadLine('youtube-resume', BENCH_BYTES, first.seconds + second.seconds, baseline, peak, {
        bytes_resent: bytesResent,
        chunk_size: chunkSize,
        killed_at_bytes_acked: second.checkpointAt,
        resumed_at: second.resumedAt,
        sessions,
        seconds_note: 'killed child from its first checkpoint to the kill + resumed child step time',
        sha256_ok: true,
      }),
    ];
  } finally {
    await yt.close();
  }
}
