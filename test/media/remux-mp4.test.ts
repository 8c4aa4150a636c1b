import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFile, MP4BoxBuffer } from 'mp4box';
import type { Movie, Sample } from 'mp4box';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBoxes, child } from '../../src/media/mp4-boxes.js';
import { planRemux, readChunkOffsets } from '../../src/media/mp4-remux-plan.js';
import { checkRemux, remuxMp4 } from '../../src/media/remux-mp4.js';
import { probeMp4 } from '../../src/media/probe.js';
import { Mp4Probe } from '../../src/sandbox/instagram/instagram-emulator-mp4.js';
import { EXAMPLE_CLIPS, makeNonFaststartMp4 } from '../helpers/cliper-fixtures.js';
import { FFMPEG_DEFAULT_MP4 } from '../helpers/ffmpeg-default-fixture.js';

/** An MP4 exactly as ffmpeg writes it by default (see test/fixtures/README.md). */
const FFMPEG_DEFAULT = FFMPEG_DEFAULT_MP4;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'clipcast-remux-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Parses a whole file with mp4box (an independent parser) and returns its movie info and samples. */
async function parse(file: string): Promise<{ info: Movie; samples: Map<number, Sample[]>; data: Buffer }> {
  const data = await readFile(file);
  const mp4 = createFile();
  let info: Movie | undefined;
  mp4.onReady = (i) => (info = i);
  mp4.appendBuffer(
    MP4BoxBuffer.fromArrayBuffer(data.buffer.slice(data.byteOffset, data.byteOffset + data.length), 0),
    true,
  );
  mp4.flush();
  if (!info) throw new Error(`${file}: mp4box found no moov`);
  const movie: Movie = info;
  return {
    info: movie,
    data,
    samples: new Map(movie.tracks.map((t) => [t.id, mp4.getTrackSamplesInfo(t.id)])),
  };
}

/** Types of the top-level boxes, and every box type nested in moov. */
function layout(data: Buffer): { top: string[]; inMoov: string[] } {
  const top: string[] = [];
  const inMoov: string[] = [];
  const walk = (box: { type: string; children?: { type: string }[] }) => {
    inMoov.push(box.type);
    for (const c of box.children ?? []) walk(c);
  };
  for (let at = 0; at < data.length;) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(data.readBigUInt64BE(at + 8));
    top.push(type);
    if (type === 'moov') walk(parseBoxes(data.subarray(at, at + size))[0]!);
    at += size;
  }
  return { top, inMoov };
}

function emulatorVerdict(data: Buffer) {
  const probe = new Mp4Probe();
  for (let at = 0; at < data.length; at += 7_000) probe.push(data.subarray(at, at + 7_000));
  return probe.result();
}

