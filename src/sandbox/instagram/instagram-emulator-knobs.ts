import type { EmulatorRequest, EmulatorResponse, EmulatorServer } from '../emulator-server.js';
import type { VersionPolicy } from './instagram-emulator-graph.js';
import type { EmulatedAccount, EmulatedToken, Flavour, InstagramEmulatorState } from './instagram-emulator-state.js';

/**
 * The emulator's settings, mutable at run time (tests flip them between steps). Defaults in
 * {@link defaultKnobs}.
 */
export interface InstagramEmulatorKnobs {
  /** Time from "bytes complete" to FINISHED/ERROR, on the injected clock. Default 30 s. */
  processingMs: number;
  /** Enforce the publishing quota, the 400-containers cap, the BUC budget and the 300 MB cap. Default true. */
  limits: boolean;
  /** Publishing quota per rolling 24 h (`config.quota_total`). Default 100 (§6.1; 50 in older pages). */
  quotaTotal: number;
  /** Graph calls per account per rolling 24 h before 80002 (BUC budget). Default 4800. */
  callBudget: number;
  /** Forces the BUC `call_count` percentage reported (and throttles at ≥100) when set. */
  usageOverridePct: number | undefined;
  /** Code for a refresh attempted before the token is 24 h old (unconfirmed: 190 or 100). Default 100. */
  earlyRefreshCode: 190 | 100;
  /** Shape of the IG code exchange answer: `flat` (observed, numeric user_id) or `wrapped` (documented). */
  codeExchangeShape: 'flat' | 'wrapped';
  /** Retired versions: reject (default) or serve as the oldest available (§1.2, unconfirmed). */
  versionPolicy: VersionPolicy;
  /** Accept `upload_type=resumable` on graph.instagram.com (correction 3 says FB only; unconfirmed). Default false. */
  igLoginResumable: boolean;
  /** URL mode: require the media host to answer a Range request with 206 (observed Meta behaviour). Default true. */
  requireRange: boolean;
  /** Largest reel accepted in bytes when `limits` is on. Default 300 MB. */
  maxVideoBytes: number;
  /** Check the MP4 while it streams in: faststart (`moov` first), no edit lists (2207026), `thumb_offset` within the duration (2207057). Default true. */
  checkMp4: boolean;
  /** The next container created turns ERROR with this subcode once processed. */
  failNextContainerSubcode: number | undefined;
  /** The next rupload request is cut (socket destroyed) after this many body bytes, which the emulator keeps. */
  interruptNextUploadAfter: number | undefined;
}

/** Default knobs (see {@link InstagramEmulatorKnobs}). */
export function defaultKnobs(): InstagramEmulatorKnobs {
  return {
    processingMs: 30_000,
    limits: true,
    quotaTotal: 100,
    callBudget: 4800,
    usageOverridePct: undefined,
    earlyRefreshCode: 100,
    codeExchangeShape: 'flat',
    versionPolicy: 'reject',
    igLoginResumable: false,
    requireRange: true,
    maxVideoBytes: 300 * 1024 * 1024,
    checkMp4: true,
    failNextContainerSubcode: undefined,
    interruptNextUploadAfter: undefined,
  };
}

/** The registered apps (client ids and secrets) the emulator knows. */
export interface EmulatedApps {
  instagram: { clientId: string; clientSecret: string; redirectUris: string[] };
  facebook: { clientId: string; clientSecret: string; redirectUris: string[] };
}

/** An authenticated Graph call as a route handler sees it. */
export interface GraphCall {
  req: EmulatorRequest;
  params: URLSearchParams;
  token: EmulatedToken;
  account: EmulatedAccount;
  flavour: Flavour;
  version: string;
}

/** What the route files need from the emulator. */
export interface RouteDeps {
  server: EmulatorServer;
  state: InstagramEmulatorState;
  knobs: InstagramEmulatorKnobs;
  apps: EmulatedApps;
  /** Base URL of the emulator (after listen). */
  baseUrl(): string;
  /** Registers an authenticated, versioned Graph route on both (or one) flavour prefixes. */
  graph(method: string, pattern: string, handler: (call: GraphCall) => Promise<EmulatorResponse> | EmulatorResponse, flavours?: Flavour[]): void;
  /** Background work (URL downloads) tests can await. */
  track(work: Promise<unknown>): void;
}

/** The path prefix each host is served under (one emulator, distinct prefixes). */
export const HOST_PREFIX = Object.freeze({
  /** graph.instagram.com */
  ig: '/graph.instagram.com',
  /** graph.facebook.com */
  fb: '/graph.facebook.com',
  /** api.instagram.com */
  apiIg: '/api.instagram.com',
  /** rupload.facebook.com */
  rupload: '/rupload.facebook.com',
  /** www.instagram.com (authorize page, permalinks) */
  wwwIg: '/www.instagram.com',
  /** www.facebook.com (login dialog) */
  wwwFb: '/www.facebook.com',
});
