import { copyFile, cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_CAMPAIGN } from './cliper-fixtures.js';

/** An MP4 exactly as ffmpeg writes it by default: moov after mdat, edit lists (test/fixtures/README.md). */
export const FFMPEG_DEFAULT_MP4 = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/ffmpeg-default.mp4',
);

/**
 * Copies the example campaign to `dir` with clip 1 replaced by {@link FFMPEG_DEFAULT_MP4}, as CLIPER
 * (which runs ffmpeg with its defaults) would leave it.
 */
export async function campaignWithFfmpegDefaultClip(dir: string): Promise<string> {
  await cp(EXAMPLE_CAMPAIGN, dir, { recursive: true });
  await copyFile(FFMPEG_DEFAULT_MP4, path.join(dir, '1.mp4'));
  return dir;
}
