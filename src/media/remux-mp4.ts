import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { RemuxVerdict } from '../core/clips/probe-result.js';
import { listTopLevelBoxes, type TopLevelBox } from './mp4-boxes.js';
import { planRemux, type RemuxPlan } from './mp4-remux-plan.js';

/** Largest `moov` read into memory (a 15-minute clip's is a few MB). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;
const COPY_CHUNK = 1024 * 1024;

/** What {@link remuxMp4} wrote. */
export interface RemuxResult {
  /** sha256 of the written file, hex (hashed while writing). */
  sha256: string;
  size: number;
  /** Per track, how far its composition times moved to keep sync without edit lists. */
  shifts: RemuxPlan['shifts'];
}

/**
 * Rewrites an MP4 losslessly for platforms with a strict container rule (Instagram): `ftyp`, then the
 * `moov` (edit lists dropped, timing kept, chunk offsets moved; see `planRemux`), then every other
 * top-level box (`mdat`, `free`, …) copied byte for byte from disk through one reused 1 MiB buffer,
 * so memory stays flat whatever the file size. Nothing is decoded or re-encoded; `target` must not
 * exist. Throws with the reason when the file cannot be remuxed (see {@link checkRemux}).
 *
 * @example
 * ```ts
 * const { sha256, size } = await remuxMp4('clips/7.mp4', '/tmp/7.instagram.mp4');
 * ```
 */
export async function remuxMp4(source: string, target: string): Promise<RemuxResult> {
  const input = await open(source, 'r');
  try {
    const { boxes, plan } = await readPlan(input);
    if (!plan.ok) throw new Error(`${source} cannot be remuxed: ${plan.reason}`);
    const ftyp = boxes[0]?.type === 'ftyp' ? [boxes[0]] : [];
    const rest = boxes.filter((b) => b.type !== 'moov' && !ftyp.includes(b));
    let moov: Buffer = Buffer.alloc(0);
    let moovSize = boxes.find((b) => b.type === 'moov')!.size;
    // The moov's own size moves the media after it; a promotion to co64 grows it once, so this settles.
    for (let round = 0; round < 4 && moov.length !== moovSize; round++) {
      if (moov.length) moovSize = moov.length;
      const placed = new Map<TopLevelBox, number>();
      let at = ftyp.reduce((n, b) => n + b.size, 0) + moovSize;
      for (const b of rest) {
        placed.set(b, at);
        at += b.size;
      }
      moov = plan.write((offset) => {
        const box = rest.find((b) => offset >= b.start && offset < b.start + b.size);
        if (!box)
          throw new Error(
            `${source} cannot be remuxed: a chunk offset (${offset}) points outside its media data`,
          );
        return placed.get(box)! + (offset - box.start);
      });
    }
    if (moov.length !== moovSize)
      throw new Error(`${source} cannot be remuxed: the moov size did not settle`);

    const hash = createHash('sha256');
    const output = await open(target, 'wx');
    let size = 0;
    try {
      const write = async (bytes: Buffer) => {
        hash.update(bytes);
        await output.write(bytes);
        size += bytes.length;
      };
      const buffer = Buffer.allocUnsafe(COPY_CHUNK);
      const copy = async (box: TopLevelBox) => {
        for (let done = 0; done < box.size;) {
          const { bytesRead } = await input.read(
            buffer,
            0,
            Math.min(buffer.length, box.size - done),
            box.start + done,
          );
          if (bytesRead === 0) throw new Error(`${source} ended while copying its ${box.type} box`);
          await write(buffer.subarray(0, bytesRead));
          done += bytesRead;
        }
      };
      for (const b of ftyp) await copy(b);
      await write(moov);
      for (const b of rest) await copy(b);
      await output.sync();
    } finally {
      await output.close();
    }
    return { sha256: hash.digest('hex'), size, shifts: plan.shifts };
  } finally {
    await input.close();
  }
}

/**
 * Whether {@link remuxMp4} can fix a file: reads only the top-level box headers and the `moov`.
 *
 * @example
 * ```ts
 * const verdict = await checkRemux('clips/7.mp4');
 * if (!verdict.ok) console.error(verdict.reason);
 * ```
 */
export async function checkRemux(source: string): Promise<RemuxVerdict> {
  let input: FileHandle | undefined;
  try {
    input = await open(source, 'r');
    const { plan } = await readPlan(input);
    return plan.ok ? { ok: true } : plan;
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    await input?.close();
  }
}

async function readPlan(
  input: FileHandle,
): Promise<{ boxes: TopLevelBox[]; plan: RemuxPlan | Extract<RemuxVerdict, { ok: false }> }> {
  const { size } = await input.stat();
  const boxes = await listTopLevelBoxes(input, size);
  const moovs = boxes.filter((b) => b.type === 'moov');
  if (boxes.some((b) => b.type === 'moof'))
    return { boxes, plan: { ok: false, reason: 'it is a fragmented MP4' } };
  if (moovs.length !== 1) return { boxes, plan: { ok: false, reason: `it has ${moovs.length} moov boxes` } };
  const moov = moovs[0]!;
  if (moov.size > MAX_MOOV_BYTES)
    return { boxes, plan: { ok: false, reason: `its moov box is ${moov.size} bytes` } };
  const bytes = Buffer.alloc(moov.size);
  await input.read(bytes, 0, moov.size, moov.start);
  return { boxes, plan: planRemux(bytes) };
}