describe('remuxMp4 on ffmpeg default output', () => {
  it('the fixture is what ffmpeg writes by default: moov after mdat, edit lists, refused by the emulator', async () => {
    const data = await readFile(FFMPEG_DEFAULT);
    const { top, inMoov } = layout(data);
    expect(top.indexOf('mdat')).toBeLessThan(top.indexOf('moov'));
    expect(inMoov.filter((t) => t === 'elst')).toHaveLength(2);
    expect(emulatorVerdict(data).subcode).toBe(2207026);
    const probe = await probeMp4(FFMPEG_DEFAULT);
    expect(probe).toMatchObject({ ok: true, faststart: false, editList: true, remux: { ok: true } });
  });

  it('writes moov first and no edit list, which the Instagram emulator accepts', async () => {
    const out = path.join(dir, 'layout.mp4');
    const result = await remuxMp4(FFMPEG_DEFAULT, out);
    const data = await readFile(out);
    expect(result.size).toBe(data.length);
    const { top, inMoov } = layout(data);
    expect(top.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(top.indexOf('moov')).toBeLessThan(top.indexOf('mdat'));
    expect(inMoov).not.toContain('edts');
    expect(inMoov).not.toContain('elst');
    expect(emulatorVerdict(data)).toEqual({ subcode: undefined, durationMs: 3021 });
    const probe = await probeMp4(out);
    expect(probe).toMatchObject({
      ok: true,
      faststart: true,
      editList: false,
      width: 720,
      height: 1280,
      fps: 30,
    });
    expect(probe).not.toHaveProperty('remux');
  });

  it('keeps every sample: same counts, sizes, durations, sync flags and bytes per track', async () => {
    const out = path.join(dir, 'samples.mp4');
    await remuxMp4(FFMPEG_DEFAULT, out);
    const before = await parse(FFMPEG_DEFAULT);
    const after = await parse(out);
    expect(after.info.tracks.map((t) => [t.codec, t.nb_samples, t.timescale, t.samples_duration])).toEqual(
      before.info.tracks.map((t) => [t.codec, t.nb_samples, t.timescale, t.samples_duration]),
    );
    expect(before.info.videoTracks[0]!.nb_samples).toBe(90); // 3 s at 30 fps
    for (const track of before.info.tracks) {
      const a = before.samples.get(track.id)!;
      const b = after.samples.get(track.id)!;
      expect(b.map((s) => [s.size, s.duration, s.dts, s.is_sync])).toEqual(
        a.map((s) => [s.size, s.duration, s.dts, s.is_sync]),
      );
      for (const [i, s] of a.entries()) {
        const t = b[i]!;
        expect(
          after.data
            .subarray(t.offset, t.offset + t.size)
            .equals(before.data.subarray(s.offset, s.offset + s.size)),
          `track ${track.id} sample ${i}`,
        ).toBe(true);
      }
    }
  });

  it('keeps A/V sync and the duration: video moved by the audio priming, movie longer by priming and padding only', async () => {
    const out = path.join(dir, 'timing.mp4');
    const result = await remuxMp4(FFMPEG_DEFAULT, out);
    const before = await parse(FFMPEG_DEFAULT);
    const after = await parse(out);
    const video = before.info.videoTracks[0]!;
    const audio = before.info.audioTracks[0]!;
    // ffmpeg's edits: video skips its 2-frame B-frame delay (1024 ticks at 15360), audio its 1024 priming samples.
    const primingSec = 1024 / audio.timescale;
    const beforeV = before.samples.get(video.id)!;
    const afterV = after.samples.get(video.id)!;
    for (const [i, s] of beforeV.entries()) {
      const shown = (s.cts - 1024) / video.timescale; // where the edit list put the frame
      const now = afterV[i]!.cts / video.timescale; // where it plays without one
      // The frame plays as far after the (now audible) priming as it played after the edited audio start.
      expect(Math.abs(now - (shown + primingSec))).toBeLessThanOrEqual(1 / video.timescale);
    }
    expect(Math.min(...afterV.map((s) => s.cts)) / video.timescale).toBeCloseTo(primingSec, 3);
    expect(result.shifts).toEqual([
      { trackKind: 'vide', ticks: -696, timescale: 15360 },
      { trackKind: 'soun', ticks: 0, timescale: 48000 },
    ]);
    const durationBefore = before.info.duration / before.info.timescale;
    const durationAfter = after.info.duration / after.info.timescale;
    expect(durationBefore).toBe(3);
    expect(durationAfter).toBeGreaterThanOrEqual(durationBefore);
    // priming (21.3 ms) + the last AAC frame's padding (8 ms): under one 1024-sample frame more than 3 s + priming.
    expect(durationAfter - durationBefore).toBeLessThan(2 * primingSec);
    expect(after.info.videoTracks[0]!.duration / video.timescale).toBe(3);
  });

  it('remuxes a large non-faststart file with a 64-bit mdat header (media copied through the reused buffer)', async () => {
    const big = path.join(dir, 'big-src.mp4');
    await makeNonFaststartMp4(EXAMPLE_CLIPS[0]!, big, 3 * 1024 * 1024);
    const out = path.join(dir, 'big-out.mp4');
    await remuxMp4(big, out);
    const before = await parse(big);
    const after = await parse(out);
    expect(layout(after.data).top.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(emulatorVerdict(after.data).subcode).toBeUndefined();
    for (const track of before.info.tracks) {
      const a = before.samples.get(track.id)!;
      const b = after.samples.get(track.id)!;
      expect(b.map((s) => [s.size, s.cts, s.dts])).toEqual(a.map((s) => [s.size, s.cts, s.dts]));
      expect(
        a.every((s, i) =>
          after.data
            .subarray(b[i]!.offset, b[i]!.offset + s.size)
            .equals(before.data.subarray(s.offset, s.offset + s.size)),
        ),
      ).toBe(true);
    }
  });

  it('promotes stco to co64 when the moved offsets pass 4 GiB', async () => {
    const data = await readFile(FFMPEG_DEFAULT);
    const moovAt = data.lastIndexOf(Buffer.from('moov', 'latin1')) - 4;
    const moov = data.subarray(moovAt, moovAt + data.readUInt32BE(moovAt));
    const plan = planRemux(Buffer.from(moov));
    if (!plan.ok) throw new Error(plan.reason);
    const far = 5 * 1024 ** 3;
    const written = parseBoxes(plan.write((o) => o + far))[0]!;
    const original = parseBoxes(Buffer.from(moov))[0]!;
    const traks = (box: typeof written) =>
      box.children!.filter((b) => b.type === 'trak').map((t) => child(t, 'mdia', 'minf', 'stbl')!);
    for (const [i, stbl] of traks(written).entries()) {
      expect(child(stbl, 'stco')).toBeUndefined();
      expect(child(stbl, 'co64')).toBeDefined();
      expect(readChunkOffsets(stbl)).toEqual(readChunkOffsets(traks(original)[i]!).map((o) => o + far));
    }
    // mp4box reads the promoted table too.
    const ftyp = data.subarray(0, data.readUInt32BE(0));
    const file = path.join(dir, 'co64-moov.mp4');
    await writeFile(file, Buffer.concat([ftyp, plan.write((o) => o + far)]));
    const mp4 = createFile();
    let info: Movie | undefined;
    mp4.onReady = (x) => (info = x);
    const bytes = await readFile(file);
    mp4.appendBuffer(
      MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), 0),
      true,
    );
    mp4.flush();
    const firstVideo = mp4.getTrackSamplesInfo(info!.videoTracks[0]!.id)[0]!;
    expect(firstVideo.offset).toBeGreaterThan(far);
  });

  it('refuses an edit list that trims content, and says why', async () => {
    const data = Buffer.from(await readFile(FFMPEG_DEFAULT));
    // Make the audio edit skip a whole second instead of the priming.
    const second = data.lastIndexOf(Buffer.from('elst', 'latin1'));
    expect(data.readInt32BE(second + 4 + 8 + 4)).toBe(1024);
    data.writeInt32BE(48_000, second + 4 + 8 + 4);
    const file = path.join(dir, 'trimmed.mp4');
    await writeFile(file, data);
    const verdict = await checkRemux(file);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(/soun track's edit list trims 1 s at the start/);
    await expect(remuxMp4(file, path.join(dir, 'trimmed-out.mp4'))).rejects.toThrow(
      /cannot be remuxed: its soun track's edit list trims/,
    );
    const probe = await probeMp4(file);
    expect(probe).toMatchObject({ ok: true, remux: { ok: false } });
  });

  it('never overwrites an existing target', async () => {
    const out = path.join(dir, 'exists.mp4');
    const handle = await open(out, 'w');
    await handle.close();
    await expect(remuxMp4(FFMPEG_DEFAULT, out)).rejects.toThrow(/EEXIST/);
  });
});
