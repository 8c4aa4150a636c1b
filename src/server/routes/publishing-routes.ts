import { z } from 'zod';
import { parsePlatformId } from '../../core/platform-id.js';
import { HttpProblem, problemSchema } from '../problem.js';
import { errorResponses } from '../schemas.js';
import { requirePart, type ServerContext, type ZodServer } from '../server-context.js';

const providerSchema = z
  .object({
    platform: z.string(),
    authenticated: z.boolean().describe('An active account of this platform is connected and ok'),
    features: z.unknown(),
    limits: z.unknown(),
    api_version: z.string(),
    documentation: z.string(),
  })
  .meta({ id: 'Provider' });

const validateBody = z.object({ platform: z.string().min(1), params: z.record(z.string(), z.unknown()) }).meta({ id: 'ValidateRequest' });
const validateResult = z.object({ platform: z.string(), valid: z.boolean(), errors: z.array(z.string()), warnings: z.array(z.string()) }).meta({ id: 'ValidateResult' });

/**
 * The seed's publishing endpoints: providers list, one provider's facts, clip validation.
 *
 * @example
 * ```ts
 * registerPublishingRoutes(server, ctx); // GET /publishing/providers → ["instagram","tiktok","youtube"]
 * ```
 */
export function registerPublishingRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    '/publishing/providers',
    { schema: { tags: ['publishing'], summary: 'Platforms clipcast publishes to', response: { 200: z.array(z.string()), ...errorResponses } } },
    async () => [...requirePart(ctx.parts.providers, 'the providers catalog').listProviders()],
  );

  server.get(
    '/publishing/providers/:platform',
    { schema: { tags: ['publishing'], summary: 'Features and limits of one platform', params: z.object({ platform: z.string() }), response: { 200: providerSchema, ...errorResponses } } },
    async (request) => {
      const catalog = requirePart(ctx.parts.providers, 'the providers catalog');
      const platform = parsePlatformId(request.params.platform);
      const info = platform ? catalog.providerInfo(platform) : undefined;
      if (!platform || !info) {
        throw new HttpProblem(404, 'provider-not-found', `no provider "${request.params.platform}"`, { hint: `use one of ${catalog.listProviders().join(', ')}` });
      }
      const accounts = await ctx.app.store.listAccounts({ platform });
      return { platform, authenticated: accounts.some((a) => a.active && a.status === 'ok'), features: info.features, limits: info.limits, api_version: info.api_version, documentation: info.documentation };
    },
  );

  server.post(
    '/publishing/validate',
    { schema: { tags: ['publishing'], summary: "Checks a clip's parameters against a platform's rules", body: validateBody, response: { 200: validateResult, 422: problemSchema, ...errorResponses } } },
    async (request) => {
      const validator = requirePart(ctx.parts.validator, 'clip validation');
      const platform = parsePlatformId(request.body.platform);
      if (!platform) throw new HttpProblem(422, 'platform-unsupported', `platform "${request.body.platform}" is not supported`, { errors: [{ path: 'body.platform', message: 'unknown platform' }] });
      const findings = await validator.validate(platform, request.body.params);
      return { platform, valid: findings.errors.length === 0, errors: [...findings.errors], warnings: [...(findings.warnings ?? [])] };
    },
  );
}
