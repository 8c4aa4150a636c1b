import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

/** Bytes that sniff as MP4 (an `ftyp` box at offset 4), padded to `size`. */
export function mp4Bytes(size = 4096, seed = 1): Buffer {
  const buf = Buffer.alloc(size);
  buf.writeUInt32BE(24, 0);
  buf.write('ftypisom', 4, 'latin1');
  for (let i = 24; i < size; i++) buf[i] = (i * 31 + seed * 7) & 0xff;
  return buf;
}

/** Bytes that sniff as JPEG. */
export function jpegBytes(size = 2048): Buffer {
  const buf = Buffer.alloc(size, 0x11);
  buf[0] = 0xff;
  buf[1] = 0xd8;
  buf[2] = 0xff;
  return buf;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A temp dir with helpers to write fixture files. */
export async function fixtureDir(): Promise<{ dir: string; file(name: string, bytes: Buffer): Promise<string>; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'clipcast-postiz-test-'));
  return {
    dir,
    async file(name, bytes) {
      const p = join(dir, name);
      await writeFile(p, bytes);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A raw HTTP call (for what the client deliberately never sends). */
export async function raw(
  url: string,
  init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown; text: string }> {
  const res = await request(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, json, text };
}

/** A multipart body with the given parts (small, for limit tests). */
export function multipart(parts: { name: string; filename?: string; data: Buffer }[]): { body: Buffer; contentType: string } {
  const boundary = 'testboundary123';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n\r\n`), p.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Complete TikTok settings as the server requires them. */
export const TIKTOK_SETTINGS = {
  privacy_level: 'SELF_ONLY', duet: false, stitch: false, comment: true, autoAddMusic: 'no',
  brand_content_toggle: false, brand_organic_toggle: false, content_posting_method: 'DIRECT_POST',
};
