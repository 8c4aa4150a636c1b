import type { Clock } from '../core/clock.js';
import type { OAuthProvider, OAuthProviders } from '../server/server-parts.js';
import { createInstagramAdapter } from '../platforms/instagram/instagram-adapter.js';
import { instagramConfig, sandboxInstagramConfig } from '../platforms/instagram/instagram-config.js';
import { toCredentials } from '../platforms/instagram/instagram-credentials.js';
import type { InstagramFlavour } from '../platforms/instagram/instagram-credentials.js';
import { exchangeTikTokCode, startTikTokAuthorization, tiktokCredentials } from '../platforms/tiktok/tiktok-oauth.js';
import { sandboxTikTokConfig, tiktokConfig } from '../platforms/tiktok/tiktok-config.js';
import { buildYouTubeAuthorization, exchangeYouTubeCode } from '../platforms/youtube/youtube-oauth.js';
import { sandboxYouTubeConfig, youTubeConfig } from '../platforms/youtube/youtube-config.js';
import { SANDBOX_CLIENT_ID, SANDBOX_SECRET } from '../sandbox/youtube/youtube-emulator.js';
import type { SandboxUrls } from '../sandbox/sandbox-urls.js';

/** The OAuth apps clipcast connects accounts with (read from the environment by the shell). */
export interface OAuthApps {
  tiktok?: { clientKey: string; clientSecret: string };
  youtube?: { clientId: string; clientSecret: string };
  instagram?: { appId: string; appSecret: string; flavour: InstagramFlavour };
}

/**
 * One `OAuthProvider` per platform whose app is configured (or all three against the sandbox), for the
 * server's `/oauth/{platform}/start` and `/callback`. The redirect URI is the server's callback.
 *
 * @example
 * ```ts
 * const oauth = buildOAuthProviders({ clock, apps: { youtube: { clientId, clientSecret } } });
 * buildServer({ app, oauth });
 * ```
 */
export function buildOAuthProviders(options: { clock: Clock; apps?: OAuthApps; sandbox?: SandboxUrls }): OAuthProviders {
  const { clock, sandbox } = options;
  const apps: OAuthApps = sandbox
    ? { tiktok: { clientKey: 'sbx_clipcast_key', clientSecret: 'sbx_clipcast_secret' }, youtube: { clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_SECRET }, instagram: { appId: '1234567890123456', appSecret: 'fb-sandbox-secret', flavour: 'facebook' }, ...options.apps }
    : (options.apps ?? {});
  const out: OAuthProviders = {};
  if (apps.tiktok) {
    const app = apps.tiktok;
    const config = (redirectUri: string) => (sandbox?.tiktok ? sandboxTikTokConfig(sandbox.tiktok, { redirectUri, clientKey: app.clientKey, clientSecret: app.clientSecret }) : tiktokConfig({ clientKey: app.clientKey, clientSecret: app.clientSecret, redirectUri }));
    out.tiktok = {
      start: ({ state, redirectUri }) => {
        const s = startTikTokAuthorization(config(redirectUri), state);
        return { url: s.url, codeVerifier: s.codeVerifier };
      },
      exchangeCode: async ({ code, redirectUri, codeVerifier }) => {
        const tokens = await exchangeTikTokCode(config(redirectUri), { code, ...(codeVerifier ? { codeVerifier } : {}) }, clock);
        return { handle: `@${tokens.openId.slice(0, 12)}`, externalId: tokens.openId, credentials: { clientKey: app.clientKey, clientSecret: app.clientSecret, ...tiktokCredentials(tokens) } };
      },
    } satisfies OAuthProvider;
  }
  if (apps.youtube) {
    const app = apps.youtube;
    const config = sandbox?.youtube ? sandboxYouTubeConfig(sandbox.youtube) : youTubeConfig({});
    out.youtube = {
      start: ({ state, redirectUri }) => {
        const a = buildYouTubeAuthorization(config, { clientId: app.clientId, redirectUri, allowAnyRedirect: true });
        const url = new URL(a.url);
        url.searchParams.set('state', state);
        return { url: url.href.replace(/scope=[^&]*/, (m) => m.replace(/\+/g, '%20')), codeVerifier: a.codeVerifier };
      },
      exchangeCode: async ({ code, redirectUri, codeVerifier }) => {
        const t = await exchangeYouTubeCode(config, { clientId: app.clientId, clientSecret: app.clientSecret, code, codeVerifier: codeVerifier ?? '', redirectUri }, clock);
        return { handle: '@youtube', credentials: { clientId: app.clientId, clientSecret: app.clientSecret, accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt, scope: t.scope, consentedAt: clock.now() } };
      },
    } satisfies OAuthProvider;
  }
  if (apps.instagram) {
    const app = apps.instagram;
    const flavour = app.flavour;
    const adapterFor = (redirectUri: string) => {
      const a = { clientId: app.appId, clientSecret: app.appSecret, redirectUri };
      const cfg = sandbox?.instagram ? sandboxInstagramConfig(sandbox.instagram, flavour === 'instagram' ? { instagramApp: a } : { facebookApp: a }) : instagramConfig(flavour === 'instagram' ? { instagramApp: a } : { facebookApp: a });
      return createInstagramAdapter({ config: cfg, clock });
    };
    out.instagram = {
      start: ({ state, redirectUri }) => ({ url: adapterFor(redirectUri).oauth.authorizeUrl(flavour, state) }),
      exchangeCode: async ({ code, redirectUri }) => {
        const creds = await adapterFor(redirectUri).oauth.connect(flavour, code);
        return { handle: `@${creds.username ?? creds.igUserId}`, externalId: creds.igUserId, credentials: toCredentials(creds) };
      },
    } satisfies OAuthProvider;
  }
  return out;
}
