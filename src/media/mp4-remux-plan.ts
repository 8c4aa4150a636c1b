import type { RemuxVerdict } from '../core/clips/probe-result.js';
import { child, parseBoxes, serializeBox, type Mp4Box } from './mp4-boxes.js';

/**
 * How much of a sound track an edit list may hide at its head (encoder priming: 1024 samples for
 * ffmpeg's AAC, 2112 for Apple's) or tail (padding of the last frame) and still be dropped: 0.1 s.
 * A video track may hide nothing at its head, and at most one frame at its tail.
 */
const SOUND_TOLERANCE_SEC = 0.1;

/** Timing of one track, read from its boxes. */
interface TrackTiming {
  trak: Mp4Box;
  kind: string;
  timescale: number;
  /** Media duration (sum of `stts`), in the track's timescale. */
  mediaDuration: number;
  /** Earliest composition time of any sample, in the track's timescale. */
  minCt: number;
  /**
   * Seconds to add to a sample's composition time to get its place in the edited presentation
   * (`empty edit - media_time`); 0 without an edit list.
   */
  offsetSec: number;
  /** Composition offsets (`ctts`) as run-length entries, or empty. */
  ctts: { count: number; offset: number }[];
  sampleCount: number;
}

/**
 * A `moov` ready to be written before `mdat`: edit lists dropped, timing compensated (see
 * {@link planRemux}); {@link RemuxPlan.write} fills in the moved chunk offsets.
 */
export interface RemuxPlan {
  ok: true;
  /** Serializes the new `moov`, mapping every chunk offset through `mapOffset` (old file position → new). */
  write(mapOffset: (offset: number) => number): Buffer;
  /** Per track: how many ticks its composition times moved (0 for all but a shifted video track). */
  shifts: { trackKind: string; ticks: number; timescale: number }[];
}

/**
 * Plans a lossless remux from a whole `moov` box: what to change so the file plays the same without
 * edit lists, or why it cannot.
 *
 * Timing: an edit list places each track on the movie timeline (presentation = composition time
 * minus `media_time`, plus any empty edit). Dropping it puts every track at its raw composition times instead, which
 * would shift tracks against each other: ffmpeg's audio edit skips 1024 samples of AAC priming
 * (21 ms at 48 kHz) and its video edit skips the B-frame reorder delay (2 frames). Audio samples can
 * only start at 0 and removing the priming frame would change the decoded sound, so the audio keeps
 * its priming (played as the near-silence it is) and every video track is moved instead, through its
 * composition offsets (`ctts`), so that each frame lands where it was against the audio: A/V sync is
 * kept to one video tick. When a shifted offset goes negative the `ctts` becomes version 1 (signed
 * offsets, ISO/IEC 14496-12:2012), and a stale `cslg` is dropped. Each track's duration becomes its
 * media duration, so the movie can grow by the priming and the last audio frame's padding (tens of
 * ms); no frame or sample is added, dropped or changed.
 *
 * Refused (the clip then stays an error): edit lists that trim content (more than priming/padding),
 * play at another rate or have several segments, tracks other than video and sound that would need a
 * shift, fragmented files.
 *
 * @example
 * ```ts
 * const plan = planRemux(moovBytes);
 * if (plan.ok) await handle.write(plan.write((offset) => offset + moved));
 * else console.error(plan.reason);
 * ```
 */
