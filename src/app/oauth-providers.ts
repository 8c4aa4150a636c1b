import type { Clock } from '../core/clock.js';
import { PublishError } from '../core/publish-error.js';
import type { OAuthProvider, OAuthProviders } from '../server/server-parts.js';
import { createInstagramAdapter } from '../platforms/instagram/instagram-adapter.js';
import { instagramConfig, instagramEndpoints } from '../platforms/instagram/instagram-config.js';
import { toCredentials } from '../platforms/instagram/instagram-credentials.js';
import type { HttpOptions } from '../http/http.js';
import { TikTokClient } from '../platforms/tiktok/tiktok-client.js';
import { exchangeTikTokCode, startTikTokAuthorization, tiktokCredentials } from '../platforms/tiktok/tiktok-oauth.js';
import { tiktokConfig, tiktokEndpoints } from '../platforms/tiktok/tiktok-config.js';
import { YouTubeClient } from '../platforms/youtube/youtube-client.js';
import { buildYouTubeAuthorization, exchangeYouTubeCode } from '../platforms/youtube/youtube-oauth.js';
import { youTubeConfig, youTubeEndpoints } from '../platforms/youtube/youtube-config.js';
import type { SandboxUrls } from '../sandbox/sandbox-urls.js';
import type { PlatformApps } from './platform-apps.js';

/** Options of {@link buildOAuthProviders}. */
export interface OAuthProvidersOptions {
  clock: Clock;
  /** The platform apps to connect with (the shell resolves them: environment, or a running sandbox's apps). */
  apps?: PlatformApps;
  /** Base URLs when the platforms are the sandbox's emulators: the only difference from the real ones. */
  sandbox?: SandboxUrls;
  http?: HttpOptions;
}

/**
 * One `OAuthProvider` per platform whose app is configured, for `clipcast accounts connect` and the
 * server's `/oauth/{platform}/start` + `/callback`. Each connected account comes back keyed by the
 * platform's own identity (YouTube channel id from `channels.list?mine=true`, TikTok `open_id`,
 * Instagram user id) with the handle the platform gives, and its credentials carry the app that issued
 * the tokens (refresh needs it).
 *
 * @example
 * ```ts
 * const oauth = buildOAuthProviders({ clock, apps: { youtube: { clientId, clientSecret } } });
 * buildServer({ app, oauth });
 * ```
 */
export function buildOAuthProviders(options: OAuthProvidersOptions): OAuthProviders {
  const { clock, sandbox, http } = options;
  const apps = options.apps ?? {};
  const out: OAuthProviders = {};
  if (apps.tiktok) {
    const app = apps.tiktok;
    const config = (redirectUri: string) => tiktokConfig({ clientKey: app.clientKey, clientSecret: app.clientSecret, redirectUri, ...(sandbox?.tiktok ? tiktokEndpoints(sandbox.tiktok) : {}) });
    out.tiktok = {
      start: ({ state, redirectUri }) => {
        const s = startTikTokAuthorization(config(redirectUri), state);
        return { url: s.url, codeVerifier: s.codeVerifier };
      },
      exchangeCode: async ({ code, redirectUri, codeVerifier }) => {
        const cfg = config(redirectUri);
        const tokens = await exchangeTikTokCode(cfg, { code, ...(codeVerifier ? { codeVerifier } : {}) }, clock, http);
        if (!tokens.openId) throw identityMissing('tiktok', 'the token answer carries no open_id');
        // The creator's username comes from creator_info (video.publish); the display name from user/info.
        const client = new TikTokClient(cfg, clock, http);
        const creator = await client.creatorInfo(tokens.accessToken).catch(() => undefined);
        const user = creator ? undefined : await client.userInfo(tokens.accessToken).catch(() => undefined);
        const handle = creator?.creator_username ? `@${creator.creator_username}` : `@${tokens.openId.slice(0, 12)}`;
        return {
          handle,
          externalId: tokens.openId,
          ...(sandbox?.tiktok ? { sandbox: true } : {}),
          displayName: creator?.creator_nickname ?? user?.display_name ?? null,
          credentials: { clientKey: app.clientKey, clientSecret: app.clientSecret, ...tiktokCredentials(tokens) },
        };
      },
    } satisfies OAuthProvider;
  }
  if (apps.youtube) {
    const app = apps.youtube;
    const config = youTubeConfig({ clientId: app.clientId, clientSecret: app.clientSecret, ...(sandbox?.youtube ? youTubeEndpoints(sandbox.youtube) : {}) });
    out.youtube = {
      start: ({ state, redirectUri }) => {
        const a = buildYouTubeAuthorization(config, { clientId: app.clientId, redirectUri, allowAnyRedirect: true });
        const url = new URL(a.url);
        url.searchParams.set('state', state);
        return { url: url.href.replace(/scope=[^&]*/, (m) => m.replace(/\+/g, '%20')), codeVerifier: a.codeVerifier };
      },
      exchangeCode: async ({ code, redirectUri, codeVerifier }) => {
        const t = await exchangeYouTubeCode(config, { clientId: app.clientId, clientSecret: app.clientSecret, code, codeVerifier: codeVerifier ?? '', redirectUri }, clock, http);
        if (!t.refreshToken) throw identityMissing('youtube', 'Google sent no refresh token (consent again with access_type=offline)');
        const channel = await new YouTubeClient(config, clock, http ?? {}).myChannel(t.accessToken);
        if (!channel) throw identityMissing('youtube', 'the Google account has no YouTube channel; create one, then connect again');
        return {
          handle: channel.handle ?? `@${channel.id}`,
          ...(sandbox?.youtube ? { sandbox: true } : {}),
          externalId: channel.id,
          displayName: channel.title,
          credentials: { clientId: app.clientId, clientSecret: app.clientSecret, accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt, scope: t.scope, consentedAt: clock.now() },
        };
      },
    } satisfies OAuthProvider;
  }
  if (apps.instagram) {
    const app = apps.instagram;
    const flavour = app.flavour;
    const adapterFor = (redirectUri: string) => {
      const a = { clientId: app.appId, clientSecret: app.appSecret, redirectUri };
      const cfg = instagramConfig({ ...(flavour === 'instagram' ? { instagramApp: a } : { facebookApp: a }), ...(sandbox?.instagram ? { urls: instagramEndpoints(sandbox.instagram) } : {}) });
      return createInstagramAdapter({ config: cfg, clock, ...(http ? { http } : {}) });
    };
    out.instagram = {
      start: ({ state, redirectUri }) => ({ url: adapterFor(redirectUri).oauth.authorizeUrl(flavour, state) }),
      exchangeCode: async ({ code, redirectUri }) => {
        const creds = await adapterFor(redirectUri).oauth.connect(flavour, code);
        return { handle: `@${creds.username ?? creds.igUserId}`, externalId: creds.igUserId, displayName: creds.username ?? null, ...(sandbox?.instagram ? { sandbox: true } : {}), credentials: { appId: app.appId, appSecret: app.appSecret, ...toCredentials(creds) } };
      },
    } satisfies OAuthProvider;
  }
  return out;
}

function identityMissing(platform: 'tiktok' | 'youtube', why: string): PublishError {
  return new PublishError(`${platform} connect: ${why}`, { platform, code: 'OAUTH_IDENTITY_MISSING', kind: 'invalid' });
}
