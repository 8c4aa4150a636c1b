/**
 * TikTok client configuration. Every field but the app credentials has a documented default; base URLs
 * are injectable so the adapter can be aimed at the emulator.
 *
 * @example
 * ```ts
 * const config = tiktokConfig({ clientKey: 'awx…', clientSecret: process.env.TIKTOK_SECRET!, redirectUri: 'http://127.0.0.1:8787/callback/' });
 * ```
 */
export interface TikTokConfig {
  /** App client key (TikTok's client_id). */
  clientKey: string;
  /** App client secret (token calls and webhook signatures). Never logged. */
  clientSecret: string;
  /** Registered redirect URI (desktop: http://127.0.0.1:PORT/...). */
  redirectUri: string;
  /** Scopes asked for. Default `user.info.basic,video.upload,video.publish`. */
  scopes: readonly string[];
  /** Open API base. Default `https://open.tiktokapis.com`. */
  apiBaseUrl: string;
  /** Consent page base. Default `https://www.tiktok.com`. */
  authBaseUrl: string;
  /** Public web base for permalinks. Default `https://www.tiktok.com`. */
  webBaseUrl: string;
  /** The app passed TikTok's audit. Default false: only `SELF_ONLY` is offered (§11.3). */
  audited: boolean;
  /**
   * Privacy used when a post names none. Default undefined: the user must choose (TikTok's guidelines
   * forbid a default), except that an unaudited app has exactly one choice, `SELF_ONLY`.
   */
  defaultPrivacyLevel: string | undefined;
  /** Default post mode. Default `direct`. */
  mode: 'direct' | 'inbox';
  /** Use PULL_FROM_URL when the media has a public URL (on a verified prefix). Default false: FILE_UPLOAD. */
  pullFromUrl: boolean;
  /** Chunk size for files over {@link TikTokConfig.singleChunkMaxBytes}. Default 10,000,000 (valid under every reading of "MB"). */
  chunkSize: number;
  /** Files up to this go as one chunk. Default 64,000,000. */
  singleChunkMaxBytes: number;
  /** Upload URL lifetime counted from init (TikTok: 1 h). Default 3,600,000 ms. */
  uploadUrlTtlMs: number;
  /** An upload URL this close to expiry is not resumed; a fresh init is made. Default 120,000 ms. */
  uploadUrlMarginMs: number;
  /** First status poll delay. Default 5,000 ms; grows ×1.5 per poll. */
  pollInitialMs: number;
  /** Longest poll delay. Default 10,000 ms (stays under 30/min). */
  pollMaxMs: number;
  /** After PUBLISH_COMPLETE of a public post, how long to wait for a post id (moderation). Default 600,000 ms. */
  postIdWaitMs: number;
  /** Give up polling after this long in processing. Default 2 h. */
  processingTimeoutMs: number;
  /**
   * Inits (`video/init`, `inbox/video/init`) per sliding minute per account, paced through the store
   * by every worker together. Default 6 (TikTok's documented limit); 0 switches pacing off (load tests
   * against an emulator with its limits off).
   */
  initsPerMinute: number;
  /** Delay for a 429 without Retry-After (TikTok documents none). Default 10,000 ms. */
  rateLimitDelayMs: number;
  /** How far a daily-cap error defers the post (24 h sliding window). Default 86,400,000 ms. */
  dailyCapDeferMs: number;
  /** Webhook timestamp tolerance. Default 300 s. */
  webhookToleranceSec: number;
}

/**
 * TikTok's documented limits, for planning (reference §11): per access token per sliding minute, and
 * per creator per 24 h. Exceeding them gives 429 `rate_limit_exceeded` or 403 `spam_risk_*`.
 *
 * @example
 * ```ts
 * if (initsThisMinute >= TIKTOK_LIMITS.initPerMinute) deferPost();
 * ```
 */
export const TIKTOK_LIMITS = Object.freeze({
  initPerMinute: 6,
  creatorInfoPerMinute: 20,
  statusPerMinute: 30,
  /** Typical Direct Post cap per creator per 24 h (varies per creator, shared across apps). */
  directPostsPerDay: 15,
  pendingInboxSharesPerDay: 5,
  /** Unaudited apps: distinct posting creators per 24 h. */
  unauditedCreatorsPerDay: 5,
});

