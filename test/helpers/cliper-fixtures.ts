/**
 * Builders for CLIPER folders and MP4 files in tests and benches, without ffmpeg: stand-in clips are
 * copies of the committed example clips (`examples/campaign/`) made distinct by a `free` box.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The committed example campaign. */
export const EXAMPLE_CAMPAIGN = path.resolve(HERE, '../../examples/campaign');
/** The example clips (4 tiny, valid, faststart 720x1280 H.264/AAC files, 3.2-4 s). */
export const EXAMPLE_CLIPS: readonly string[] = ['1.mp4', '2.mp4', 'viral/3.mp4', '4.mp4'].map((f) => path.join(EXAMPLE_CAMPAIGN, f));
/** The real CLIPER clips files (read-only), committed with the tests so the repo stands alone. */
export const CLIPER_FIXTURES_DIR = path.resolve(HERE, '../fixtures/cliper');
/** Names of the five real CLIPER clips files. */
export const CLIPER_FIXTURES: readonly string[] = [
  'aicdmx-live-BjIPizwLtro.json',
  'aicdmx-live-gjPVlCHU9OM.json',
  'social-network-KdtPNRzuKrk.json',
  'solo-dos-minutos-zRXVI8XjVn4.json',
  'storycraft-LZlXASa8CZM.json',
];

/** Reads one of {@link CLIPER_FIXTURES} as parsed JSON. */
export async function readCliperFixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(CLIPER_FIXTURES_DIR, name), 'utf8')) as Record<string, unknown>;
}

/**
 * Where each clip's stand-in file goes, relative to the folder; null leaves the clip without a file.
 * - `flat`: `7.mp4`; `legacy`: `clip_007_9x16_subs.mp4`;
 * - `styled`: `<style>/7.mp4` using `classification_metadata` (root when unclassified).
 */
export type CliperLayout = 'flat' | 'legacy' | 'styled' | ((clipId: number, style: string | undefined) => string | null);

/** Options of {@link makeCliperFolder}. */
export interface MakeCliperFolderOptions {
  /** The clips file: an object (written as JSON), a raw string (written as is), or a fixture name. */
  json: Record<string, unknown> | string;
  /** Default `flat`. */
  layout?: CliperLayout;
  /** Extra files to create (relative path → content); e.g. `{ '3_step1_temp.mp4': '' }`. */
  extraFiles?: Record<string, string | Buffer>;
}

/**
 * Creates a CLIPER output folder at `dir` (created if needed): `copys/clips_copys.json` plus one
 * distinct, probe-able stand-in `.mp4` per clip id, placed per `layout`. Returns the clip ids written.
 *
 * @example
 * ```ts
 * await makeCliperFolder(dir, { json: 'social-network-KdtPNRzuKrk.json', layout: 'styled' });
 * ```
 */
export async function makeCliperFolder(dir: string, options: MakeCliperFolderOptions): Promise<number[]> {
  const { json, layout = 'flat' } = options;
  await mkdir(path.join(dir, 'copys'), { recursive: true });
  let text: string;
  if (typeof json === 'string') text = CLIPER_FIXTURES.includes(json) ? await readFile(path.join(CLIPER_FIXTURES_DIR, json), 'utf8') : json;
  else text = JSON.stringify(json, null, 2);
  await writeFile(path.join(dir, 'copys', 'clips_copys.json'), text);
  const parsed = safeParse(text);
  const styles = new Map<number, string>();
  const classifications = (parsed?.classification_metadata as { classifications?: unknown } | undefined)?.classifications;
  for (const c of Array.isArray(classifications) ? (classifications as Array<{ clip_id: number; style: string }>) : []) styles.set(c.clip_id, c.style);
  const clips = Array.isArray(parsed?.clips) ? (parsed.clips as unknown[]) : [];
  const ids = clips
    .map((c) => (typeof c === 'object' && c !== null ? (c as { clip_id?: unknown }).clip_id : undefined))
    .filter((id): id is number => typeof id === 'number' && Number.isInteger(id) && id > 0);
  const written: number[] = [];
  for (const clipId of ids) {
    const rel = placeClip(layout, clipId, styles.get(clipId));
    if (rel === null) continue;
    await makeStandInMp4(path.join(dir, rel), clipId);
    written.push(clipId);
  }
  for (const [rel, content] of Object.entries(options.extraFiles ?? {})) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return written;
}

