import type { Clock } from '../../core/clock.js';

/** Token lifetime profiles of TikTok's two documented revisions (reference §2.6, §18.1). */
export const TOKEN_PROFILES = {
  /** Newest revision (Nov 2026), the default: 2 h access, 180 days refresh, rotated on every refresh. */
  newest: { accessTtlSec: 7_200, refreshTtlSec: 15_552_000 },
  /** Older revision, still served and seen in real responses: 24 h access, 365 days refresh. */
  older: { accessTtlSec: 86_400, refreshTtlSec: 31_536_000 },
} as const;

/**
 * Knobs of the TikTok emulator. Every field is optional; defaults are faithful to the reference
 * (`docs/reference/tiktok.md`) unless stated.
 *
 * @example
 * ```ts
 * const emulator = await createTikTokEmulator({ clock, processingMs: 0, audited: false });
 * ```
 */
export interface TikTokEmulatorOptions {
  clock?: Clock;
  port?: number;
  host?: string;
  /** The app's client key. Default `sbx_clipcast_key`. */
  clientKey?: string;
  /** The app's client secret (also the webhook signing key). Default `sbx_clipcast_secret`. */
  clientSecret?: string;
  /**
   * Registered redirect URIs (desktop rules: http(s), localhost or 127.0.0.1, explicit port, `*` allowed
   * as the port). Default `http://127.0.0.1:*\/callback/`, `http://localhost:*\/callback/`.
   */
  redirectUris?: string[];
  /** Desktop app: PKCE required at authorize. Default true (a challenge, when given, is always checked). */
  requirePkce?: boolean;
  /** Lifetime profile. Default `newest` (7200 / 15552000). */
  tokenProfile?: keyof typeof TOKEN_PROFILES;
  /** Overrides the profile's access token lifetime (seconds), e.g. very short for tests. */
  accessTtlSec?: number;
  /** Overrides the profile's refresh token lifetime (seconds). */
  refreshTtlSec?: number;
  /** Authorization code lifetime (seconds; unconfirmed, commonly ~5 min). Default 300. */
  codeTtlSec?: number;
  /** Refresh tokens rotate (old one dies). Default true; false returns the same value (older revision). */
  rotateRefreshTokens?: boolean;
  /** HTTP status of OAuth error answers (undocumented; 200 and 4xx both reported). Default 400. */
  oauthErrorStatus?: number;
  /** Error for a redirect_uri mismatch at the token endpoint (pages disagree, §18.3). Default `invalid_request`. */
  redirectMismatchError?: 'invalid_request' | 'invalid_grant';
  /** Send `authorization.removed` (reason 5) after a revoke (unconfirmed). Default true. */
  webhookOnRevoke?: boolean;
  /** App passed TikTok's audit. Default true. Unaudited apps may only post SELF_ONLY, 5 users / 24 h. */
  audited?: boolean;
  /** Unaudited app: also refuse creators with public accounts (sources disagree). Default false. */
  unauditedRejectPublicAccounts?: boolean;
  /** Enforce rate limits and posting caps. Default true; false for throughput benches. */
  limits?: boolean;
  /** Per-token per-minute limits. Defaults 6 (init), 20 (creator_info), 30 (status). */
  rateLimits?: { init?: number; creatorInfo?: number; status?: number };
  /** Send `Retry-After` on 429 (undocumented whether TikTok does). Default true. */
  retryAfterOnRateLimit?: boolean;
  /** Direct posts per creator per 24 h. Default 15. */
  dailyPostCap?: number;
  /** Distinct posting creators per app per 24 h. Default unlimited (audited), 5 when unaudited. */
  activeUserCap?: number;
  /** Pending inbox shares per creator per 24 h. Default 5. */
  pendingInboxCap?: number;
  /** Processing time after the last byte (or download), on the injected clock. Default 5000 ms. */
  processingMs?: number;
  /** Delay after PUBLISH_COMPLETE before a public post id appears (moderation). Default 0. */
  moderationMs?: number;
  /** Lifetime of an upload_url. Default 3600 s. */
  uploadUrlTtlSec?: number;
  /** Largest non-final chunk (the "64 MB" reading). Default 64,000,000; 67,108,864 accepted too. */
  maxChunkBytes?: number;
  /** Largest final chunk (the "128 MB" reading). Default 128,000,000. */
  maxFinalChunkBytes?: number;
  /** Check the PUT Content-Type against video/mp4, quicktime, webm (unconfirmed). Default true. */
  checkUploadContentType?: boolean;
  /** Reject a bare `application/json` (the pages say `; charset=UTF-8`; examples omit it). Default false: flagged only. */
  strictJsonContentType?: boolean;
  /** Reject unknown top-level fields (e.g. post_info) on inbox init (unconfirmed). Default false. */
  rejectUnknownInboxFields?: boolean;
  /** Reject brand_content_toggle with SELF_ONLY (unconfirmed). Default false. */
  rejectBrandedPrivate?: boolean;
  /** Verified URL prefixes for PULL_FROM_URL. Default none. */
  verifiedUrlPrefixes?: string[];
  /** Allow http:// and IP hosts for PULL_FROM_URL (TikTok requires https on a name; tests serve http). Default false. */
  allowInsecurePull?: boolean;
  /** Where signed webhooks are POSTed. Default none (no deliveries). */
  webhookUrl?: string;
  /** Delivery attempts after the first failure. Default 3. */
  webhookRetries?: number;
  /** First retry delay (real time, doubled each time). Default 200 ms. */
  webhookRetryBaseMs?: number;
  /** `publish_type` of Direct Post webhooks (unconfirmed). Default `DIRECT_POST`. */
  directPublishType?: string;
  /** Send `post_id` in webhooks as a JSON string (unconfirmed type). Default false: unquoted int64. */
  webhookPostIdAsString?: boolean;
  /**
   * Meaning of N in the upload progress header `bytes 0-N/TOTAL` (documented shape, ambiguous N).
   * `last-index` (default): N is the last byte received (HTTP style); `count`: N is the bytes received.
   */
  progressHeaderStyle?: 'last-index' | 'count';
}

