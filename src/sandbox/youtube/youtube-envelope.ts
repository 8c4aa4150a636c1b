import type { EmulatorResponse } from '../emulator-server.js';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Options of {@link googleError}. */
export interface GoogleErrorOptions {
  domain?: string;
  location?: string;
  locationType?: string;
  /** Include `error.status` (seen on 401s; optional elsewhere, see reference §9.1). Default: only on 401. */
  withStatus?: boolean;
  headers?: Record<string, string | number>;
}

/**
 * Google's JSON error envelope `{error:{code,message,errors:[{message,domain,reason}],status?}}`.
 *
 * @example
 * ```ts
 * return googleError(403, 'quotaExceeded', 'The request cannot be completed…', { domain: 'youtube.quota' });
 * ```
 */
export function googleError(code: number, reason: string, message: string, options: GoogleErrorOptions = {}): EmulatorResponse {
  const item: Record<string, string> = { message, domain: options.domain ?? 'global', reason };
  if (options.location) item['location'] = options.location;
  if (options.locationType) item['locationType'] = options.locationType;
  const error: Record<string, unknown> = { code, message, errors: [item] };
  if (options.withStatus ?? code === 401) error['status'] = STATUS_NAMES[code] ?? 'UNKNOWN';
  return { status: code, headers: options.headers, body: { error } };
}

/** The OAuth token endpoint's flat error `{error, error_description}`. */
export function oauthError(status: number, error: string, description: string): EmulatorResponse {
  return { status, headers: { 'cache-control': 'no-store' }, body: { error, error_description: description } };
}

/** Messages Google uses for the common reasons (clients never match on them). */
export const MESSAGES = {
  authError:
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  required: 'Login Required.',
  insufficientPermissions: 'Request had insufficient authentication scopes.',
  quotaExceeded:
    'The request cannot be completed because you have exceeded your \u003ca href="/youtube/v3/getting-started#quota"\u003equota\u003c/a\u003e.',
  uploadLimitExceeded: 'The user has exceeded the number of videos they may upload.',
  youtubeSignupRequired: 'Unauthorized',
  videoNotFound: 'The video that you are trying to access cannot be found.',
} as const;
