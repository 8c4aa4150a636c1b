import { randomBytes } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../emulator-server.js';
import type { EmulatedToken, Flavour, InstagramEmulatorState } from './instagram-emulator-state.js';

/**
 * Graph API versions and the day each stops being callable (reference §1.2 and correction 6: a
 * closed list). `undefined` = not yet announced.
 */
export const GRAPH_VERSIONS: Readonly<Record<string, string | undefined>> = Object.freeze({
  'v18.0': '2026-01-26',
  'v19.0': '2026-05-21',
  'v20.0': '2026-09-24',
  'v21.0': '2027-01-21',
  'v22.0': '2027-05-20',
  'v23.0': '2027-10-08',
  'v24.0': '2028-02-18',
  'v25.0': '2028-07-29',
  'v26.0': undefined,
});

/**
 * A Graph error envelope (§7.1).
 *
 * @example
 * ```ts
 * return graphError(400, 9007, 'Media ID is not available', 2207027);
 * ```
 */
export function graphError(status: number, code: number, message: string, subcode?: number, extra: Record<string, unknown> = {}): EmulatorResponse {
  return {
    status,
    headers: { 'x-fb-trace-id': randomBytes(6).toString('base64url') },
    body: {
      error: {
        message: message.startsWith('(#') || code === 190 ? message : `(#${code}) ${message}`,
        type: 'OAuthException',
        code,
        ...(subcode !== undefined ? { error_subcode: subcode } : {}),
        is_transient: code === 1 || code === 2 || code === -1 || code === -2,
        ...extra,
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    },
  };
}

/** Thrown inside route code to answer a Graph error. */
export class GraphFailure extends Error {
  constructor(readonly response: EmulatorResponse) {
    super('graph failure');
  }
}

/** How versions are checked. `reject`: retired and unknown versions get an error; `serve-oldest`: retired ones are served (§1.2 unconfirmed reading). */
export type VersionPolicy = 'reject' | 'serve-oldest';

/** Checks the `/vNN.N/` segment against {@link GRAPH_VERSIONS} at the emulator's clock time. */
export function checkVersion(version: string | undefined, now: number, policy: VersionPolicy): void {
  if (version === undefined) return;
  if (!(version in GRAPH_VERSIONS)) {
    throw new GraphFailure(graphError(400, 2500, `Unknown path components: /${version}`));
  }
  const until = GRAPH_VERSIONS[version];
  if (until && now >= Date.parse(`${until}T00:00:00Z`) && policy === 'reject') {
    // Meta's wording for calls to a retired version; the code is the emulator's choice (unconfirmed).
    throw new GraphFailure(graphError(400, 12, `(#12) Graph API ${version} is deprecated and no longer available (ended ${until})`));
  }
}

/** All parameters of a Graph request: query, then form or JSON body (§1.3). */
export async function graphParams(req: EmulatorRequest): Promise<URLSearchParams> {
  const params = new URLSearchParams(req.url.search);
  if (req.method === 'GET' || req.method === 'DELETE') return params;
  const type = String(req.headers['content-type'] ?? '');
  const raw = await req.body(1024 * 1024);
  if (!raw.length) return params;
  if (type.includes('application/json')) {
    const obj = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) params.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  } else {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) params.set(k, v);
  }
  return params;
}

/** Token from `access_token`, `Authorization: Bearer` or `Authorization: OAuth` (§1.3). */
export function tokenOf(req: EmulatorRequest, params: URLSearchParams): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header);
    if (m) return m[1]!.trim();
  }
  return params.get('access_token') ?? undefined;
}

/**
 * Authenticates a Graph call: 190 (no subcode) for unknown or wrong-host tokens, 190/463 expired,
 * 190/467 revoked.
 */
export function authenticate(state: InstagramEmulatorState, flavour: Flavour, value: string | undefined): EmulatedToken {
  if (!value) throw new GraphFailure(graphError(400, 2500, 'An active access token must be used to query information about the current user.'));
  const token = state.tokens.get(value);
  if (!token || token.flavour !== flavour) {
    throw new GraphFailure(invalidToken('Invalid OAuth access token - Cannot parse access token'));
  }
  if (token.revoked) throw new GraphFailure(invalidToken('Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', 467));
  if (token.expiresAt !== 0 && state.clock.now() >= token.expiresAt) {
    throw new GraphFailure(invalidToken(`Error validating access token: Session has expired on ${new Date(token.expiresAt).toUTCString()}.`, 463));
  }
  return token;
}

function invalidToken(message: string, subcode?: number): EmulatorResponse {
  const res = graphError(400, 190, message, subcode);
  res.headers = { ...res.headers, 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` };
  return res;
}

/** Percentages for the usage headers (§6.2). */
export interface UsageFigures {
  callPct: number;
  appPct: number;
  regainMinutes: number;
}

/** The `X-App-Usage` and `X-Business-Use-Case-Usage` headers for an account. */
export function usageHeaders(igUserId: string, usage: UsageFigures): Record<string, string> {
  const pct = Math.min(100, Math.round(usage.callPct));
  return {
    'x-app-usage': JSON.stringify({ call_count: Math.min(100, Math.round(usage.appPct)), total_time: Math.round(pct / 2), total_cputime: Math.round(pct / 2) }),
    'x-business-use-case-usage': JSON.stringify({
      [igUserId]: [{ type: 'instagram', call_count: pct, total_cputime: Math.round(pct / 3), total_time: Math.round(pct / 3), estimated_time_to_regain_access: usage.regainMinutes }],
    }),
  };
}