export function planRemux(moovBytes: Buffer): RemuxPlan | Extract<RemuxVerdict, { ok: false }> {
  let moov: Mp4Box | undefined;
  try {
    moov = parseBoxes(moovBytes)[0];
  } catch (error) {
    return { ok: false, reason: `its moov box is damaged (${(error as Error).message})` };
  }
  if (!moov || moov.type !== 'moov') return { ok: false, reason: 'no moov box' };
  if (child(moov, 'mvex')) return { ok: false, reason: 'it is a fragmented MP4' };
  const mvhd = child(moov, 'mvhd')?.body;
  if (!mvhd) return { ok: false, reason: 'no mvhd box' };
  const movieTimescale = mvhd[0] === 1 ? mvhd.readUInt32BE(20) : mvhd.readUInt32BE(12);
  if (!movieTimescale) return { ok: false, reason: 'movie timescale is 0' };

  const tracks: TrackTiming[] = [];
  for (const trak of moov.children!.filter((b) => b.type === 'trak')) {
    const timing = readTiming(trak, movieTimescale);
    if ('reason' in timing) return { ok: false, reason: timing.reason };
    tracks.push(timing);
  }
  const sound = tracks.filter((t) => t.kind === 'soun');
  const video = tracks.filter((t) => t.kind === 'vide');
  if (sound.some((t) => Math.abs(t.offsetSec - sound[0]!.offsetSec) > 0.001))
    return { ok: false, reason: 'its sound tracks are offset differently' };
  // The global move that keeps sound tracks unshifted, or (silent files) starts the first frame at 0.
  const global = sound.length
    ? -sound[0]!.offsetSec
    : -Math.min(...video.map((t) => t.offsetSec + t.minCt / t.timescale), 0);
  const shifts: RemuxPlan['shifts'] = [];
  for (const track of tracks) {
    const wanted = track.offsetSec + global;
    if (track.kind === 'soun') {
      shifts.push({ trackKind: track.kind, ticks: 0, timescale: track.timescale });
      continue;
    }
    const ticks = Math.round(wanted * track.timescale);
    if (ticks !== 0 && track.kind !== 'vide')
      return { ok: false, reason: `its ${track.kind} track would need moving, which only video tracks can` };
    // Without an edit list nothing can be shown before 0: a video that began well before its audio can't.
    if (track.minCt + ticks < 0)
      return {
        ok: false,
        reason: `its ${track.kind} track starts ${fmtSec(-(track.minCt + ticks) / track.timescale)} s before its audio`,
      };
    if (ticks !== 0) shiftCompositionTimes(track, ticks);
    shifts.push({ trackKind: track.kind, ticks, timescale: track.timescale });
  }

  let longest = 0;
  for (const track of tracks) {
    track.trak.children = track.trak.children!.filter((b) => b.type !== 'edts');
    const duration = Math.round((track.mediaDuration * movieTimescale) / track.timescale);
    setDuration(child(track.trak, 'tkhd')!, duration, 20, 28);
    longest = Math.max(longest, duration);
  }
  setDuration(child(moov, 'mvhd')!, longest, 16, 24);

  const root = moov;
  const stbls = tracks.map((t) => child(t.trak, 'mdia', 'minf', 'stbl')!);
  const original = stbls.map(readChunkOffsets);
  return {
    ok: true,
    shifts,
    write(mapOffset) {
      const offsets = original.map((list) => list.map(mapOffset));
      const wide = offsets.some((list) => list.some((o) => o > 0xffffffff));
      stbls.forEach((stbl, i) => writeChunkOffsets(stbl, offsets[i]!, wide));
      return serializeBox(root);
    },
  };
}

function readTiming(trak: Mp4Box, movieTimescale: number): TrackTiming | { reason: string } {
  const mdhd = child(trak, 'mdia', 'mdhd')?.body;
  const hdlr = child(trak, 'mdia', 'hdlr')?.body;
  const stbl = child(trak, 'mdia', 'minf', 'stbl');
  const stts = child(stbl, 'stts')?.body;
  if (!mdhd || !hdlr || !stbl || !stts || !child(trak, 'tkhd'))
    return { reason: 'a track lacks its mdhd, hdlr, tkhd or sample table' };
  if (!child(stbl, 'stco') && !child(stbl, 'co64'))
    return { reason: 'a track has no chunk offsets (stco/co64)' };
  const kind = hdlr.toString('latin1', 8, 12);
  const timescale = mdhd[0] === 1 ? mdhd.readUInt32BE(20) : mdhd.readUInt32BE(12);
  if (!timescale) return { reason: `its ${kind} track has timescale 0` };
  const cttsBox = child(stbl, 'ctts')?.body;
  const ctts = cttsBox ? readRuns(cttsBox, cttsBox[0] === 1) : [];
  const durations = readRuns(stts, false);
  // Walk decode times with the composition offsets to find the first and last presented instants.
  let dt = 0;
  let minCt = Number.POSITIVE_INFINITY;
  let maxEnd = 0;
  let maxSampleDuration = 0;
  let sampleCount = 0;
  let c = 0;
  let cLeft = ctts[0]?.count ?? 0;
  for (const run of durations) {
    maxSampleDuration = Math.max(maxSampleDuration, run.offset);
    for (let i = 0; i < run.count; i++) {
      while (cLeft === 0 && c < ctts.length - 1) cLeft = ctts[++c]!.count;
      const offset = cLeft > 0 ? ctts[c]!.offset : 0;
      if (cLeft > 0) cLeft--;
      minCt = Math.min(minCt, dt + offset);
      maxEnd = Math.max(maxEnd, dt + offset + run.offset);
      dt += run.offset;
      sampleCount++;
    }
  }
  if (sampleCount === 0) minCt = 0;
  const timing: TrackTiming = {
    trak,
    kind,
    timescale,
    mediaDuration: dt,
    minCt,
    offsetSec: 0,
    ctts,
    sampleCount,
  };
  const elst = child(trak, 'edts', 'elst')?.body;
  if (!elst) return timing;
  const entries = readEdits(elst);
  const empty = entries.length === 2 && entries[0]!.mediaTime === -1 ? entries.shift()! : undefined;
  if (entries.length === 0) return timing;
  if (entries.length !== 1 || entries[0]!.mediaTime < 0)
    return {
      reason: `its ${kind} track's edit list has ${entries.length + (empty ? 1 : 0)} segments (only one, after at most one empty edit, can be dropped)`,
    };
  const edit = entries[0]!;
  if (edit.rate !== 0x10000) return { reason: `its ${kind} track's edit list plays at another rate` };
  const tolerance = kind === 'soun' ? SOUND_TOLERANCE_SEC * timescale : 0;
  const hiddenHead = edit.mediaTime - minCt;
  const shownEnd =
    edit.segmentDuration === 0
      ? maxEnd
      : edit.mediaTime + (edit.segmentDuration * timescale) / movieTimescale;
  const hiddenTail = maxEnd - shownEnd;
  const tailTolerance = kind === 'soun' ? tolerance : maxSampleDuration;
  if (hiddenHead > tolerance + 1 || Math.abs(hiddenTail) > tailTolerance + 1) {
    return {
      reason: `its ${kind} track's edit list trims ${fmtSec(Math.max(hiddenHead, 0) / timescale)} s at the start and ${fmtSec(hiddenTail / timescale)} s at the end; dropping it would change what plays`,
    };
  }
  timing.offsetSec = (empty ? empty.segmentDuration / movieTimescale : 0) - edit.mediaTime / timescale;
  return timing;
}

