import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;

/**
 * AES-256-GCM envelopes for credentials at rest: `v1.<keyVersion>.<nonce>.<ciphertext+tag>` (base64url),
 * with associated data binding each envelope to its owner (e.g. the account id), so a blob copied to
 * another row does not decrypt.
 *
 * @example
 * ```ts
 * const box = new SecretBox({ 1: key });
 * const blob = box.encrypt(JSON.stringify(creds), `account:${id}`);
 * JSON.parse(box.decrypt(blob, `account:${id}`));
 * ```
 */
export class SecretBox {
  readonly #keys: Map<number, Buffer>;
  readonly currentVersion: number;

  constructor(keys: Record<number, Buffer>, currentVersion?: number) {
    this.#keys = new Map(Object.entries(keys).map(([v, k]) => [Number(v), k]));
    for (const [v, k] of this.#keys) if (k.length !== 32) throw new Error(`secret key version ${v} must be 32 bytes, got ${k.length}`);
    this.currentVersion = currentVersion ?? Math.max(...this.#keys.keys());
    if (!this.#keys.has(this.currentVersion)) throw new Error(`no secret key of version ${this.currentVersion}`);
  }

  encrypt(plaintext: string, associatedData: string): string {
    const key = this.#keys.get(this.currentVersion)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, nonce);
    cipher.setAAD(Buffer.from(`${associatedData}|v${this.currentVersion}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${this.currentVersion}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(envelope: string, associatedData: string): string {
    const parts = envelope.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') throw new Error('not a clipcast secret envelope');
    const version = Number(parts[1]);
    const key = this.#keys.get(version);
    if (!key) throw new Error(`credentials were encrypted with key version ${version}, which is not loaded`);
    const nonce = Buffer.from(parts[2]!, 'base64url');
    const body = Buffer.from(parts[3]!, 'base64url');
    const decipher = createDecipheriv(ALGORITHM, key, nonce);
    decipher.setAAD(Buffer.from(`${associatedData}|v${version}`));
    decipher.setAuthTag(body.subarray(body.length - 16));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('credentials could not be decrypted: wrong secret key (CLIPCAST_SECRET_KEY or key file) or tampered data');
    }
  }

  /** The key version an envelope was made with. */
  static versionOf(envelope: string): number {
    return Number(envelope.split('.')[1]);
  }
}

/**
 * Loads the secret key: `envKey` (base64 or hex of 32 bytes, from CLIPCAST_SECRET_KEY) when given,
 * else the key file, created with mode 0600 on first use. A key file readable by others is refused.
 */
export function loadSecretBox(options: { envKey?: string; keyFile: string }): SecretBox {
  if (options.envKey) return new SecretBox({ 1: parseKey(options.envKey, 'CLIPCAST_SECRET_KEY') });
  if (!existsSync(options.keyFile)) {
    mkdirSync(dirname(options.keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(options.keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const mode = statSync(options.keyFile).mode & 0o077;
  if (mode !== 0) {
    throw new Error(`secret key file ${options.keyFile} is readable by other users; run: chmod 600 ${options.keyFile}`);
  }
  chmodSync(options.keyFile, 0o600);
  return new SecretBox({ 1: parseKey(readFileSync(options.keyFile, 'utf8').trim(), options.keyFile) });
}

function parseKey(text: string, source: string): Buffer {
  const hex = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : undefined;
  const key = hex ?? Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${source} must hold 32 random bytes as base64 or hex (e.g. openssl rand -base64 32)`);
  return key;
}
