/**
 * TikTok upload bench: a 1 GiB and a 256 MiB file through the full Direct Post protocol (init with the
 * chunk plan, 10 MB chunks streamed from disk with undici.request, 206…201, status/fetch) to the
 * emulator in this process, the client in a child process (its own peak RSS). Baseline: curl PUTting
 * the same file to the emulator's sink route (which drains and hashes like the upload route does).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTikTokEmulator } from '../../src/sandbox/tiktok/tiktok-emulator.js';
import { SINK_PATH } from '../../src/sandbox/tiktok/tiktok-emulator-upload.js';
import { curlUpload, ensureFile, runChild, uploadLine, type UploadBenchLine } from '../lib/measure.js';

const here = dirname(fileURLToPath(import.meta.url));

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function measure(name: string, bytes: number): Promise<UploadBenchLine> {
  const work = join(here, '..', '.work');
  await mkdir(work, { recursive: true });
  const file = await ensureFile(join(work, `tiktok-${bytes}.mp4`), bytes);
  const emulator = await createTikTokEmulator({ limits: false, processingMs: 0 });
  try {
    const account = emulator.createSandboxAccount('bench');
    const baseline = await curlUpload(`${emulator.url}${SINK_PATH}`, file, { headers: { 'content-type': 'video/mp4' } });
    const child = await runChild<{ seconds: number; chunks: number; checkpoints: number }>(join(here, 'tiktok-child.ts'), [emulator.url, file, JSON.stringify(account.credentials)]);
    const [published] = emulator.published();
    const verified = published?.sha256 === (await sha256Of(file));
    if (!verified) throw new Error(`${name}: the emulator did not receive the exact bytes`);
    return uploadLine(name, bytes, child.seconds, baseline, child.peak_rss_mb, { chunks: child.chunks, checkpoints: child.checkpoints, verified });
  } finally {
    await emulator.close();
  }
}

/** The bench case: 1 GiB (`tiktok`) and 256 MiB (`tiktok-256m`, to show RSS does not grow with size). */
export async function run(): Promise<UploadBenchLine[]> {
  return [await measure('tiktok', 1024 ** 3), await measure('tiktok-256m', 256 * 1024 ** 2)];
}
