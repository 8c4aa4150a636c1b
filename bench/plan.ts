/**
 * `npm run bench -- plan`: import and plan 100 clips of ~20 MB (hash, copy into the media store,
 * probe, validate, plan, write the campaign), in a child process so its peak RSS is its own; baseline:
 * `sha256sum` over the same files in the same run. Prints one JSON line.
 * Target: within 1.5× of the baseline's time, peak RSS under 150 MB.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_CAMPAIGN, EXAMPLE_CLIPS, makeSizedMp4 } from '../test/helpers/cliper-fixtures.js';
import { buildBenchChildren, runChild } from './lib/measure.js';

const here = dirname(fileURLToPath(import.meta.url));

export async function run(args: string[]): Promise<void> {
  const clips = Number(args[0] ?? 100);
  const bytesEach = Number(args[1] ?? 20 * 1024 * 1024);
  const work = join(here, '.work', `plan-${clips}x${bytesEach}`);
  const folder = join(work, 'clips');
  await mkdir(join(folder, 'copys'), { recursive: true });
  const template = JSON.parse(await readFile(join(EXAMPLE_CAMPAIGN, 'copys/clips_copys.json'), 'utf8')) as { clips: Record<string, unknown>[] } & Record<string, unknown>;
  const files: string[] = [];
  for (let i = 1; i <= clips; i++) {
    const file = join(folder, `${i}.mp4`);
    files.push(file);
    if ((await stat(file).catch(() => undefined))?.size !== bytesEach) await makeSizedMp4(EXAMPLE_CLIPS[(i - 1) % EXAMPLE_CLIPS.length]!, file, bytesEach);
  }
  const entries = Array.from({ length: clips }, (_, i) => ({ ...template.clips[i % template.clips.length], clip_id: i + 1 }));
  await writeFile(join(folder, 'copys/clips_copys.json'), JSON.stringify({ ...template, total_clips: clips, clips: entries }));

  // Baseline first and last, so page-cache state is the same for both sides (files were just written).
  const baseline = await sha256sum(files);
  const home = join(work, 'home');
  await rm(home, { recursive: true, force: true });
  // The child runs the compiled build, as an installed clipcast does (the tsx loader alone adds ~70 MB).
  await buildBenchChildren();
  const ours = await runChild<{ seconds: number; posts: number }>(join(here, '.work', 'build', 'bench', 'plan-child.js'), [folder, home], { plainNode: true });
  const baseline2 = await sha256sum(files);
  const baselineSeconds = Math.min(baseline, baseline2);
  console.log(
    JSON.stringify({
      case: 'plan',
      clips,
      bytes: clips * bytesEach,
      posts: ours.posts,
      seconds: round(ours.seconds),
      clips_per_s: round(clips / ours.seconds),
      baseline: 'sha256sum',
      baseline_seconds: round(baselineSeconds),
      ratio: round(ours.seconds / baselineSeconds),
      peak_rss_mb: ours.peak_rss_mb,
      targets: { ratio_max: 1.5, peak_rss_mb_max: 150 },
    }),
  );
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}


function sha256sum(files: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e9) : reject(new Error(`sha256sum exited ${code}`))));
  });
}
