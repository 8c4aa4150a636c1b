import { existsSync, readdirSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { prepareCampaign } from '../../core/campaigns/prepare-campaign.js';
import { describePlan } from '../../core/plan/describe-plan.js';
import { probeMp4 } from '../../media/probe.js';
import { HttpProblem, problemSchema } from '../problem.js';
import { errorResponses } from '../schemas.js';
import type { ServerContext, ZodServer } from '../server-context.js';

const CLIPS_FILE = join('copys', 'clips_copys.json');
/** What a plan needs besides its folder: the same fields as `POST /campaigns`, fewer options. */
export const planFields = {
  startDate: z.string().min(1).max(100),
  interval: z.string().min(1).max(50),
  platforms: z.array(z.string().min(1).max(200)).min(1).max(20),
  timezone: z.string().max(100).optional(),
  window: z.string().max(50).optional(),
};
const previewBody = z.object({ sourceDir: z.string().min(1).max(4096), ...planFields });
/** A plan request without its folder (an uploaded folder's). */
export const planBody = z.object(planFields);
export type PlanBody = z.infer<typeof planBody>;
export const previewSchema = z.object({
  timezone: z.string(),
  posts: z.number(),
  lines: z.array(z.string()),
  findings: z.array(
    z.object({ clipId: z.number(), platform: z.string(), severity: z.string(), message: z.string() }),
  ),
  skipped: z.array(z.object({ clipId: z.number().nullable(), reason: z.string() })),
});

/**
 * The new-campaign page's server half: the CLIPER folders found under the configured source roots
 * (`GET /dashboard/sources`) and the dry run of a campaign (`POST /dashboard/campaigns/preview`, the plan
 * `clipcast publish --dry-run` prints; nothing written). Creating it is `POST /campaigns`.
 *
 * @example
 * ```ts
 * registerDashboardNewCampaignRoutes(server, ctx, { sourceRoots: ['/srv/cliper-output'] });
 * ```
 */
export function registerDashboardNewCampaignRoutes(
  server: ZodServer,
  ctx: ServerContext,
  options: { sourceRoots: string[] },
): void {
  const tags = ['dashboard'];

  server.get(
    '/dashboard/sources',
    {
      schema: {
        tags,
        summary: 'CLIPER folders under the source roots',
        response: {
          200: z.object({ roots: z.array(z.string()), folders: z.array(z.string()) }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const folders: string[] = [];
      for (const root of options.sourceRoots) {
        if (existsSync(join(root, CLIPS_FILE))) folders.push(root);
        for (const entry of safeList(root)) {
          const dir = join(root, entry);
          if (existsSync(join(dir, CLIPS_FILE))) folders.push(dir);
        }
      }
      return { roots: options.sourceRoots, folders: folders.slice(0, 500) };
    },
  );

  server.post(
    '/dashboard/campaigns/preview',
    {
      schema: {
        tags,
        summary: 'Plans a campaign without creating it (dry run)',
        body: previewBody,
        response: { 200: previewSchema, 403: problemSchema, 422: problemSchema, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body;
      await assertInsideRoots(body.sourceDir, options.sourceRoots);
      return previewFolder(ctx, body.sourceDir, body);
    },
  );
}

/** The dry run of a campaign from `dir` (nothing written): what the page shows before creating it. */
export async function previewFolder(ctx: ServerContext, dir: string, body: PlanBody): Promise<z.infer<typeof previewSchema>> {
  const { app } = ctx;
  const preview = await prepareCampaign(
    {
      accounts: app.accounts,
      store: app.store,
      now: () => app.clock.now(),
      probe: (f) => probeMp4(f),
      defaultTimezone: body.timezone ?? 'UTC',
    },
    {
      source: dir,
      targets: body.platforms,
      startDate: body.startDate,
      interval: body.interval,
      forceNew: true,
      ...(body.timezone ? { timezone: body.timezone } : {}),
      ...(body.window ? { window: body.window } : {}),
    },
  );
  const handles = new Map((await app.accounts.list()).map((a) => [a.id, a.handle]));
  return {
    timezone: preview.timezone,
    posts: preview.plan.posts.length,
    lines: describePlan(preview.plan, preview.timezone, (id) => handles.get(id)).slice(0, 1000),
    findings: preview.findings.map((f) => ({
      clipId: f.clipId,
      platform: f.platform,
      severity: f.severity,
      message: f.message,
    })),
    skipped: preview.skipped.map((s) => ({ clipId: s.clipId, reason: s.reason })),
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

async function assertInsideRoots(dir: string, roots: string[]): Promise<void> {
  if (!roots.length)
    throw new HttpProblem(
      403,
      'no-source-roots',
      'this server has no source roots to read CLIPER folders from',
      { hint: 'set CLIPCAST_SOURCE_ROOTS to the folders holding CLIPER output, then restart clipcast serve' },
    );
  if (!isAbsolute(dir))
    throw new HttpProblem(422, 'source-not-absolute', `sourceDir "${dir}" is not an absolute path`);
  const real = await realpath(dir).catch(() => resolve(dir));
  for (const root of roots) {
    const base = await realpath(root).catch(() => resolve(root));
    const rel = relative(base, real);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return;
  }
  throw new HttpProblem(
    403,
    'source-not-allowed',
    'sourceDir is outside the source roots this server may read',
    { hint: 'pick a folder the page lists' },
  );
}
