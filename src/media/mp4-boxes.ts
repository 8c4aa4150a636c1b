import type { FileHandle } from 'node:fs/promises';

/**
 * One ISO BMFF box held in memory: a container (`children`) or a leaf (`body`, the bytes after the
 * header). Only `moov` is ever held this way; `mdat` stays on disk.
 */
export interface Mp4Box {
  type: string;
  /** Child boxes of a container box (see {@link CONTAINER_TYPES}). */
  children?: Mp4Box[];
  /** Payload of a leaf box, header excluded. */
  body?: Buffer;
}

/** A top-level box of a file: where it starts and how long it is, header included. */
export interface TopLevelBox {
  type: string;
  start: number;
  size: number;
}

/** Boxes under `moov` that the remux walks into; every other box is kept as opaque bytes. */
const CONTAINER_TYPES = new Set(['moov', 'trak', 'edts', 'mdia', 'minf', 'stbl']);

/**
 * Parses a run of boxes (e.g. the payload of `moov`) into a tree, descending into the containers the
 * remux edits. Throws on a box whose size runs past the buffer.
 *
 * @example
 * ```ts
 * const [moov] = parseBoxes(moovBytes); // moovBytes: the whole moov box, header included
 * ```
 */
export function parseBoxes(buf: Buffer): Mp4Box[] {
  const boxes: Mp4Box[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > buf.length) throw new Error(`box ${type} at ${at} is cut short`);
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = buf.length - at;
    if (size < header || at + size > buf.length)
      throw new Error(`box ${type} at ${at} runs past its parent (${size} bytes)`);
    const body = buf.subarray(at + header, at + size);
    boxes.push(CONTAINER_TYPES.has(type) ? { type, children: parseBoxes(body) } : { type, body });
    at += size;
  }
  return boxes;
}

/**
 * Writes a box tree back to bytes (32-bit sizes: a `moov` is far below 4 GiB).
 *
 * @example
 * ```ts
 * const bytes = serializeBox({ type: 'free', body: Buffer.alloc(8) }); // 16 bytes
 * ```
 */
export function serializeBox(box: Mp4Box): Buffer {
  const parts = box.children ? box.children.map(serializeBox) : [box.body ?? Buffer.alloc(0)];
  const head = Buffer.alloc(8);
  const size = 8 + parts.reduce((n, p) => n + p.length, 0);
  head.writeUInt32BE(size, 0);
  head.write(box.type, 4, 'latin1');
  return Buffer.concat([head, ...parts]);
}

/** The first child of `box` of `type`, following a path: `child(trak, 'mdia', 'minf', 'stbl')`. */
export function child(box: Mp4Box | undefined, ...path: string[]): Mp4Box | undefined {
  let at = box;
  for (const type of path) at = at?.children?.find((c) => c.type === type);
  return at;
}

/**
 * Lists the top-level boxes of a file by reading only their headers (skipping `mdat` by seeking, so
 * this costs a few reads whatever the file size).
 *
 * @example
 * ```ts
 * const boxes = await listTopLevelBoxes(handle, (await handle.stat()).size);
 * boxes.map((b) => b.type); // ['ftyp', 'free', 'mdat', 'moov']
 * ```
 */
export async function listTopLevelBoxes(handle: FileHandle, fileSize: number): Promise<TopLevelBox[]> {
  const boxes: TopLevelBox[] = [];
  const head = Buffer.alloc(16);
  let at = 0;
  while (at + 8 <= fileSize) {
    const { bytesRead } = await handle.read(head, 0, 16, at);
    if (bytesRead < 8) break;
    let size = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (size === 1) {
      if (bytesRead < 16) throw new Error(`box ${type} at ${at} is cut short`);
      size = Number(head.readBigUInt64BE(8));
    } else if (size === 0) size = fileSize - at;
    if (size < 8 || at + size > fileSize)
      throw new Error(`box ${type} at ${at} runs past the end of the file (${size} bytes, file ${fileSize})`);
    boxes.push({ type, start: at, size });
    at += size;
  }
  if (at !== fileSize) throw new Error(`${fileSize - at} stray bytes after the last box`);
  return boxes;
}
