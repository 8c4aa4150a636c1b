import { describe, expect, it } from 'vitest';
import { child, parseBoxes, serializeBox, type Mp4Box } from '../../src/media/mp4-boxes.js';
import { planRemux } from '../../src/media/mp4-remux-plan.js';

/** Synthetic moovs: one box per field the planner reads, so each edit-list shape can be tried. */
const leaf = (type: string, body: Buffer): Mp4Box => ({ type, body });
const u32s = (...values: number[]) => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => (v < 0 ? b.writeInt32BE(v, i * 4) : b.writeUInt32BE(v, i * 4)));
  return b;
};

interface TrackSpec {
  kind: 'vide' | 'soun';
  timescale: number;
  /** Sample durations as (count, delta) runs. */
  stts: [number, number][];
  ctts?: [number, number][];
  /** Edits: (segment duration in movie ticks, media time, rate 16.16). */
  elst?: [number, number, number][];
}

function trak(spec: TrackSpec, id: number): Mp4Box {
  const samples = spec.stts.reduce((n, [c]) => n + c, 0);
  const duration = spec.stts.reduce((n, [c, d]) => n + c * d, 0);
  const stbl: Mp4Box[] = [
    leaf('stts', u32s(0, spec.stts.length, ...spec.stts.flat())),
    ...(spec.ctts ? [leaf('ctts', u32s(0, spec.ctts.length, ...spec.ctts.flat()))] : []),
    leaf('stsc', u32s(0, 1, 1, samples, 1)),
    leaf('stsz', u32s(0, 10, samples)),
    leaf('stco', u32s(0, 1, 1000 + id)),
  ];
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(id, 12);
  return {
    type: 'trak',
    children: [
      leaf('tkhd', tkhd),
      ...(spec.elst
        ? [{ type: 'edts', children: [leaf('elst', u32s(0, spec.elst.length, ...spec.elst.flat()))] }]
        : []),
      {
        type: 'mdia',
        children: [
          leaf('mdhd', u32s(0, 0, 0, spec.timescale, duration, 0)),
          leaf('hdlr', Buffer.concat([u32s(0, 0), Buffer.from(spec.kind, 'latin1'), Buffer.alloc(13)])),
          { type: 'minf', children: [{ type: 'stbl', children: stbl }] },
        ],
      },
    ],
  };
}

function moov(...tracks: TrackSpec[]): Buffer {
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12);
  return serializeBox({
    type: 'moov',
    children: [leaf('mvhd', mvhd), ...tracks.map((t, i) => trak(t, i + 1))],
  });
}

/** ctts of the written moov's track `index`, as (count, offset) runs, and its version. */
function cttsOf(written: Buffer, index: number): { version: number; runs: [number, number][] } | undefined {
  const root = parseBoxes(written)[0]!;
  const body = child(
    root.children!.filter((b) => b.type === 'trak')[index],
    'mdia',
    'minf',
    'stbl',
    'ctts',
  )?.body;
  if (!body) return undefined;
  const signed = body[0] === 1;
  return {
    version: body[0]!,
    runs: Array.from({ length: body.readUInt32BE(4) }, (_, i) => [
      body.readUInt32BE(8 + i * 8),
      signed ? body.readInt32BE(12 + i * 8) : body.readUInt32BE(12 + i * 8),
    ]),
  };
}

// 30 fps video at 15360 (512 per frame), I P B B pattern: 2-frame reorder delay, as libx264 writes it.
const VIDEO: TrackSpec = {
  kind: 'vide',
  timescale: 15360,
  stts: [[90, 512]],
  ctts: [[1, 1024], [1, 2048], [2, 512], ...Array.from({ length: 43 }, () => [2, 1024] as [number, number])],
  elst: [[3000, 1024, 0x10000]],
};
const AUDIO: TrackSpec = {
  kind: 'soun',
  timescale: 48000,
  stts: [[142, 1024]],
  elst: [[3000, 1024, 0x10000]],
};

describe('planRemux', () => {
  it('a silent video: its first frame moves to 0, with signed (version 1) composition offsets', () => {
    const plan = planRemux(moov(VIDEO));
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.shifts).toEqual([{ trackKind: 'vide', ticks: -1024, timescale: 15360 }]);
    const ctts = cttsOf(
      plan.write((o) => o),
      0,
    )!;
    expect(ctts.version).toBe(1);
    expect(ctts.runs.slice(0, 3)).toEqual([
      [1, 0],
      [1, 1024],
      [2, -512],
    ]);
  });

  it('adds a ctts to a video without one when it must move later (audio priming, no B-frames)', () => {
    const plain: TrackSpec = {
      kind: 'vide',
      timescale: 15360,
      stts: [[90, 512]],
      elst: [[3000, 0, 0x10000]],
    };
    const plan = planRemux(moov(plain, AUDIO));
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.shifts[0]).toEqual({ trackKind: 'vide', ticks: 328, timescale: 15360 }); // 1024/48000 s
    expect(
      cttsOf(
        plan.write((o) => o),
        0,
      ),
    ).toEqual({ version: 0, runs: [[90, 328]] });
  });

  it('keeps an empty edit as a delay of the video against its audio', () => {
    const delayed: TrackSpec = {
      ...VIDEO,
      elst: [
        [500, -1, 0x10000],
        [3000, 1024, 0x10000],
      ],
    };
    const plan = planRemux(moov(delayed, AUDIO));
    if (!plan.ok) throw new Error(plan.reason);
    // 0.5 s later than the audio's content start (1024/48000 s of priming): -1024 + 7680 + 328 ticks.
    expect(plan.shifts[0]!.ticks).toBe(-1024 + 7680 + 328);
  });

  it.each([
    [
      'has two segments',
      {
        ...AUDIO,
        elst: [
          [1000, 1024, 0x10000],
          [1000, 96_000, 0x10000],
        ],
      },
      /edit list has 2 segments/,
    ],
    ['plays at another rate', { ...AUDIO, elst: [[3000, 1024, 0x20000]] }, /plays at another rate/],
    ['trims the head', { ...AUDIO, elst: [[2000, 48_000, 0x10000]] }, /trims 1 s at the start/],
    [
      'trims the tail',
      { ...AUDIO, elst: [[1500, 1024, 0x10000]] },
      /trims 0\.021 s at the start and 1\.508 s at the end/,
    ],
  ] as [string, TrackSpec, RegExp][])('refuses an audio edit list that %s', (_name, audio, reason) => {
    const plan = planRemux(moov(VIDEO, audio));
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.reason).toMatch(reason);
  });

  it('refuses a video that began before its audio (an empty edit on the audio)', () => {
    const late: TrackSpec = {
      ...AUDIO,
      elst: [
        [1000, -1, 0x10000],
        [3000, 1024, 0x10000],
      ],
    };
    const plan = planRemux(moov(VIDEO, late));
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.reason).toMatch(/vide track starts 0\.979 s before its audio/);
  });

  it('refuses a damaged moov with the reason', () => {
    const bytes = moov(VIDEO);
    bytes.writeUInt32BE(bytes.length + 100, 0);
    expect(planRemux(bytes)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/moov box is damaged/),
    });
  });
});