/** The documented defaults (everything but the app's own credentials). */
export const TIKTOK_DEFAULTS: Omit<TikTokConfig, 'clientKey' | 'clientSecret' | 'redirectUri'> = Object.freeze({
  scopes: Object.freeze(['user.info.basic', 'video.upload', 'video.publish']),
  apiBaseUrl: 'https://open.tiktokapis.com',
  authBaseUrl: 'https://www.tiktok.com',
  webBaseUrl: 'https://www.tiktok.com',
  audited: false,
  defaultPrivacyLevel: undefined,
  mode: 'direct',
  pullFromUrl: false,
  chunkSize: 10_000_000,
  singleChunkMaxBytes: 64_000_000,
  uploadUrlTtlMs: 3_600_000,
  uploadUrlMarginMs: 120_000,
  pollInitialMs: 5_000,
  pollMaxMs: 10_000,
  postIdWaitMs: 600_000,
  processingTimeoutMs: 7_200_000,
  initsPerMinute: 6,
  rateLimitDelayMs: 10_000,
  dailyCapDeferMs: 86_400_000,
  webhookToleranceSec: 300,
});

/**
 * Merges app credentials and overrides with the defaults, validates, and freezes.
 *
 * @example
 * ```ts
 * const config = tiktokConfig({ clientKey, clientSecret, redirectUri, audited: true });
 * ```
 */
export function tiktokConfig(input: Pick<TikTokConfig, 'clientKey' | 'clientSecret' | 'redirectUri'> & Partial<TikTokConfig>): Readonly<TikTokConfig> {
  const config: TikTokConfig = { ...TIKTOK_DEFAULTS, ...input };
  if (!config.clientKey) throw new Error('TikTok config: clientKey is required');
  if (!config.clientSecret) throw new Error('TikTok config: clientSecret is required');
  if (config.chunkSize < 5 * 1024 * 1024 || config.chunkSize > 64_000_000) throw new Error('TikTok config: chunkSize must be 5 MiB … 64,000,000 bytes');
  if (config.mode !== 'direct' && config.mode !== 'inbox') throw new Error("TikTok config: mode must be 'direct' or 'inbox'");
  for (const key of ['apiBaseUrl', 'authBaseUrl', 'webBaseUrl'] as const) config[key] = config[key].replace(/\/+$/, '');
  return Object.freeze(config);
}

/**
 * The base URLs of a TikTok API served elsewhere (the emulator): the only thing that differs between a
 * sandbox account and a real one. The app credentials come from the account, never from here.
 *
 * @example
 * ```ts
 * const config = tiktokConfig({ clientKey, clientSecret, redirectUri, ...tiktokEndpoints(emulator.url) });
 * ```
 */
export function tiktokEndpoints(baseUrl: string): Pick<TikTokConfig, 'apiBaseUrl' | 'authBaseUrl' | 'webBaseUrl'> {
  const base = baseUrl.replace(/\/+$/, '');
  return { apiBaseUrl: base, authBaseUrl: base, webBaseUrl: base };
}

/**
 * A config aimed at the TikTok emulator for the given app (tests), with an audited app and `SELF_ONLY`
 * as the privacy for posts that name none. Holds no app credentials of its own.
 *
 * @example
 * ```ts
 * const config = sandboxTikTokConfig(emulator.url, { clientKey, clientSecret, pollInitialMs: 0 });
 * ```
 */
export function sandboxTikTokConfig(emulatorUrl: string, overrides: Pick<TikTokConfig, 'clientKey' | 'clientSecret'> & Partial<TikTokConfig>): Readonly<TikTokConfig> {
  return tiktokConfig({
    redirectUri: 'http://127.0.0.1:8787/callback/',
    ...tiktokEndpoints(emulatorUrl),
    audited: true,
    defaultPrivacyLevel: 'SELF_ONLY',
    ...overrides,
  });
}
