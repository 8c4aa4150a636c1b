import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { YouTubeAdapter } from '../../../src/platforms/youtube/youtube-adapter.js';
import { sandboxYouTubeConfig } from '../../../src/platforms/youtube/youtube-config.js';
import { createYouTubeEmulator, type YouTubeEmulator } from '../../../src/sandbox/youtube/youtube-emulator.js';
import { accountOf, contentOf, makeClip, postOf, tempDir } from './youtube-fixtures.js';
import { loadPost, savePost, type PostFile } from './youtube-post-file.js';

const MiB = 1024 * 1024;
const CHUNK = MiB;
const SIZE = 16 * MiB + 4321;
const child = fileURLToPath(new URL('./youtube-upload-child.ts', import.meta.url));

let yt: YouTubeEmulator;
beforeEach(async () => {
  yt = await createYouTubeEmulator({ clock: systemClock });
});
afterEach(async () => yt.close());

describe('youtube upload survives a SIGKILL of the uploading process', () => {
  it('a new process resumes from the saved checkpoint via the status query, re-sending at most one chunk', async () => {
    const dir = await tempDir();
    const media = await makeClip(dir, SIZE);
    const post = postOf(accountOf(yt.createSandboxAccount('@crash')), media, contentOf(), systemClock);
    const statePath = join(dir, 'post.json');
    writeFileSync(statePath, JSON.stringify(savePost(post)));
    const jobPath = join(dir, 'job.json');
    writeFileSync(jobPath, JSON.stringify({ emulatorUrl: yt.url, statePath, chunkSize: CHUNK }));

    // The chunk that starts half-way stalls after half its body: the child is killed with it in flight.
    const half = 8 * MiB;
    yt.knobs.stallChunkAt = half;
    const stalled = new Promise<void>((resolve) => (yt.knobs.onStall = resolve));
    const proc = spawn(process.execPath, ['--import', 'tsx', child, jobPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    const acked: number[] = [];
    const reachedHalf = new Promise<void>((resolve, reject) => {
      let buffer = '';
      proc.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const m = /^acked (\d+)$/.exec(line);
          if (m) acked.push(Number(m[1]));
          if (m && Number(m[1]) >= half) resolve();
        }
      });
      proc.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    await Promise.all([reachedHalf, stalled]);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once('exit', (_code, signal) => resolve(signal)));
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(yt.published()).toHaveLength(0);

    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as PostFile;
    expect(saved.upload?.bytesAcked).toBe(half);
    const session = [...yt.uploads.sessions.values()][0]!;
    const persistedAtKill = session.persisted;
    expect(persistedAtKill).toBeGreaterThan(half); // Google kept part of the chunk in flight
    expect(persistedAtKill).toBeLessThan(half + CHUNK);

    // A new worker, a new context from the saved state.
    const restarted = loadPost(saved, systemClock);
    const adapter = new YouTubeAdapter({ config: sandboxYouTubeConfig(yt.url, { chunkSize: CHUNK }), clock: systemClock });
    const before = yt.server.requests.length;
    const result = await adapter.step(restarted.context());
    expect(result).toMatchObject({ status: 'continue', next: 'processing' });
    const first = yt.server.requests[before]!;
    expect([first.method, first.status]).toEqual(['PUT', 308]); // the status query
    expect(restarted.events.find((e) => e.type === 'youtube.session_resumed')?.data?.['bytesAcked']).toBe(persistedAtKill);
    expect(yt.uploads.sessions.size).toBe(1);
    const resent = session.received - session.total;
    expect(resent).toBeGreaterThanOrEqual(0);
    expect(resent).toBeLessThanOrEqual(CHUNK);
    const published = yt.published();
    expect(published).toHaveLength(1);
    expect(published[0]!.sha256).toBe(media.sha256);
    expect(restarted.remote['videoId']).toBe(published[0]!.remoteId);
  });
});
