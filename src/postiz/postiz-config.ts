/** The two places the Public API lives: the backend itself, or behind the official image's nginx (`/api`). */
export type PostizBasePath = '/public/v1' | '/api/public/v1';

/**
 * How clipcast reaches a Postiz server. Build it with {@link postizConfig} so every default is applied.
 *
 * @remarks
 * Defaults: `basePath` `'auto'` (probe `/public/v1`, then `/api/public/v1`), `postsPerHour` 30 (the
 * official compose file's `API_LIMIT`; the server's own default is 90), `stuckAfterMs` 15 minutes,
 * `timeoutMs` 30 s, `uploadTimeoutMs` 10 minutes.
 */
export interface PostizConfig {
  /** Server origin as the user gives it, e.g. `http://localhost:4007` or `https://api.postiz.com`. */
  serverUrl: string;
  /** The organization API key (Settings → Developers → Public API), sent raw in `Authorization`. */
  apiKey: string;
  /** Which base path to use, or `'auto'` to detect it with `GET …/is-connected`. */
  basePath: PostizBasePath | 'auto';
  /** The server's `API_LIMIT`: counted `POST /posts` per fixed hour. The pacer never exceeds it. */
  postsPerHour: number;
  /** A post still `QUEUE` this long after its planned time is reported as stuck. */
  stuckAfterMs: number;
  /** Per-request timeout for JSON calls (headers and body). */
  timeoutMs: number;
  /** Timeout for media uploads. */
  uploadTimeoutMs: number;
}

/** The documented defaults of {@link PostizConfig}. */
export const POSTIZ_DEFAULTS = Object.freeze({
  basePath: 'auto' as const,
  postsPerHour: 30,
  stuckAfterMs: 15 * 60_000,
  timeoutMs: 30_000,
  uploadTimeoutMs: 10 * 60_000,
});

/**
 * A full config from the required fields plus overrides. A `serverUrl` that already ends in
 * `/public/v1` or `/api/public/v1` fixes the base path; a trailing `/api` implies `/public/v1` under it.
 *
 * @example
 * ```ts
 * const config = postizConfig({ serverUrl: 'http://localhost:4007', apiKey: key });
 * ```
 */
export function postizConfig(input: Pick<PostizConfig, 'serverUrl' | 'apiKey'> & Partial<PostizConfig>): PostizConfig {
  let serverUrl = input.serverUrl.replace(/\/+$/, '');
  let basePath = input.basePath ?? POSTIZ_DEFAULTS.basePath;
  for (const suffix of ['/api/public/v1', '/public/v1'] as const) {
    if (serverUrl.endsWith(suffix)) {
      serverUrl = serverUrl.slice(0, -suffix.length);
      basePath = suffix;
      break;
    }
  }
  if (basePath === 'auto' && serverUrl.endsWith('/api')) {
    serverUrl = serverUrl.slice(0, -4);
    basePath = '/api/public/v1';
  }
  const postsPerHour = input.postsPerHour ?? POSTIZ_DEFAULTS.postsPerHour;
  if (!Number.isFinite(postsPerHour) || postsPerHour < 1) throw new RangeError('postsPerHour must be a positive number');
  return {
    serverUrl,
    apiKey: input.apiKey,
    basePath,
    postsPerHour,
    stuckAfterMs: input.stuckAfterMs ?? POSTIZ_DEFAULTS.stuckAfterMs,
    timeoutMs: input.timeoutMs ?? POSTIZ_DEFAULTS.timeoutMs,
    uploadTimeoutMs: input.uploadTimeoutMs ?? POSTIZ_DEFAULTS.uploadTimeoutMs,
  };
}

/**
 * A config aimed at a running Postiz emulator.
 *
 * @example
 * ```ts
 * const config = sandboxPostizConfig(emulator.url, emulator.apiKey);
 * ```
 */
export function sandboxPostizConfig(emulatorUrl: string, apiKey: string, overrides: Partial<PostizConfig> = {}): PostizConfig {
  return postizConfig({ serverUrl: emulatorUrl, apiKey, basePath: '/public/v1', ...overrides });
}
