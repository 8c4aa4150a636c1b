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

  /**
   * Sends a form (a folder upload) with XMLHttpRequest, which reports upload progress (fetch does not);
   * `onProgress` hears the bytes sent so far and the total.
   */
  upload<T>(path: string, form: FormData, onProgress: (sent: number, total: number) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.setRequestHeader('accept', 'application/json');
      if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
      xhr.onerror = () => reject(new ApiError(0, 'the upload failed: the connection to the server was lost'));
      xhr.onabort = () => reject(new ApiError(0, 'the upload was cancelled'));
      xhr.onload = () => {
        let data: { detail?: string; hint?: string; code?: string } = {};
        try {
          data = JSON.parse(xhr.responseText) as typeof data;
        } catch {
          // Not JSON: the status says it.
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
        else {
          const detail = data.detail ?? `POST ${path} answered ${xhr.status}`;
          reject(new ApiError(xhr.status, data.hint ? `${detail}. ${data.hint}` : detail, data.code));
        }
      };
      xhr.send(form);
    });
  },

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
