import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';
import { campaignWithFfmpegDefaultClip } from '../helpers/ffmpeg-default-fixture.js';

type Harness = Awaited<ReturnType<typeof cliHarness>>;

const FUTURE = '2030-06-01 09:00';

describe('a clip as ffmpeg writes it by default (CLI)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await cliHarness();
  });
  afterEach(async () => h.cleanup());

  it('validate says "remuxed for instagram" instead of two errors, and exits 0', async () => {
    const dir = await campaignWithFfmpegDefaultClip(join(h.root, 'v'));
    const r = await h.run('validate', dir, '--platforms', 'tiktok,instagram,youtube');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /warning clip 1 instagram: Video remuxed for Instagram Reels \(moov moved before mdat, edit list dropped, timing kept; not re-encoded\)\./,
    );
    expect(r.out).not.toMatch(/faststart|edit list, which/);
    expect(r.out).toContain('No errors.');
    const json = (await h.run('--json', 'validate', dir, '--platforms', 'tiktok,instagram,youtube')).json<{
      findings: { clipId: number; platform: string; code: string; severity: string }[];
      errors: number;
    }>();
    expect(json.errors).toBe(0);
    expect(json.findings.filter((f) => f.clipId === 1)).toEqual([
      expect.objectContaining({ platform: 'instagram', code: 'CONTAINER_REMUXED', severity: 'warning' }),
    ]);
  });

  it('the dry run plans the clip for Instagram and says it is remuxed', async () => {
    const dir = await campaignWithFfmpegDefaultClip(join(h.root, 'd'));
    const r = await h.run(
      'publish',
      dir,
      '--dry-run',
      '--start-date',
      FUTURE,
      '--interval',
      '4h',
      '--platforms',
      'instagram,tiktok',
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning: clip 1 instagram: Video remuxed for Instagram/i);
    expect(r.out).not.toMatch(/Skipped/);
    const json = (
      await h.run(
        '--json',
        'publish',
        dir,
        '--dry-run',
        '--start-date',
        FUTURE,
        '--interval',
        '4h',
        '--platforms',
        'instagram',
      )
    ).json<{
      posts: { clipId: number }[];
      skipped: unknown[];
      warnings: { clipId: number; message: string }[];
    }>();
    expect(json.posts.map((p) => p.clipId)).toContain(1);
    expect(json.skipped).toEqual([]);
    expect(json.warnings).toEqual([
      { clipId: 1, platform: 'instagram', message: expect.stringMatching(/remuxed for instagram/i) },
    ]);
  });
});