function placeClip(layout: CliperLayout, clipId: number, style: string | undefined): string | null {
  if (typeof layout === 'function') return layout(clipId, style);
  if (layout === 'legacy') return `clip_${String(clipId).padStart(3, '0')}_9x16_subs.mp4`;
  if (layout === 'styled' && style) return `${style}/${clipId}.mp4`;
  return `${clipId}.mp4`;
}

function safeParse(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Writes a stand-in clip for `clipId`: an example clip plus a small `free` box naming the id and a few
 * random bytes, so every stand-in has its own sha256 and still probes as the example does.
 */
export async function makeStandInMp4(dest: string, clipId: number): Promise<void> {
  const src = EXAMPLE_CLIPS[(clipId - 1) % EXAMPLE_CLIPS.length] ?? EXAMPLE_CLIPS[0]!;
  await mkdir(path.dirname(dest), { recursive: true });
  await copyFile(src, dest);
  const payload = Buffer.concat([Buffer.from(`clipcast-fixture clip ${clipId} `), randomBytes(16)]);
  await appendFreeBox(dest, payload.length, payload);
}

/**
 * Writes a valid, probe-able, distinct MP4 of `bytes` total (at least the source's size + 24): a copy of
 * `src` followed by a `free` box of padding that starts with random bytes. Streams the padding in 1 MiB
 * writes, so 100 x 20 MB files cost no memory; no ffmpeg needed.
 *
 * @example
 * ```ts
 * await makeSizedMp4(EXAMPLE_CLIPS[0], path.join(dir, '1.mp4'), 20 * 1024 * 1024);
 * ```
 */
export async function makeSizedMp4(src: string, dest: string, bytes: number): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  await copyFile(src, dest);
  const handle = await open(dest, 'r');
  const { size } = await handle.stat();
  await handle.close();
  const padding = bytes - size - 16;
  if (padding < 8) throw new Error(`makeSizedMp4: ${bytes} bytes is too small for a copy of ${src} (${size} bytes)`);
  await appendFreeBox(dest, padding, randomBytes(16));
}

/** Options of {@link makeSizedCampaign}. */
export interface MakeSizedCampaignOptions {
  clips: number;
  /** Size of each clip file. */
  bytesPerClip: number;
  /** Default `Bench campaign`. */
  videoId?: string;
}

/**
 * Creates a CLIPER folder of `clips` distinct, valid clips of `bytesPerClip` each (e.g. 100 x 20 MB for
 * a bench), with a clips file in CLIPER's format (captions with hashtags and emojis, metadata).
 *
 * @example
 * ```ts
 * await makeSizedCampaign(dir, { clips: 100, bytesPerClip: 20 * 1024 * 1024 });
 * ```
 */
export async function makeSizedCampaign(dir: string, options: MakeSizedCampaignOptions): Promise<void> {
  const clips = Array.from({ length: options.clips }, (_, i) => ({
    clip_id: i + 1,
    copy: `Clip ${i + 1} de prueba 🚀 subida reanudable y sin duplicados #Bench${i + 1} #AICDMX`,
    metadata: { sentiment: 'educational', sentiment_score: 0.7, engagement_score: 7, suggested_thumbnail_timestamp: 1, primary_topics: ['benchmarks', 'uploads'], hook_strength: 'medium', viral_potential: 1 + (i % 10) },
  }));
  await makeCliperFolder(dir, {
    json: { video_id: options.videoId ?? 'Bench campaign', generated_at: '2026-01-01 00:00:00.000000', model: 'bench', total_clips: clips.length, style: 'auto-classified', clips },
    layout: () => null,
  });
  for (const clip of clips) {
    await makeSizedMp4(EXAMPLE_CLIPS[(clip.clip_id - 1) % EXAMPLE_CLIPS.length]!, path.join(dir, `${clip.clip_id}.mp4`), options.bytesPerClip);
  }
}

