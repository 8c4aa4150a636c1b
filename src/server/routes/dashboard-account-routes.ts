import { DateTime } from 'luxon';
import { z } from 'zod';
import { PLATFORM_IDS } from '../../core/platform-id.js';
import { DEFAULT_QUOTAS, describeQuota, PACIFIC_ZONE } from '../../core/plan/quota.js';
import { accountSettingsSchema, errorResponses } from '../schemas.js';
import type { ServerContext, ZodServer } from '../server-context.js';

const healthSchema = z
  .object({
    id: z.string(),
    platform: z.string(),
    handle: z.string(),
    status: z.string(),
    sandbox: z.boolean(),
    tokenExpiresAt: z.string().nullable(),
    quota: z.object({ used: z.number(), limit: z.number(), rule: z.string() }),
    settings: accountSettingsSchema,
  })
  .meta({ id: 'AccountHealth' });
const IN_QUOTA = ['preparing', 'uploading', 'processing', 'publishing', 'published'];

/**
 * `GET /dashboard/accounts`: each account's health for the accounts page: status (needs reauth), token
 * expiry and quota use in the platform's current window (TikTok's daily cap and Instagram's limit per
 * account over the last 24 h, YouTube's per-project Pacific day), counted from the posts that started,
 * and the account's settings (YouTube's made-for-kids default, changed with `PATCH /accounts/{id}`).
 *
 * @example
 * ```ts
 * registerDashboardAccountRoutes(server, ctx);
 * ```
 */
export function registerDashboardAccountRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    '/dashboard/accounts',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Account health and quota use',
        response: {
          200: z.object({ accounts: z.array(healthSchema), platforms: z.array(z.string()) }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const { store, clock } = ctx.app;
      const now = clock.now();
      const accounts = await ctx.app.accounts.list(); // active accounts, with their settings
      const out = [];
      for (const a of accounts) {
        const rule = DEFAULT_QUOTAS[a.platform];
        const since =
          rule.window === 'pacificDay'
            ? DateTime.fromMillis(now, { zone: PACIFIC_ZONE }).startOf('day').toMillis()
            : now - 86_400_000;
        let q = store.db
          .selectFrom('posts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('platform', '=', a.platform)
          .where('state', 'in', IN_QUOTA)
          .where('updated_at', '>=', since);
        if (a.platform !== 'youtube') q = q.where('account_id', '=', a.id);
        const used = Number((await q.executeTakeFirst())?.n ?? 0);
        out.push({
          id: a.id,
          platform: a.platform,
          handle: a.handle,
          status: a.status,
          sandbox: a.sandbox,
          tokenExpiresAt: a.tokenExpiresAt,
          quota: { used, limit: rule.perWindow, rule: describeQuota(a.platform, rule, 'UTC') },
          settings: a.settings,
        });
      }
      return { accounts: out, platforms: [...PLATFORM_IDS] };
    },
  );
}
