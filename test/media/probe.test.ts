import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMp4 } from '../../src/media/probe.js';
import { EXAMPLE_CLIPS, makeNonFaststartMp4, makeSizedMp4, makeStandInMp4 } from '../helpers/cliper-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clipcast-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('probeMp4', () => {
  it('reads the example clips: 720x1280, H.264 + AAC, 30 fps, faststart, their durations', async () => {
    const durations = [4, 3.5, 3.2, 3.6];
    for (const [i, file] of EXAMPLE_CLIPS.entries()) {
      const probe = await probeMp4(file);
      expect(probe.ok, file).toBe(true);
      if (!probe.ok) continue;
      expect(probe).toMatchObject({ width: 720, height: 1280, fps: 30, faststart: true, audioCodec: 'mp4a.40.2' });
      expect(probe.videoCodec).toMatch(/^avc1\./);
      expect(probe.durationSec).toBeCloseTo(durations[i]!, 2);
      expect(probe.bitrate).toBeGreaterThan(20_000);
      expect(probe.bitrate).toBeLessThan(150_000);
    }
  });

  it('reads only the start of a large faststart file (padding is not read, nor counted in the bitrate)', async () => {
    const big = path.join(dir, 'big.mp4');
    await makeSizedMp4(EXAMPLE_CLIPS[0]!, big, 30 * 1024 * 1024);
    const small = await probeMp4(EXAMPLE_CLIPS[0]!);
    const probe = await probeMp4(big);
    expect(probe.ok).toBe(true);
    if (!probe.ok || !small.ok) return;
    expect(probe.size).toBe(30 * 1024 * 1024);
    expect(probe.bytesRead).toBeLessThanOrEqual(128 * 1024);
    expect(probe.bitrate).toBe(small.bitrate);
    expect(probe.durationSec).toBe(small.durationSec);
  });

  it('tells a file with moov after mdat is not faststart', async () => {
    const file = path.join(dir, 'not-faststart.mp4');
    await makeNonFaststartMp4(EXAMPLE_CLIPS[1]!, file);
    const probe = await probeMp4(file);
    expect(probe).toMatchObject({ ok: true, faststart: false, width: 720, height: 1280 });
  });

  it('seeks past a large mdat to a moov at the end instead of reading it', async () => {
    const file = path.join(dir, 'late-moov.mp4');
    await makeNonFaststartMp4(EXAMPLE_CLIPS[0]!, file, 40 * 1024 * 1024);
    const probe = await probeMp4(file);
    expect(probe).toMatchObject({ ok: true, faststart: false, durationSec: 4, width: 720 });
    if (!probe.ok) return;
    expect(probe.size).toBeGreaterThan(40 * 1024 * 1024);
    expect(probe.bytesRead).toBeLessThan(256 * 1024);
  });

  it('makes distinct sized files: same probe, different bytes', async () => {
    const a = path.join(dir, 'sized-a.mp4');
    const b = path.join(dir, 'sized-b.mp4');
    await makeSizedMp4(EXAMPLE_CLIPS[2]!, a, 2_000_000);
    await makeSizedMp4(EXAMPLE_CLIPS[2]!, b, 2_000_000);
    const [pa, pb] = [await probeMp4(a), await probeMp4(b)];
    expect(pa).toMatchObject({ ok: true, size: 2_000_000, durationSec: 3.2 });
    expect(pb).toMatchObject({ ok: true, size: 2_000_000, durationSec: 3.2 });
    const hash = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');
    expect(await hash(a)).not.toBe(await hash(b));
  });

  it('probes stand-ins like their source', async () => {
    const file = path.join(dir, 'stand-in.mp4');
    await makeStandInMp4(file, 3);
    expect(await probeMp4(file)).toMatchObject({ ok: true, durationSec: 3.2, faststart: true });
  });

  it('answers a per-file error for a missing, empty, non-MP4 or truncated file', async () => {
    expect(await probeMp4(path.join(dir, 'nope.mp4'))).toMatchObject({ ok: false, error: { code: 'PROBE_NOT_FOUND' } });

    const empty = path.join(dir, 'empty.mp4');
    await writeFile(empty, '');
    expect(await probeMp4(empty)).toMatchObject({ ok: false, error: { code: 'PROBE_EMPTY' } });

    const text = path.join(dir, 'text.mp4');
    await writeFile(text, 'this is not a video, just text pretending to be one\n'.repeat(50));
    const notMp4 = await probeMp4(text);
    expect(notMp4).toMatchObject({ ok: false, error: { code: 'PROBE_NOT_MP4' } });
    if (!notMp4.ok) expect(notMp4.error.message).toContain(text);

    const truncated = path.join(dir, 'truncated.mp4');
    await writeFile(truncated, (await readFile(EXAMPLE_CLIPS[0]!)).subarray(0, 600));
    expect(await probeMp4(truncated)).toMatchObject({ ok: false, error: { code: 'PROBE_NOT_MP4' } });

    const cut = path.join(dir, 'cut.mp4');
    const whole = await readFile(EXAMPLE_CLIPS[0]!);
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await probeMp4(cut)).toMatchObject({ ok: false, error: { code: 'PROBE_TRUNCATED' } });

    const garbage = path.join(dir, 'garbage.mp4');
    await writeFile(garbage, Buffer.from([0, 0, 0, 8, 0x6d, 0x6f, 0x6f, 0x76, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    expect(await probeMp4(garbage)).toMatchObject({ ok: false });
  });
});
