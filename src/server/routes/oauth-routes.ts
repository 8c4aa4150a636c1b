import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PLATFORM_IDS, parsePlatformId, type PlatformId } from '../../core/platform-id.js';
import { consumeOAuthState, saveOAuthState } from '../oauth-states.js';
import { HttpProblem, problemSchema } from '../problem.js';
import { accountSchema, errorResponses } from '../schemas.js';
import type { ServerContext, ZodServer } from '../server-context.js';
import type { OAuthProvider } from '../server-parts.js';

const platformParams = z.object({ platform: z.string() });
const startSchema = z.object({ authorizationUrl: z.string(), state: z.string(), expiresAt: z.string() }).meta({ id: 'OAuthStart' });
const connectedSchema = z.object({ account: accountSchema, reconnected: z.boolean() }).meta({ id: 'OAuthConnected' });

/**
 * OAuth connect per platform. `start` (keyed) stores a one-time state with an expiry (and the PKCE
 * verifier, encrypted, where the platform uses PKCE) and redirects to the platform (the platform's client makes the PKCE verifier where it uses PKCE); `callback` (public:
 * the platform's redirect lands there) refuses unknown, replayed or expired states, exchanges the code
 * and stores the account, or refreshes the credentials of the account it already knows.
 *
 * @example
 * ```ts
 * registerOAuthRoutes(server, ctx); // GET /oauth/tiktok/start → 302 to TikTok; ?redirect=false → JSON
 * ```
 */
export function registerOAuthRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    '/oauth/:platform/start',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Starts connecting an account',
        params: platformParams,
        querystring: z.object({ redirect: z.enum(['true', 'false']).default('true') }),
        response: { 200: startSchema, 302: z.null(), 501: problemSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const [platform, provider] = providerOf(ctx, request.params.platform);
      const redirectUri = `${ctx.settings.publicUrl ?? `${request.protocol}://${request.host}`}/oauth/${platform}/callback`;
      // The state is made here (256 random bits) and stored before the user is sent to the platform.
      const state = randomBytes(32).toString('base64url');
      const { url: authorizationUrl, codeVerifier } = provider.start({ state, redirectUri });
      const { expiresAt } = await saveOAuthState(ctx.app, platform, state, { redirectUri, ...(codeVerifier ? { codeVerifier } : {}) }, ctx.settings.oauthStateTtlMs);
      if (request.query.redirect === 'false') return { authorizationUrl, state, expiresAt: new Date(expiresAt).toISOString() };
      return reply.code(302).header('location', authorizationUrl).header('cache-control', 'no-store').send(null);
    },
  );

  server.get(
    '/oauth/:platform/callback',
    {
      config: { public: true },
      schema: {
        tags: ['oauth'],
        summary: 'Where the platform redirects after consent',
        security: [],
        params: platformParams,
        querystring: z.object({ code: z.string().max(4096).optional(), state: z.string().max(200).optional(), error: z.string().max(200).optional(), error_description: z.string().max(1000).optional() }),
        response: { 200: connectedSchema, 201: connectedSchema, 502: problemSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const [platform, provider] = providerOf(ctx, request.params.platform);
      const { code, state, error } = request.query;
      if (!state) throw new HttpProblem(400, 'oauth-state-missing', 'the callback carries no state');
      const consumed = await consumeOAuthState(ctx.app, platform, state);
      if (!consumed.ok) {
        const why = { unknown: 'is not one this server issued', used: 'was already used (a replayed callback)', expired: 'has expired' }[consumed.reason];
        throw new HttpProblem(400, `oauth-state-${consumed.reason}`, `the OAuth state ${why}`, { hint: `start again: GET /oauth/${platform}/start` });
      }
      if (error) throw new HttpProblem(400, 'oauth-denied', `the platform refused the authorization (${error})`, { hint: 'start again and accept the requested permissions' });
      if (!code) throw new HttpProblem(400, 'oauth-code-missing', 'the callback carries no code');
      let connected;
      try {
        connected = await provider.exchangeCode({ code, redirectUri: consumed.data.redirectUri, ...(consumed.data.codeVerifier ? { codeVerifier: consumed.data.codeVerifier } : {}) });
      } catch (cause) {
        request.log.warn({ platform, code: (cause as { code?: unknown }).code }, 'oauth code exchange failed');
        throw new HttpProblem(502, 'oauth-exchange-failed', `${platform} did not accept the authorization code`, { hint: 'start again; an authorization code works once and for a few minutes' });
      }
      return storeConnected(ctx, platform, connected).then(({ account, reconnected }) => reply.code(reconnected ? 200 : 201).send({ account, reconnected }));
    },
  );
}

function providerOf(ctx: ServerContext, text: string): [PlatformId, OAuthProvider] {
  const platform = parsePlatformId(text);
  if (!platform) throw new HttpProblem(404, 'provider-not-found', `no platform "${text}"`, { hint: `use one of ${PLATFORM_IDS.join(', ')}` });
  const provider = ctx.parts.oauth?.[platform];
  if (!provider) throw new HttpProblem(501, 'not-configured', `OAuth for ${platform} is not configured on this server`);
  return [platform, provider];
}

async function storeConnected(ctx: ServerContext, platform: PlatformId, connected: Awaited<ReturnType<OAuthProvider['exchangeCode']>>) {
  if (!connected.externalId) throw new HttpProblem(502, 'oauth-identity-missing', `${platform} did not say which account was connected`, { hint: `start again: GET /oauth/${platform}/start` });
  // Keyed by the platform's identity: the same channel/user updates its account, another makes another.
  const { account, reconnected } = await ctx.app.accounts.connect({
    platform,
    handle: connected.handle,
    externalId: connected.externalId,
    displayName: connected.displayName ?? null,
    credentials: connected.credentials,
    sandbox: connected.sandbox ?? false,
  });
  return { account, reconnected };
}
