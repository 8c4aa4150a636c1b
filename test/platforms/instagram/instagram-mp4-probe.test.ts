import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { minimalMp4, Mp4Probe } from '../../../src/sandbox/instagram/instagram-emulator-mp4.js';

function probe(data: Buffer, chunk: number) {
  const p = new Mp4Probe();
  for (let i = 0; i < data.length; i += chunk) p.push(data.subarray(i, i + chunk));
  return p.result();
}

describe('Mp4Probe', () => {
  const good = minimalMp4(randomBytes(5000), 12_345);
  it.each([1, 7, 16, 4096, 1 << 20])('reads the duration of a faststart MP4 in %i-byte chunks', (chunk) => {
    expect(probe(good, chunk)).toEqual({ subcode: undefined, durationMs: 12_345 });
  });
  it('refuses mdat before moov, edit lists, truncation and non-MP4 bytes', () => {
    expect(probe(minimalMp4(randomBytes(100), 5000, { mdatFirst: true }), 13).subcode).toBe(2207026);
    expect(probe(minimalMp4(randomBytes(100), 5000, { editList: true }), 13).subcode).toBe(2207026);
    expect(probe(good.subarray(0, good.length - 10), 64).subcode).toBe(2207026);
    expect(probe(randomBytes(4096), 512).subcode).toBe(2207026);
  });
});