/** Moves every composition time of a track by `ticks`, in its `ctts` (added if absent). */
function shiftCompositionTimes(track: TrackTiming, ticks: number): void {
  const stbl = child(track.trak, 'mdia', 'minf', 'stbl')!;
  const runs = track.ctts.length
    ? track.ctts.map((r) => ({ count: r.count, offset: r.offset + ticks }))
    : [{ count: track.sampleCount, offset: ticks }];
  const signed = runs.some((r) => r.offset < 0);
  const body = Buffer.alloc(8 + runs.length * 8);
  body[0] = signed ? 1 : 0;
  body.writeUInt32BE(runs.length, 4);
  runs.forEach((r, i) => {
    body.writeUInt32BE(r.count, 8 + i * 8);
    if (signed) body.writeInt32BE(r.offset, 12 + i * 8);
    else body.writeUInt32BE(r.offset, 12 + i * 8);
  });
  const kept = stbl.children!.filter((b) => b.type !== 'ctts' && b.type !== 'cslg');
  // ctts sits after stts in the sample table, as ISO/IEC 14496-12 recommends.
  const at = kept.findIndex((b) => b.type === 'stts') + 1;
  kept.splice(at, 0, { type: 'ctts', body });
  stbl.children = kept;
}

/** Run-length entries of `stts` (count, delta) or `ctts` (count, offset; signed in version 1). */
function readRuns(body: Buffer, signed: boolean): { count: number; offset: number }[] {
  const n = body.readUInt32BE(4);
  if (8 + n * 8 > body.length) throw new Error('sample table entry count runs past its box');
  return Array.from({ length: n }, (_, i) => ({
    count: body.readUInt32BE(8 + i * 8),
    offset: signed ? body.readInt32BE(12 + i * 8) : body.readUInt32BE(12 + i * 8),
  }));
}

function readEdits(body: Buffer): { segmentDuration: number; mediaTime: number; rate: number }[] {
  const v1 = body[0] === 1;
  const n = body.readUInt32BE(4);
  const size = v1 ? 20 : 12;
  const out = [];
  for (let i = 0; i < n && 8 + (i + 1) * size <= body.length; i++) {
    const at = 8 + i * size;
    out.push(
      v1
        ? {
            segmentDuration: Number(body.readBigUInt64BE(at)),
            mediaTime: Number(body.readBigInt64BE(at + 8)),
            rate: body.readUInt32BE(at + 16),
          }
        : {
            segmentDuration: body.readUInt32BE(at),
            mediaTime: body.readInt32BE(at + 4),
            rate: body.readUInt32BE(at + 8),
          },
    );
  }
  return out;
}

/** Chunk offsets of a sample table, from `stco` or `co64`. */
export function readChunkOffsets(stbl: Mp4Box): number[] {
  const stco = child(stbl, 'stco')?.body;
  if (stco) return Array.from({ length: stco.readUInt32BE(4) }, (_, i) => stco.readUInt32BE(8 + i * 4));
  const co64 = child(stbl, 'co64')!.body!;
  return Array.from({ length: co64.readUInt32BE(4) }, (_, i) => Number(co64.readBigUInt64BE(8 + i * 8)));
}

/** Replaces a sample table's chunk offsets: `co64` when `wide` (an offset past 4 GiB), else `stco`. */
export function writeChunkOffsets(stbl: Mp4Box, offsets: number[], wide: boolean): void {
  const body = Buffer.alloc(8 + offsets.length * (wide ? 8 : 4));
  body.writeUInt32BE(offsets.length, 4);
  offsets.forEach((o, i) =>
    wide ? body.writeBigUInt64BE(BigInt(o), 8 + i * 8) : body.writeUInt32BE(o, 8 + i * 4),
  );
  const at = stbl.children!.findIndex((b) => b.type === 'stco' || b.type === 'co64');
  stbl.children![at] = { type: wide ? 'co64' : 'stco', body };
}

/** Writes a duration into a full box that holds one at `v0At` (version 0) or `v1At` (version 1, 64-bit). */
function setDuration(box: Mp4Box, duration: number, v0At: number, v1At: number): void {
  const body = Buffer.from(box.body!);
  if (body[0] === 1) body.writeBigUInt64BE(BigInt(duration), v1At);
  else body.writeUInt32BE(Math.min(duration, 0xffffffff), v0At);
  box.body = body;
}

const fmtSec = (n: number) => String(Math.round(n * 1000) / 1000);
