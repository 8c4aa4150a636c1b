import { createHmac, timingSafeEqual } from 'node:crypto';

/** Options of {@link MediaUrlSigner}. */
export interface MediaUrlSignerOptions {
  /** HMAC key (at least 32 bytes). Shells read it from the secrets store; never logged. */
  secret: string | Buffer;
  /** Public base URL clipcast is reachable at, e.g. `https://clips.example.com` (shells take it from `CLIPCAST_PUBLIC_URL`). */
  publicBaseUrl: string;
  /** Path the media handler is mounted at. Default `/media/`. */
  pathPrefix?: string;
}

/** Why a signed URL was refused. */
export type SignedUrlCheck = { ok: true; key: string; expiresAt: number } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/**
 * Signs and verifies expiring media URLs: `HMAC-SHA256(key "\n" expiresAt)` over a media key (a store
 * path or a sha256), checked in constant time.
 *
 * @example
 * ```ts
 * const signer = new MediaUrlSigner({ secret, publicBaseUrl: 'https://clips.example.com' });
 * const url = signer.sign(media.sha256, clock.now() + 6 * 3_600_000);
 * signer.verify(new URL(url), clock.now()); // { ok: true, key, expiresAt }
 * ```
 */
export class MediaUrlSigner {
  readonly #secret: Buffer;
  readonly #base: string;
  readonly pathPrefix: string;

  constructor(options: MediaUrlSignerOptions) {
    this.#secret = Buffer.isBuffer(options.secret) ? options.secret : Buffer.from(options.secret, 'utf8');
    if (this.#secret.length < 32) throw new Error('media URL secret must be at least 32 bytes');
    this.#base = options.publicBaseUrl.replace(/\/+$/, '');
    const prefix = options.pathPrefix ?? '/media/';
    this.pathPrefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
  }

  /** The public URL of `key`, valid until `expiresAt` (ms since epoch). */
  sign(key: string, expiresAt: number): string {
    if (!key || key.includes('\n')) throw new Error('media key must be a non-empty single line');
    const exp = Math.floor(expiresAt);
    return `${this.#base}${this.pathPrefix}${encodeURIComponent(key)}?exp=${exp}&sig=${this.#mac(key, exp).toString('base64url')}`;
  }

  /** Checks a request URL (path + query) at time `now`. */
  verify(url: URL | string, now: number): SignedUrlCheck {
    const u = typeof url === 'string' ? new URL(url, 'http://local') : url;
    if (!u.pathname.startsWith(this.pathPrefix)) return { ok: false, reason: 'malformed' };
    let key: string;
    try {
      key = decodeURIComponent(u.pathname.slice(this.pathPrefix.length));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const expText = u.searchParams.get('exp') ?? '';
    const sig = u.searchParams.get('sig') ?? '';
    if (!key || !/^\d{1,16}$/.test(expText) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return { ok: false, reason: 'malformed' };
    const exp = Number(expText);
    const given = Buffer.from(sig, 'base64url');
    const expected = this.#mac(key, exp);
    // Constant-time compare first, then expiry, so timing says nothing about the signature.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
    if (now >= exp) return { ok: false, reason: 'expired' };
    return { ok: true, key, expiresAt: exp };
  }

  #mac(key: string, exp: number): Buffer {
    return createHmac('sha256', this.#secret).update(`${key}\n${exp}`).digest();
  }
}
