import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyFileStamp, readKeySource, type KeyMap, type KeySource } from './key-source.js';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;

/**
 * AES-256-GCM envelopes for credentials at rest: `v1.<keyVersion>.<nonce>.<ciphertext+tag>` (base64url),
 * with associated data binding each envelope to its owner (e.g. the account id) and key version, so a
 * blob copied to another row does not decrypt. The key version is the envelope's key id: a key ring
 * holds several versions while a rotation runs (secrets/rotate-keys.ts); the newest encrypts.
 *
 * @example
 * ```ts
 * const box = new SecretBox({ 1: key });
 * const blob = box.encrypt(JSON.stringify(creds), `account:${id}`);
 * JSON.parse(box.decrypt(blob, `account:${id}`));
 * ```
 */
export class SecretBox {
  #keys: KeyMap;
  #current: number;
  readonly #reload: ((force: boolean) => KeyMap | undefined) | undefined;

  /**
   * @param reload - asked before encrypting (`force` false: only when the source changed) and when an
   * envelope names a version not loaded (`force` true), so a long-running worker follows a rotation.
   */
  constructor(keys: Record<number, Buffer> | KeyMap, reload?: (force: boolean) => KeyMap | undefined) {
    this.#keys = new Map();
    this.#current = 0;
    this.#reload = reload;
    this.#set(keys instanceof Map ? keys : new Map(Object.entries(keys).map(([v, k]) => [Number(v), k])));
  }

  /** The version new envelopes are made with (the newest loaded). */
  get currentVersion(): number {
    return this.#current;
  }

  /** The loaded versions, newest first. */
  get versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => b - a);
  }

  /** The key of a version (for fingerprints and the key file; never print it). */
  keyOf(version: number): Buffer | undefined {
    return this.#keys.get(version);
  }

  /** Re-reads the key source now (after a rotation changed it). */
  reload(): void {
    const keys = this.#reload?.(true);
    if (keys) this.#set(keys);
  }

  encrypt(plaintext: string, associatedData: string): string {
    const fresh = this.#reload?.(false);
    if (fresh) this.#set(fresh);
    const version = this.#current;
    const key = this.#keys.get(version)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, nonce);
    cipher.setAAD(Buffer.from(`${associatedData}|v${version}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${version}.${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(envelope: string, associatedData: string): string {
    const parts = envelope.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') throw new Error('not a clipcast secret envelope');
    const version = Number(parts[1]);
    if (!this.#keys.has(version)) this.reload();
    const key = this.#keys.get(version);
    if (!key) throw new Error(`credentials were encrypted with key version ${version}, which is not loaded`);
    const nonce = Buffer.from(parts[2]!, 'base64url');
    const body = Buffer.from(parts[3]!, 'base64url');
    const decipher = createDecipheriv(ALGORITHM, key, nonce);
    decipher.setAAD(Buffer.from(`${associatedData}|v${version}`));
    decipher.setAuthTag(body.subarray(body.length - 16));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new Error(
        'credentials could not be decrypted: wrong secret key (CLIPCAST_SECRET_KEY or key file) or tampered data',
      );
    }
  }

  /** The key version an envelope was made with. */
  static versionOf(envelope: string): number {
    return Number(envelope.split('.')[1]);
  }

  #set(keys: KeyMap): void {
    if (!keys.size) throw new Error('no secret key loaded');
    for (const [v, k] of keys)
      if (k.length !== 32) throw new Error(`secret key version ${v} must be 32 bytes, got ${k.length}`);
    this.#keys = new Map(keys);
    this.#current = Math.max(...keys.keys());
  }
}

/**
 * A SecretBox over a key source that follows it: the key file is re-read when it changes (a rotation
 * rewrote it), the environment when asked. Does not create a key: see secrets/key-check.ts.
 */
export function secretBoxFrom(source: KeySource, envValue?: string): SecretBox {
  let stamp = source.kind === 'file' ? keyFileStamp(source.path!) : '';
  const reload = (force: boolean): KeyMap | undefined => {
    if (source.kind === 'env') return force ? readKeySource(source, envValue) : undefined;
    const now = keyFileStamp(source.path!);
    if (!force && now === stamp) return undefined;
    stamp = now;
    const keys = readKeySource(source);
    return keys.size ? keys : undefined;
  };
  return new SecretBox(readKeySource(source, envValue), reload);
}
