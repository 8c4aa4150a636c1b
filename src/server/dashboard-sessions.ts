import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { HttpProblem } from './problem.js';

/** Name of the dashboard's session cookie. */
export const SESSION_COOKIE = 'clipcast_session';

/** Header a cookie-authenticated mutation must carry, holding the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

/** One signed-in browser: which API key it was opened with, and its CSRF token. */
export interface DashboardSession {
  keyId: string;
  keyName: string;
  csrfToken: string;
  expiresAt: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Dashboard sessions, kept in memory: an API key is exchanged once (`POST /session`) for a random session
 * id sent back as an HttpOnly, SameSite=Strict cookie; the browser never holds the key. Only the sha256
 * of each session id is kept, so a heap dump does not yield live cookies. A restart signs everyone out
 * (sign in again with the key). Sessions slide: each use extends them by `ttlMs`.
 *
 * @example
 * ```ts
 * const sessions = new DashboardSessions(clock);
 * const { id, session } = sessions.open({ id: 'key_1', name: 'laptop' });
 * reply.header('set-cookie', sessions.cookie(id, { secure: false }));
 * ```
 */
export class DashboardSessions {
  readonly #byHash = new Map<string, DashboardSession>();

  constructor(
    private readonly clock: Clock,
    /** Idle lifetime of a session. Default 12 h. */
    readonly ttlMs = 12 * 3_600_000,
  ) {}

  /** Opens a session for a verified key; returns the cookie value (shown once) and the session. */
  open(key: { id: string; name: string }): { id: string; session: DashboardSession } {
    this.#sweep();
    const id = randomBytes(32).toString('base64url');
    const session = {
      keyId: key.id,
      keyName: key.name,
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: this.clock.now() + this.ttlMs,
    };
    this.#byHash.set(hash(id), session);
    return { id, session };
  }

  /** The live session of a request's cookie, extended; undefined when absent or expired. */
  fromRequest(request: FastifyRequest): DashboardSession | undefined {
    const id = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!id) return undefined;
    const session = this.#byHash.get(hash(id));
    if (!session) return undefined;
    const now = this.clock.now();
    if (session.expiresAt <= now) {
      this.#byHash.delete(hash(id));
      return undefined;
    }
    session.expiresAt = now + this.ttlMs;
    return session;
  }

  /** Ends the request's session (sign-out); true when there was one. */
  close(request: FastifyRequest): boolean {
    const id = readCookie(request.headers.cookie, SESSION_COOKIE);
    return id ? this.#byHash.delete(hash(id)) : false;
  }

  /** Ends every session opened with a key (after it is revoked). */
  closeKey(keyId: string): void {
    for (const [h, s] of this.#byHash) if (s.keyId === keyId) this.#byHash.delete(h);
  }

  /**
   * Throws 403 unless a mutation carries the session's CSRF token in {@link CSRF_HEADER}. SameSite=Strict
   * already keeps the cookie off cross-site requests; the token also stops same-site forms and old browsers.
   */
  checkCsrf(request: FastifyRequest, session: DashboardSession): void {
    if (SAFE_METHODS.has(request.method)) return;
    const sent = request.headers[CSRF_HEADER];
    const given = Buffer.from(typeof sent === 'string' ? sent : '');
    const wanted = Buffer.from(session.csrfToken);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new HttpProblem(
        403,
        'csrf-token-missing',
        `a signed-in browser must send its ${CSRF_HEADER} header with every change`,
        { hint: 'reload the dashboard to get a fresh token' },
      );
    }
  }

  /** The `Set-Cookie` value that stores a session id (HttpOnly, SameSite=Strict, Secure behind https). */
  cookie(id: string, options: { secure: boolean }): string {
    return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(this.ttlMs / 1000)}${options.secure ? '; Secure' : ''}`;
  }

  /** The `Set-Cookie` value that deletes the session cookie. */
  clearedCookie(options: { secure: boolean }): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${options.secure ? '; Secure' : ''}`;
  }

  #sweep(): void {
    const now = this.clock.now();
    for (const [h, s] of this.#byHash) if (s.expiresAt <= now) this.#byHash.delete(h);
  }
}

function hash(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
