/**
 * Typed options of the Instagram Reels adapter, with the real Meta endpoints as defaults.
 *
 * @example
 * ```ts
 * const config = instagramConfig({ instagramApp: { clientId, clientSecret, redirectUri } });
 * const sandbox = sandboxInstagramConfig(emulator.url);
 * ```
 */
export interface InstagramConfig {
  /** Graph API version path segment. Default `v25.0` (a current version; correction 6). */
  graphVersion: string;
  /** Base URLs, injectable so tests aim at the emulator. Defaults: Meta's hosts. */
  urls: {
    /** Default `https://graph.instagram.com`. */
    graphInstagram: string;
    /** Default `https://graph.facebook.com`. */
    graphFacebook: string;
    /** Default `https://api.instagram.com` (IG Login code exchange). */
    apiInstagram: string;
    /** Default `https://www.instagram.com` (IG Login authorize page). */
    wwwInstagram: string;
    /** Default `https://www.facebook.com` (FB Login dialog). */
    wwwFacebook: string;
    /** Default `https://rupload.facebook.com` (used only when a container answers without `uri`). */
    rupload: string;
  };
  /** Instagram Login app (Business Login for Instagram). */
  instagramApp?: { clientId: string; clientSecret: string; redirectUri: string };
  /** Facebook Login for Business app. */
  facebookApp?: { clientId: string; clientSecret: string; redirectUri: string };
  /**
   * How the video gets to Meta. `auto` (default): resumable upload from disk on Facebook Login, and
   * `video_url` (ctx.media.publicUrl) on Instagram Login, where resumable is not documented (correction 3).
   * `resumable-everywhere` also tries resumable on Instagram Login (unconfirmed). `video-url`: always pull.
   */
  uploadMode: 'auto' | 'resumable-everywhere' | 'video-url';
  /**
   * Polling of the container within Meta's advice (correction 2: about once a minute, for no more than
   * 5 minutes): first check, interval, growth, cap per interval. Defaults 60 s, 60 s, ×1, 60 s.
   */
  poll: { firstDelayMs: number; intervalMs: number; backoff: number; maxIntervalMs: number;
    /** Polling window: after this long without FINISHED the container is a timeout to reconcile later, not polled on. Default 5 min. */
    maxWaitMs: number;
    /** First reconcile check after the window; each next one waits twice as long. Default 15 min (the container lives 24 h). */
    lateIntervalMs: number;
    /** Longest gap between reconcile checks. Default 2 h. */
    maxLateIntervalMs: number };
  /**
   * Resumable upload attempts in a row after which Meta still holds no more bytes than before (each
   * after the engine's backoff and a read of `bytes_transferred`) before the post stops with
   * `INSTAGRAM_UPLOAD_STALLED`. Default 4.
   */
  maxNoProgressUploads: number;
  /** Refresh IG Login long-lived tokens when less than this remains. Default 10 days (tokens last 60). */
  refreshBeforeExpiryMs: number;
  /** Usage percentage (X-App-Usage / X-Business-Use-Case-Usage) at which to hold off. Default 90. */
  usageSlowdownPct: number;
  /** Hold-off when usage is high and Meta gives no regain time. Default 5 min. */
  usageSlowdownMs: number;
  /** Deferral when the publishing quota is used up (rolling 24 h window). Default 1 h. */
  quotaRecheckMs: number;
}

/** The defaults, aimed at Meta. */
export const DEFAULT_INSTAGRAM_CONFIG: Readonly<InstagramConfig> = Object.freeze({
  graphVersion: 'v25.0',
  urls: Object.freeze({
    graphInstagram: 'https://graph.instagram.com',
    graphFacebook: 'https://graph.facebook.com',
    apiInstagram: 'https://api.instagram.com',
    wwwInstagram: 'https://www.instagram.com',
    wwwFacebook: 'https://www.facebook.com',
    rupload: 'https://rupload.facebook.com',
  }),
  uploadMode: 'auto' as const,
  poll: Object.freeze({ firstDelayMs: 60_000, intervalMs: 60_000, backoff: 1, maxIntervalMs: 60_000, maxWaitMs: 5 * 60_000, lateIntervalMs: 15 * 60_000, maxLateIntervalMs: 2 * 3_600_000 }),
  maxNoProgressUploads: 4,
  refreshBeforeExpiryMs: 10 * 86_400_000,
  usageSlowdownPct: 90,
  usageSlowdownMs: 5 * 60_000,
  quotaRecheckMs: 3_600_000,
});

/** Merges `overrides` over the defaults and freezes the result. */
export function instagramConfig(overrides: Partial<Omit<InstagramConfig, 'urls' | 'poll'>> & { urls?: Partial<InstagramConfig['urls']>; poll?: Partial<InstagramConfig['poll']> } = {}): InstagramConfig {
  if (overrides.graphVersion !== undefined && !/^v\d+\.\d+$/.test(overrides.graphVersion)) {
    throw new Error(`instagram graphVersion must look like v25.0, got ${overrides.graphVersion}`);
  }
  return Object.freeze({
    ...DEFAULT_INSTAGRAM_CONFIG,
    ...overrides,
    urls: Object.freeze({ ...DEFAULT_INSTAGRAM_CONFIG.urls, ...(overrides.urls ?? {}) }),
    poll: Object.freeze({ ...DEFAULT_INSTAGRAM_CONFIG.poll, ...(overrides.poll ?? {}) }),
  });
}

/**
 * The base URLs of an emulated Meta (hosts under host-named path prefixes): the only thing that differs
 * between a sandbox account and a real one. The apps come from the account, never from here.
 *
 * @example
 * ```ts
 * const config = instagramConfig({ urls: instagramEndpoints(emulator.url), instagramApp });
 * ```
 */
export function instagramEndpoints(emulatorUrl: string): InstagramConfig['urls'] {
  const base = emulatorUrl.replace(/\/$/, '');
  return {
    graphInstagram: `${base}/graph.instagram.com`,
    graphFacebook: `${base}/graph.facebook.com`,
    apiInstagram: `${base}/api.instagram.com`,
    wwwInstagram: `${base}/www.instagram.com`,
    wwwFacebook: `${base}/www.facebook.com`,
    rupload: `${base}/rupload.facebook.com`,
  };
}

/**
 * A config aimed at the local emulator (`createInstagramEmulator`), for tests; the apps are the
 * caller's (it holds none of its own).
 */
export function sandboxInstagramConfig(emulatorUrl: string, overrides: Parameters<typeof instagramConfig>[0] = {}): InstagramConfig {
  return instagramConfig({ ...overrides, urls: { ...instagramEndpoints(emulatorUrl), ...(overrides.urls ?? {}) } });
}
