/**
 * `npm run bench -- remux [MiB]`: remuxes a large non-faststart MP4 (an example clip with its `mdat`
 * padded to MiB, default 512, `moov` moved last) the way a campaign import does for Instagram, and prints
 * one JSON line: seconds and peak RSS growth of the remux, next to `cp` of the same file (the baseline:
 * the remux copies every byte once too). Memory must stay flat whatever the size.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { remuxMp4 } from '../src/media/remux-mp4.js';
import { EXAMPLE_CLIPS, makeNonFaststartMp4 } from '../test/helpers/cliper-fixtures.js';

export async function run(args: string[]): Promise<void> {
  const mib = Number(args[0] ?? 512);
  const dir = join(process.cwd(), 'bench/.work/remux');
  await mkdir(dir, { recursive: true });
  const source = join(dir, `source-${mib}.mp4`);
  if ((await stat(source).catch(() => undefined)) === undefined)
    await makeNonFaststartMp4(EXAMPLE_CLIPS[0]!, source, mib * 1024 * 1024);
  const target = join(dir, 'remuxed.mp4');
  await rm(target, { force: true });

  let started = process.hrtime.bigint();
  const copied = spawnSync('cp', [source, join(dir, 'copy.mp4')]);
  if (copied.status !== 0) throw new Error(`cp baseline failed: ${String(copied.stderr)}`);
  const baselineSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  await rm(join(dir, 'copy.mp4'), { force: true });

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  started = process.hrtime.bigint();
  const result = await remuxMp4(source, target);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await rm(target, { force: true });
  console.log(
    JSON.stringify({
      case: 'remux',
      bytes: result.size,
      seconds: Math.round(seconds * 1000) / 1000,
      baseline_seconds: Math.round(baselineSeconds * 1000) / 1000,
      rss_before_mb: Math.round(rssBefore / 2 ** 20),
      peak_rss_growth_mb: Math.round(((peak - rssBefore) / 2 ** 20) * 10) / 10,
    }),
  );
}
