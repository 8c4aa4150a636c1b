/**
 * A separate uploading process for the crash test: `node --import tsx youtube-upload-child.ts JOB.json`.
 * It rebuilds the post from the state file, runs one `uploading` step, writes the durable state
 * (MemoryPost remote/upload/events) to the state file after every checkpoint, and prints
 * `acked <bytes>` lines, so the parent can SIGKILL it half-way and resume from the file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { systemClock } from '../../../src/core/clock.js';
import { YouTubeAdapter } from '../../../src/platforms/youtube/youtube-adapter.js';
import { sandboxYouTubeConfig } from '../../../src/platforms/youtube/youtube-config.js';
import type { MemoryPost } from '../../helpers/memory-context.js';
import { loadPost, savePost, type PostFile } from './youtube-post-file.js';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { emulatorUrl: string; statePath: string; chunkSize: number };
const post: MemoryPost = loadPost(JSON.parse(readFileSync(job.statePath, 'utf8')) as PostFile, systemClock);
const adapter = new YouTubeAdapter({ config: sandboxYouTubeConfig(job.emulatorUrl, { chunkSize: job.chunkSize }), clock: systemClock });
const ctx = post.context();
const inner = ctx.checkpoint;
ctx.checkpoint = async (patch) => {
  await inner(patch);
  const tmp = `${job.statePath}.tmp`;
  writeFileSync(tmp, JSON.stringify(savePost(post)));
  renameSync(tmp, job.statePath);
  if (patch.upload) process.stdout.write(`acked ${patch.upload.bytesAcked}\n`);
};
const result = await adapter.step(ctx);
process.stdout.write(`done ${JSON.stringify(result)}\n`);
