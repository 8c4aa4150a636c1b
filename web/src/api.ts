/**
 * The dashboard's HTTP client. Authentication is the HttpOnly session cookie the browser sends by
 * itself; the CSRF token is held in memory only (fetched from GET /session) and sent on every change.
 * No key, token or secret is written to localStorage, sessionStorage or IndexedDB.
 */
let csrfToken: string | undefined;

/** An API refusal, with the server's sentence (problem+json `detail`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { detail?: string; code?: string };
  if (!res.ok)
    throw new ApiError(res.status, data.detail ?? `${method} ${path} answered ${res.status}`, data.code);
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  del: <T>(path: string) => call<T>('DELETE', path),

  /** Reads the session; keeps its CSRF token in memory. */
  async session(): Promise<{ signedIn: boolean; keyName?: string }> {
    const s = await call<{ signedIn: boolean; keyName?: string; csrfToken?: string }>('GET', '/session');
    csrfToken = s.csrfToken;
    return s;
  },
  /** Exchanges the key for a session cookie; the key is not kept anywhere afterwards. */
  async signIn(key: string): Promise<{ signedIn: boolean; keyName?: string }> {
    const s = await call<{ signedIn: boolean; keyName?: string; csrfToken?: string }>('POST', '/session', {
      key,
    });
    csrfToken = s.csrfToken;
    return s;
  },
  async signOut(): Promise<void> {
    await call('DELETE', '/session');
    csrfToken = undefined;
  },
};
