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
    // Encoded length plus AAC priming (the clips carry no edit list to trim it; Instagram refuses edit lists).
    const durations = [4.067, 3.567, 3.267, 3.667];
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
    expect(probe).toMatchObject({ ok: true, faststart: false, durationSec: 4.067, width: 720 });
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
    expect(pa).toMatchObject({ ok: true, size: 2_000_000, durationSec: 3.267 });
    expect(pb).toMatchObject({ ok: true, size: 2_000_000, durationSec: 3.267 });
    const hash = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');
    expect(await hash(a)).not.toBe(await hash(b));
  });

  it('probes stand-ins like their source', async () => {
    const file = path.join(dir, 'stand-in.mp4');
    await makeStandInMp4(file, 3);
    expect(await probeMp4(file)).toMatchObject({ ok: true, durationSec: 3.267, faststart: true });
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

describe('edit lists', () => {
  it('reports no edit list for the example clips and finds one in a file that has it', async () => {
    const { probeMp4 } = await import('../../src/media/probe.js');
    const { EXAMPLE_CLIPS } = await import('../helpers/cliper-fixtures.js');
    const { mkdtemp, readFile, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    for (const clip of EXAMPLE_CLIPS) expect(await probeMp4(clip)).toMatchObject({ ok: true, editList: false });
    // Add an edts/elst box (one entry) to the first track of a copy: size-correct, so the file stays valid.
    const bytes = await readFile(EXAMPLE_CLIPS[0]!);
    const elst = Buffer.alloc(8 + 4 + 4 + 12);
    elst.writeUInt32BE(elst.length, 0); elst.write('elst', 4); elst.writeUInt32BE(1, 12); // version/flags 0, 1 entry
    elst.writeUInt32BE(1000, 16); elst.writeUInt32BE(0, 20); elst.writeUInt32BE(0x00010000, 24);
    const edts = Buffer.concat([Buffer.alloc(8), elst]);
    edts.writeUInt32BE(edts.length, 0); edts.write('edts', 4);
    const trak = bytes.indexOf('trak') - 4;
    const tkhdEnd = trak + 8 + bytes.readUInt32BE(trak + 8);
    const patched = Buffer.concat([bytes.subarray(0, tkhdEnd), edts, bytes.subarray(tkhdEnd)]);
    for (const at of [patched.indexOf('moov') - 4, trak]) patched.writeUInt32BE(patched.readUInt32BE(at) + edts.length, at);
    // mdat moved by edts.length: shift every chunk offset (stco) of every track.
    let i = patched.indexOf('stco');
    while (i > 0) {
      const n = patched.readUInt32BE(i + 8);
      for (let k = 0; k < n; k++) patched.writeUInt32BE(patched.readUInt32BE(i + 12 + k * 4) + edts.length, i + 12 + k * 4);
      i = patched.indexOf('stco', i + 4);
    }
    const dir = await mkdtemp(join(tmpdir(), 'elst-'));
    await writeFile(join(dir, 'e.mp4'), patched);
    expect(await probeMp4(join(dir, 'e.mp4'))).toMatchObject({ ok: true, editList: true });
  });
});
