/** What the MP4 probe found once the bytes are complete. */
export interface Mp4ProbeResult {
  /** A container subcode to fail with (2207026: not faststart, edit lists, not an MP4), or undefined. */
  subcode: number | undefined;
  durationMs: number | undefined;
}

const MAX_MOOV = 64 * 1024 * 1024;

/**
 * A streaming check of Meta's Reels container rules (§8.1): top-level boxes walked as bytes arrive,
 * `moov` before `mdat` (faststart), no `elst` edit list, duration from `mvhd`. Only the `moov` box is
 * buffered (it is small); media data is skipped, never kept.
 *
 * @example
 * ```ts
 * const probe = new Mp4Probe();
 * for await (const chunk of body) probe.push(chunk);
 * probe.result(); // { subcode: undefined, durationMs: 12000 }
 * ```
 */
export class Mp4Probe {
  #header = Buffer.alloc(0);
  #skip = 0;
  #moov: Buffer[] | undefined;
  #moovLeft = 0;
  #seenMoov = false;
  #fail: number | undefined;
  #durationMs: number | undefined;
  #boxes = 0;
  #toEnd = false;

  push(chunk: Buffer): void {
    let buf = chunk;
    while (buf.length && this.#fail === undefined && !this.#toEnd) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, buf.length);
        this.#skip -= n;
        buf = buf.subarray(n);
        continue;
      }
      if (this.#moov) {
        const n = Math.min(this.#moovLeft, buf.length);
        this.#moov.push(buf.subarray(0, n));
        this.#moovLeft -= n;
        buf = buf.subarray(n);
        if (this.#moovLeft === 0) this.#parseMoov(Buffer.concat(this.#moov));
        continue;
      }
      const need = 16 - this.#header.length;
      this.#header = Buffer.concat([this.#header, buf.subarray(0, need)]);
      buf = buf.subarray(Math.min(need, buf.length));
      if (this.#header.length < 8) continue;
      let size = this.#header.readUInt32BE(0);
      const type = this.#header.toString('latin1', 4, 8);
      let headerLen = 8;
      if (size === 1) {
        if (this.#header.length < 16) continue;
        size = Number(this.#header.readBigUInt64BE(8));
        headerLen = 16;
      }
      const extra = this.#header.subarray(headerLen);
      this.#header = Buffer.alloc(0);
      buf = Buffer.concat([extra, buf]);
      this.#boxes += 1;
      if (this.#boxes === 1 && type !== 'ftyp') this.#fail = 2207026;
      if (size !== 0 && size < headerLen) this.#fail = 2207026;
      if (type === 'mdat' && !this.#seenMoov) this.#fail = 2207026; // moov must come first (faststart)
      if (size === 0) {
        this.#toEnd = true;
        continue;
      }
      if (type === 'moov') {
        if (size - headerLen > MAX_MOOV) this.#fail = 2207026;
        this.#moov = [];
        this.#moovLeft = size - headerLen;
        this.#seenMoov = true;
      } else this.#skip = size - headerLen;
    }
  }

  #parseMoov(moov: Buffer): void {
    this.#moov = undefined;
    const walk = (b: Buffer): void => {
      let at = 0;
      while (at + 8 <= b.length) {
        const size = b.readUInt32BE(at);
        const type = b.toString('latin1', at + 4, at + 8);
        if (size < 8 || at + size > b.length) return;
        const body = b.subarray(at + 8, at + size);
        if (type === 'elst') this.#fail = 2207026;
        if (type === 'mvhd' && body.length >= 20) {
          const v1 = body[0] === 1;
          const timescale = v1 ? body.readUInt32BE(20) : body.readUInt32BE(12);
          const duration = v1 ? Number(body.readBigUInt64BE(24)) : body.readUInt32BE(16);
          if (timescale > 0) this.#durationMs = Math.round((duration / timescale) * 1000);
        }
        if (['trak', 'edts', 'mdia', 'minf', 'stbl', 'udta'].includes(type)) walk(body);
        at += size;
      }
    };
    walk(moov);
  }

  result(): Mp4ProbeResult {
    if (this.#fail !== undefined) return { subcode: this.#fail, durationMs: this.#durationMs };
    if (!this.#seenMoov || this.#moov || this.#skip > 0 || this.#header.length) return { subcode: 2207026, durationMs: this.#durationMs };
    return { subcode: undefined, durationMs: this.#durationMs };
  }
}

/**
 * A minimal faststart MP4 (ftyp, moov with mvhd, mdat of `payload`) for tests and demos.
 *
 * @example
 * ```ts
 * const file = minimalMp4(randomBytes(100_000), 12_000);
 * ```
 */
export function minimalMp4(payload: Buffer, durationMs: number, options: { editList?: boolean; mdatFirst?: boolean } = {}): Buffer {
  const box = (type: string, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale
  mvhd.writeUInt32BE(durationMs, 16);
  const trak = options.editList ? [box('trak', box('edts', box('elst', Buffer.alloc(16))))] : [];
  const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1'));
  const moov = box('moov', box('mvhd', mvhd), ...trak);
  const mdat = box('mdat', payload);
  return options.mdatFirst ? Buffer.concat([ftyp, mdat, moov]) : Buffer.concat([ftyp, moov, mdat]);
}
