/**
 * The client side of the YouTube upload benches, in its own process (so its peak RSS is its own):
 * `node --import tsx bench/upload/youtube-child.ts JOB.json`. It loads the post's durable state from
 * `job.statePath`, runs the adapter's `uploading` step (resuming when the state holds a checkpoint),
 * writes the state back after every checkpoint when `job.persist` (as a store would), prints `acked <bytes> <maxRssKb>`
 * lines when `job.progress`, and ends with `childReport`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'undici';
import { systemClock } from '../../src/core/clock.js';
import type { AdapterAccount, AdapterEvent, MediaInfo, PostContent, RemoteState, UploadCheckpoint } from '../../src/core/ports/platform-adapter.js';
import { YouTubeAdapter } from '../../src/platforms/youtube/youtube-adapter.js';
import { sandboxYouTubeConfig } from '../../src/platforms/youtube/youtube-config.js';
import { MemoryPost } from '../../test/helpers/memory-context.js';
import { childReport } from '../lib/measure.js';
import { applyProcessFlags } from '../../src/app/process-flags.js';

// As the CLI does at start (see applyProcessFlags): the child measures the product's process.
applyProcessFlags();

/** The job file the parent writes. */
export interface YouTubeBenchJob {
  emulatorUrl: string;
  statePath: string;
  chunkSize: number;
  progress: boolean;
  /** Write the state file after every checkpoint (the resume bench needs it; otherwise state stays in memory). */
  persist: boolean;
  /** Only load the modules and make one small request, then idle 1.5 s: the process's RSS floor. */
  floorOnly?: boolean;
}

/** The durable state file. */
export interface YouTubeBenchState {
  account: AdapterAccount;
  media: MediaInfo;
  content: PostContent;
  remote: RemoteState;
  upload: UploadCheckpoint | null;
  events: AdapterEvent[];
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as YouTubeBenchJob;
if (job.floorOnly) {
  // The same modules, one request (undici compiles llhttp, V8 tiers it up in the background), no upload.
  const res = await request(`${job.emulatorUrl}/__sandbox/faults`);
  await res.body.dump();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  childReport({ floorOnly: true });
  process.exit(0);
}
const state = JSON.parse(readFileSync(job.statePath, 'utf8')) as YouTubeBenchState;
const post = new MemoryPost(state.account, state.media, state.content, systemClock);
post.state = 'uploading';
post.remote = state.remote;
post.upload = state.upload;
post.events = state.events;
const readBufferBytes = process.env['YOUTUBE_BENCH_READ_BUFFER'] ? Number(process.env['YOUTUBE_BENCH_READ_BUFFER']) : undefined;
const adapter = new YouTubeAdapter({ config: sandboxYouTubeConfig(job.emulatorUrl, { chunkSize: job.chunkSize, ...(readBufferBytes ? { readBufferBytes } : {}) }), clock: systemClock });
const ctx = post.context();
const inner = ctx.checkpoint;
ctx.checkpoint = async (patch) => {
  await inner(patch);
  if (!job.persist) return;
  const saved: YouTubeBenchState = { account: post.account, media: post.media, content: post.content, remote: post.remote, upload: post.upload, events: post.events };
  writeFileSync(`${job.statePath}.tmp`, JSON.stringify(saved));
  renameSync(`${job.statePath}.tmp`, job.statePath);
  if (job.progress && patch.upload) process.stdout.write(`acked ${patch.upload.bytesAcked} ${process.resourceUsage().maxRSS}\n`);
};
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
await adapter.step(ctx);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const resumed = post.events.find((e) => e.type === 'youtube.session_resumed');
childReport({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, videoId: post.remote['videoId'], checkpointAt: state.upload?.bytesAcked ?? 0, resumedAt: resumed?.data?.['bytesAcked'] ?? state.upload?.bytesAcked ?? 0 });
