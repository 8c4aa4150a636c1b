import { createHmac, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** Where the secret keys come from: `CLIPCAST_SECRET_KEY`, or the key file. */
export interface KeySource {
  kind: 'env' | 'file';
  /** How messages name it: `CLIPCAST_SECRET_KEY` or the key file's path. */
  name: string;
  /** The key file (kind `file`). */
  path?: string;
}

/** The keys a source holds, by version. */
export type KeyMap = Map<number, Buffer>;

/**
 * Reads the keys of a source: one entry per line (file) or comma (env), each `<version>:<key>` or a bare
 * key (version 1, the format before rotation existed), the key as base64 or hex of 32 bytes. A missing
 * key file gives an empty map (the caller decides whether one may be created). A key file readable by
 * others is refused.
 */
export function readKeySource(source: KeySource, envValue?: string): KeyMap {
  if (source.kind === 'env') return parseKeys(envValue ?? '', source.name, ',');
  const path = source.path!;
  if (!existsSync(path)) return new Map();
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new Error(`secret key file ${path} is readable by other users; run: chmod 600 ${path}`);
  }
  return parseKeys(readFileSync(path, 'utf8'), path, '\n');
}

/** A stamp that changes when the key file is rewritten (rename gives a new inode), for cheap reload checks. */
export function keyFileStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
}

/**
 * Writes the key file atomically and durably: a 0600 temp file, fsync, rename over the old one, fsync of
 * the directory. A crash leaves either the old file or the new one, never a torn one.
 */
export function writeKeyFile(path: string, keys: KeyMap): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const lines = [...keys.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([v, k]) => `${v}:${k.toString('base64')}`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${lines.join('\n')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Creates the first key file (version 1), exclusively: when two processes start on a new data dir at
 * once, one creates it and both read that one.
 */
export function createKeyFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `1:${newKey().toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** A new random 32-byte key. */
export function newKey(): Buffer {
  return randomBytes(32);
}

/**
 * The fingerprint stored with the data: 16 hex digits of an HMAC under the key itself, so it names a key
 * without revealing anything about it.
 */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('clipcast secret key fingerprint v1').digest('hex').slice(0, 16);
}

function parseKeys(text: string, source: string, separator: string): KeyMap {
  const keys: KeyMap = new Map();
  for (const raw of text.split(separator)) {
    const entry = raw.trim();
    if (!entry || entry.startsWith('#')) continue;
    const m = /^(\d+):(.+)$/.exec(entry);
    const version = m ? Number(m[1]) : 1;
    if (!Number.isSafeInteger(version) || version < 1)
      throw new Error(`${source} has a key with version ${m?.[1]}; versions are 1, 2, …`);
    if (keys.has(version)) throw new Error(`${source} holds two keys of version ${version}`);
    keys.set(version, parseKey(m ? m[2]! : entry, source));
  }
  return keys;
}

function parseKey(text: string, source: string): Buffer {
  const hex = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : undefined;
  const key = hex ?? Buffer.from(text, 'base64');
  if (key.length !== 32)
    throw new Error(`${source} must hold 32 random bytes as base64 or hex (e.g. openssl rand -base64 32)`);
  return key;
}
