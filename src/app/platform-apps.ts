import { CREDENTIAL_SPECS } from '../core/accounts/credential-fields.js';
import type { PlatformId } from '../core/platform-id.js';
import type { Credentials } from '../core/ports/platform-adapter.js';
import { PublishError } from '../core/publish-error.js';
import type { Store } from '../core/ports/store.js';
import { SANDBOX_APPS_SETTING, SANDBOX_URLS_SETTING, type SandboxApps, type SandboxUrls } from '../sandbox/sandbox-urls.js';
import type { InstagramFlavour } from '../platforms/instagram/instagram-credentials.js';

/**
 * The platform apps (OAuth clients) clipcast connects accounts with, one per platform. The shell reads
 * them from the environment (`CLIPCAST_TIKTOK_CLIENT_KEY`/`_SECRET`, `CLIPCAST_YOUTUBE_CLIENT_ID`/`_SECRET`,
 * `CLIPCAST_INSTAGRAM_APP_ID`/`_SECRET`); a running `clipcast sandbox` records the apps its emulators
 * registered, exactly like a real platform's developer console would hand them out.
 */
export interface PlatformApps {
  tiktok?: { clientKey: string; clientSecret: string; audited?: boolean };
  youtube?: { clientId: string; clientSecret: string };
  instagram?: { appId: string; appSecret: string; flavour: InstagramFlavour };
}

/** The app fields each platform keeps in an account's encrypted credentials. */
export const APP_FIELDS: Readonly<Record<PlatformId, readonly [string, string]>> = Object.freeze({
  tiktok: CREDENTIAL_SPECS.tiktok.app,
  youtube: CREDENTIAL_SPECS.youtube.app,
  instagram: CREDENTIAL_SPECS.instagram.app,
});

/** The app that issued an account's tokens, as the adapters need it. */
export interface ResolvedApp {
  id: string;
  secret: string;
}

/**
 * The app of an account: the one stored in its credentials at connect (refresh tokens only work with
 * the client that issued them), else the configured app of its platform. Throws a `needs_reauth`
 * PublishError naming the fix when neither exists, so the engine pauses the account's posts instead of
 * failing somewhere deeper.
 *
 * @example
 * ```ts
 * const { id: clientKey, secret: clientSecret } = resolveApp('tiktok', credentials, apps, '@me');
 * ```
 */
export function resolveApp(platform: PlatformId, credentials: Credentials, apps: PlatformApps, handle: string): ResolvedApp {
  const [idField, secretField] = APP_FIELDS[platform];
  const storedId = credentials[idField];
  const storedSecret = credentials[secretField];
  if (typeof storedId === 'string' && storedId && typeof storedSecret === 'string' && storedSecret) return { id: storedId, secret: storedSecret };
  const configured = configuredApp(platform, apps);
  if (configured) return configured;
  const vars = APP_ENV_HINT[platform];
  throw new PublishError(`${platform} account ${handle} has no app credentials (${idField}/${secretField}) and no ${platform} app is configured; set ${vars} or connect the account again`, {
    platform,
    code: 'APP_CREDENTIALS_MISSING',
    kind: 'needs_reauth',
  });
}

/** The configured app of a platform in the shape {@link resolveApp} returns, if any. */
export function configuredApp(platform: PlatformId, apps: PlatformApps): ResolvedApp | undefined {
  switch (platform) {
    case 'tiktok':
      return apps.tiktok ? { id: apps.tiktok.clientKey, secret: apps.tiktok.clientSecret } : undefined;
    case 'youtube':
      return apps.youtube ? { id: apps.youtube.clientId, secret: apps.youtube.clientSecret } : undefined;
    case 'instagram':
      return apps.instagram ? { id: apps.instagram.appId, secret: apps.instagram.appSecret } : undefined;
  }
}

/** The environment variables that configure each platform's app (for hints). */
export const APP_ENV_HINT: Readonly<Record<PlatformId, string>> = Object.freeze({
  tiktok: 'CLIPCAST_TIKTOK_CLIENT_KEY and CLIPCAST_TIKTOK_CLIENT_SECRET',
  youtube: 'CLIPCAST_YOUTUBE_CLIENT_ID and CLIPCAST_YOUTUBE_CLIENT_SECRET',
  instagram: 'CLIPCAST_INSTAGRAM_APP_ID and CLIPCAST_INSTAGRAM_APP_SECRET',
});

/**
 * The apps configured in an environment (only shells pass `process.env` here).
 *
 * @example
 * ```ts
 * const apps = platformAppsFromEnv(process.env);
 * ```
 */
export function platformAppsFromEnv(env: NodeJS.ProcessEnv): PlatformApps {
  return {
    ...(env.CLIPCAST_TIKTOK_CLIENT_KEY && env.CLIPCAST_TIKTOK_CLIENT_SECRET ? { tiktok: { clientKey: env.CLIPCAST_TIKTOK_CLIENT_KEY, clientSecret: env.CLIPCAST_TIKTOK_CLIENT_SECRET, ...(env.CLIPCAST_TIKTOK_AUDITED === 'true' ? { audited: true } : {}) } } : {}),
    ...(env.CLIPCAST_YOUTUBE_CLIENT_ID && env.CLIPCAST_YOUTUBE_CLIENT_SECRET ? { youtube: { clientId: env.CLIPCAST_YOUTUBE_CLIENT_ID, clientSecret: env.CLIPCAST_YOUTUBE_CLIENT_SECRET } } : {}),
    ...(env.CLIPCAST_INSTAGRAM_APP_ID && env.CLIPCAST_INSTAGRAM_APP_SECRET ? { instagram: { appId: env.CLIPCAST_INSTAGRAM_APP_ID, appSecret: env.CLIPCAST_INSTAGRAM_APP_SECRET, flavour: env.CLIPCAST_INSTAGRAM_LOGIN === 'instagram' ? 'instagram' : 'facebook' } } : {}),
  };
}

/**
 * What a running `clipcast sandbox` recorded for this data dir: its base URLs and the apps its emulators
 * registered (Instagram's for the given login product). Undefined when no sandbox runs.
 *
 * @example
 * ```ts
 * const running = await runningSandbox(app.store, 'facebook');
 * const oauth = buildOAuthProviders({ clock, apps: running?.apps, sandbox: running?.urls });
 * ```
 */
export async function runningSandbox(store: Pick<Store, 'getSetting'>, instagramFlavour: InstagramFlavour = 'facebook'): Promise<{ urls: SandboxUrls; apps: PlatformApps } | undefined> {
  const urlsText = await store.getSetting(SANDBOX_URLS_SETTING);
  if (!urlsText || urlsText === '{}') return undefined;
  const urls = JSON.parse(urlsText) as SandboxUrls;
  const appsText = await store.getSetting(SANDBOX_APPS_SETTING);
  const recorded = appsText ? (JSON.parse(appsText) as Partial<SandboxApps>) : {};
  const instagram = instagramFlavour === 'instagram' ? recorded.instagram : recorded.facebook;
  return { urls, apps: { ...(recorded.tiktok ? { tiktok: recorded.tiktok } : {}), ...(recorded.youtube ? { youtube: recorded.youtube } : {}), ...(instagram ? { instagram } : {}) } };
}
