import { readdir, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiveMultipart, sniffMedia } from '../../src/sandbox/postiz/postiz-multipart.js';
import { fixtureDir, jpegBytes, mp4Bytes, multipart, sha256 } from './postiz-fixtures.js';

let fx: Awaited<ReturnType<typeof fixtureDir>>;
beforeEach(async () => (fx = await fixtureDir()));
afterEach(() => fx.cleanup());

/** Feeds `body` in chunks of `size` bytes, so delimiters straddle chunk edges. */
const chunked = (body: Buffer, size: number) =>
  Readable.from((function* () {
    for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
  })());

describe('postiz multipart parser', () => {
  it('keeps the file part exact whatever the chunking, even with boundary-like bytes inside', async () => {
    const data = Buffer.concat([mp4Bytes(5000), Buffer.from('\r\n--testboundary12\r\n--testboundar'), mp4Bytes(3000, 2)]);
    const { body, contentType } = multipart([{ name: 'title', data: Buffer.from('hello') }, { name: 'file', filename: 'x.mp4', data }]);
    for (const size of [1, 7, 64, 4096, body.length]) {
      const { file, fields } = await receiveMultipart(chunked(body, size), contentType, { fileField: 'file', maxBytes: 1 << 20, dir: fx.dir });
      expect(fields).toEqual({ title: 'hello' });
      expect(file).toMatchObject({ field: 'file', filename: 'x.mp4', size: data.length, sha256: sha256(data), oversize: false });
      expect(sha256(await readFile(file!.tempPath!))).toBe(sha256(data));
    }
  });

  it('stops keeping bytes past maxBytes but still counts them, and rejects a truncated body', async () => {
    const { body, contentType } = multipart([{ name: 'file', filename: 'x.mp4', data: mp4Bytes(10_000) }]);
    const { file } = await receiveMultipart(chunked(body, 1000), contentType, { fileField: 'file', maxBytes: 4000, dir: fx.dir });
    expect(file).toMatchObject({ size: 10_000, oversize: true });
    await expect(receiveMultipart(chunked(body.subarray(0, 5000), 1000), contentType, { fileField: 'file', maxBytes: 1e6, dir: fx.dir }))
      .rejects.toThrow('ended early');
    expect((await readdir(fx.dir)).filter((f) => f.endsWith('.part'))).toHaveLength(1); // only the first (complete) one
    await expect(receiveMultipart(chunked(body, 1000), 'application/json', { fileField: 'file', maxBytes: 1e6, dir: fx.dir })).rejects.toThrow('not multipart');
  });

  it('sniffs the types Postiz accepts from magic bytes', () => {
    expect(sniffMedia(mp4Bytes(32))?.mime).toBe('video/mp4');
    expect(sniffMedia(jpegBytes(32))?.ext).toBe('jpg');
    expect(sniffMedia(Buffer.from('\x89PNG\r\n\x1a\n0000', 'latin1'))?.ext).toBe('png');
    expect(sniffMedia(Buffer.from('GIF89a000000', 'latin1'))?.ext).toBe('gif');
    expect(sniffMedia(Buffer.from('RIFF0000WEBPVP8 ', 'latin1'))?.ext).toBe('webp');
    expect(sniffMedia(Buffer.from('0000ftypavif0000', 'latin1'))?.ext).toBe('avif');
    expect(sniffMedia(Buffer.from('0000ftypqt  0000', 'latin1'))).toBeUndefined();
    expect(sniffMedia(Buffer.from('%PDF-1.7 000000', 'latin1'))).toBeUndefined();
  });
});