/** {@link TikTokEmulatorOptions} with defaults applied. */
export type ResolvedTikTokOptions = Required<Omit<TikTokEmulatorOptions, 'clock' | 'port' | 'host' | 'webhookUrl' | 'rateLimits'>> & {
  webhookUrl: string | undefined;
  rateLimits: { init: number; creatorInfo: number; status: number };
};

/**
 * Applies the documented defaults.
 *
 * @example
 * ```ts
 * resolveTikTokOptions({ processingMs: 0 }).accessTtlSec; // 7200
 * ```
 */
export function resolveTikTokOptions(o: TikTokEmulatorOptions): ResolvedTikTokOptions {
  const profile = TOKEN_PROFILES[o.tokenProfile ?? 'newest'];
  const audited = o.audited ?? true;
  return {
    clientKey: o.clientKey ?? 'sbx_clipcast_key',
    clientSecret: o.clientSecret ?? 'sbx_clipcast_secret',
    redirectUris: o.redirectUris ?? ['http://127.0.0.1:*/callback/', 'http://localhost:*/callback/'],
    requirePkce: o.requirePkce ?? true,
    tokenProfile: o.tokenProfile ?? 'newest',
    accessTtlSec: o.accessTtlSec ?? profile.accessTtlSec,
    refreshTtlSec: o.refreshTtlSec ?? profile.refreshTtlSec,
    codeTtlSec: o.codeTtlSec ?? 300,
    rotateRefreshTokens: o.rotateRefreshTokens ?? true,
    oauthErrorStatus: o.oauthErrorStatus ?? 400,
    redirectMismatchError: o.redirectMismatchError ?? 'invalid_request',
    webhookOnRevoke: o.webhookOnRevoke ?? true,
    audited,
    unauditedRejectPublicAccounts: o.unauditedRejectPublicAccounts ?? false,
    limits: o.limits ?? true,
    rateLimits: { init: o.rateLimits?.init ?? 6, creatorInfo: o.rateLimits?.creatorInfo ?? 20, status: o.rateLimits?.status ?? 30 },
    retryAfterOnRateLimit: o.retryAfterOnRateLimit ?? true,
    dailyPostCap: o.dailyPostCap ?? 15,
    activeUserCap: o.activeUserCap ?? (audited ? Number.POSITIVE_INFINITY : 5),
    pendingInboxCap: o.pendingInboxCap ?? 5,
    processingMs: o.processingMs ?? 5_000,
    moderationMs: o.moderationMs ?? 0,
    uploadUrlTtlSec: o.uploadUrlTtlSec ?? 3_600,
    maxChunkBytes: o.maxChunkBytes ?? 64_000_000,
    maxFinalChunkBytes: o.maxFinalChunkBytes ?? 128_000_000,
    checkUploadContentType: o.checkUploadContentType ?? true,
    strictJsonContentType: o.strictJsonContentType ?? false,
    rejectUnknownInboxFields: o.rejectUnknownInboxFields ?? false,
    rejectBrandedPrivate: o.rejectBrandedPrivate ?? false,
    verifiedUrlPrefixes: o.verifiedUrlPrefixes ?? [],
    allowInsecurePull: o.allowInsecurePull ?? false,
    webhookUrl: o.webhookUrl,
    webhookRetries: o.webhookRetries ?? 3,
    webhookRetryBaseMs: o.webhookRetryBaseMs ?? 200,
    directPublishType: o.directPublishType ?? 'DIRECT_POST',
    webhookPostIdAsString: o.webhookPostIdAsString ?? false,
    progressHeaderStyle: o.progressHeaderStyle ?? 'last-index',
  };
}