/** Appends a `free` box (64-bit size) with `payloadLength` bytes starting with `head`, zeros after. */
async function appendFreeBox(file: string, payloadLength: number, head: Buffer): Promise<void> {
  const header = largeBoxHeader('free', payloadLength);
  const handle = await open(file, 'a');
  try {
    await handle.write(header);
    await handle.write(head.subarray(0, payloadLength));
    let left = payloadLength - Math.min(head.length, payloadLength);
    const zeros = Buffer.alloc(Math.min(left, 1 << 20));
    while (left > 0) {
      const n = Math.min(left, zeros.length);
      await handle.write(zeros, 0, n);
      left -= n;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Rewrites a faststart MP4 with its `moov` after `mdat` (chunk offsets fixed), i.e. not faststart:
 * what Instagram refuses and what a plain `ffmpeg` export without `-movflags +faststart` produces.
 * `mdatPadding` bytes of zeros are added at the end of `mdat` (no sample points there) to make a large
 * file whose `moov` is far from the start.
 */
export async function makeNonFaststartMp4(src: string, dest: string, mdatPadding = 0): Promise<void> {
  const data = await readFile(src);
  const boxes = topLevelBoxes(data);
  const moov = boxes.find((b) => b.type === 'moov');
  const mdat = boxes.find((b) => b.type === 'mdat');
  if (!moov || !mdat || moov.start > mdat.start) throw new Error(`makeNonFaststartMp4: ${src} is not faststart`);
  const moovBytes = Buffer.from(data.subarray(moov.start, moov.end));
  shiftChunkOffsets(moovBytes, 8, moovBytes.length, -moovBytes.length);
  const before = boxes.filter((b) => b !== moov && b.end <= mdat.start).map((b) => data.subarray(b.start, b.end));
  const after = boxes.filter((b) => b !== moov && b.start > mdat.start).map((b) => data.subarray(b.start, b.end));
  const payload = data.subarray(mdat.start + mdat.header, mdat.end);
  const header = largeBoxHeader('mdat', payload.length + mdatPadding);
  // The new mdat header is 16 bytes where the old one was `mdat.header`: shift offsets accordingly.
  shiftChunkOffsets(moovBytes, 8, moovBytes.length, 16 - mdat.header);
  await mkdir(path.dirname(dest), { recursive: true });
  const handle = await open(dest, 'w');
  try {
    for (const part of [...before, header, payload]) await handle.write(part);
    const zeros = Buffer.alloc(Math.min(mdatPadding, 1 << 20));
    for (let left = mdatPadding; left > 0; left -= zeros.length) await handle.write(zeros, 0, Math.min(left, zeros.length));
    for (const part of [...after, moovBytes]) await handle.write(part);
  } finally {
    await handle.close();
  }
}

/** A 16-byte box header with a 64-bit size, for a payload of `payloadLength` bytes. */
function largeBoxHeader(type: string, payloadLength: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write(type, 4, 'latin1');
  header.writeBigUInt64BE(BigInt(16 + payloadLength), 8);
  return header;
}

interface BoxSpan { type: string; start: number; end: number; header: number }

function topLevelBoxes(data: Buffer, from = 0, to = data.length): BoxSpan[] {
  const boxes: BoxSpan[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = data.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    boxes.push({ type: data.toString('latin1', at + 4, at + 8), start: at, end: at + size, header });
    at += size;
  }
  return boxes;
}

const CONTAINERS = new Set(['trak', 'mdia', 'minf', 'stbl']);

function shiftChunkOffsets(buf: Buffer, from: number, to: number, delta: number): void {
  for (const box of topLevelBoxes(buf, from, to)) {
    if (CONTAINERS.has(box.type)) shiftChunkOffsets(buf, box.start + box.header, box.end, delta);
    else if (box.type === 'stco' || box.type === 'co64') {
      const count = buf.readUInt32BE(box.start + 12);
      for (let i = 0; i < count; i++) {
        if (box.type === 'stco') {
          const at = box.start + 16 + i * 4;
          buf.writeUInt32BE(buf.readUInt32BE(at) + delta, at);
        } else {
          const at = box.start + 16 + i * 8;
          buf.writeBigUInt64BE(buf.readBigUInt64BE(at) + BigInt(delta), at);
        }
      }
    }
  }
}
