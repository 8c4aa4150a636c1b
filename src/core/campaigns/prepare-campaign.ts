import { createHash } from 'node:crypto';
import type { AccountService } from '../accounts/account-service.js';
import { loadCliperFolder } from '../clips/load-cliper-folder.js';
import type { LoadedClip } from '../clips/cliper-campaign.js';
import { InputError } from '../input-error.js';
import { PLATFORM_IDS, parsePlatformId, type PlatformId } from '../platform-id.js';
import { parseInterval } from '../plan/interval.js';
import { parseStartDate } from '../plan/start-date.js';
import { parseWindow } from '../plan/daily-window.js';
import { validateTimezone } from '../plan/time-zone.js';
import { planCampaign, type QuotaUsage } from '../plan/plan-campaign.js';
import { DEFAULT_QUOTAS } from '../plan/quota.js';
import type { Store } from '../ports/store.js';
import { mapContent } from '../rules/caption-mapping.js';
import { validateClipForPlatform, type Finding } from '../rules/validate-clip.js';
import type { ProbeResult } from '../clips/probe-result.js';
import { accountIssues } from './account-readiness.js';
import type { CampaignPreview, CampaignRequest, PreviewPost, ResolvedTarget, SkippedClip } from './campaign-request.js';

/** What {@link prepareCampaign} needs. */
export interface PrepareDeps {
  accounts: AccountService;
  store: Store;
  now: () => number;
  probe: (file: string) => Promise<ProbeResult>;
  /** The zone used when the request names none (the system zone in the CLI). */
  defaultTimezone: string;
}

/**
 * Loads, probes, validates and plans a campaign without writing anything: the dry run, and the first
 * half of `publish`. Bad input throws `InputError` naming the flag, file or clip.
 *
 * @example
 * ```ts
 * const preview = await prepareCampaign(deps, { source: 'output/talk', targets: ['tiktok'], startDate: 'now', interval: '4h' });
 * console.log(preview.posts.length, preview.skipped);
 * ```
 */
export async function prepareCampaign(deps: PrepareDeps, request: CampaignRequest): Promise<CampaignPreview> {
  const timezone = request.timezone ?? deps.defaultTimezone;
  validateTimezone(timezone);
  const interval = parseInterval(request.interval);
  const stagger = request.stagger ? parseInterval(request.stagger, '--stagger') : undefined;
  const window = request.window ? parseWindow(request.window) : undefined;
  const start = parseStartDate(request.startDate, timezone, deps.now());
  const order = request.order ?? 'file';
  if (order !== 'file' && order !== 'viral') throw new InputError('ORDER_INVALID', `--order "${String(order)}" is not an order`, 'use --order file or --order viral', '--order');
  const targets = await resolveTargets(deps.accounts, request.targets, request.dryRun ?? false);
  const source = await loadCliperFolder(request.source);

  const skipped: SkippedClip[] = [];
  for (const p of source.problems) if (p.severity === 'error' && p.clipId !== null) skipped.push({ clipId: p.clipId, reason: p.message });
  const skippedIds = new Set(skipped.map((s) => s.clipId));
  const usable = source.clips.filter((c) => c.file && !skippedIds.has(c.clipId));

  const probes = new Map<number, ProbeResult>();
  await forEachLimit(usable, 4, async (clip) => probes.set(clip.clipId, await deps.probe(clip.file!)));

  const findings: Finding[] = [];
  const allowed = new Map<number, Set<PlatformId>>();
  const contents = new Map<string, PreviewPost['content']>();
  for (const clip of usable) {
    const probe = probes.get(clip.clipId)!;
    if (!probe.ok) {
      skipped.push({ clipId: clip.clipId, reason: probe.error.message });
      continue;
    }
    const ok = new Set<PlatformId>();
    for (const platform of new Set(targets.map((t) => t.platform))) {
      const content = contentFor(platform, clip, request, probe.durationSec);
      const found = validateClipForPlatform({ clip, probe, content, platform });
      findings.push(...found);
      const errors = found.filter((f) => f.severity === 'error');
      if (errors.length) skipped.push({ clipId: clip.clipId, platform, reason: errors.map((e) => e.message).join('; ') });
      else {
        ok.add(platform);
        contents.set(`${clip.clipId}:${platform}`, content);
      }
    }
    if (ok.size) allowed.set(clip.clipId, ok);
  }

  const planClips = usable.filter((c) => allowed.has(c.clipId)).map((c) => ({ clipId: c.clipId, viralPotential: c.metadata.viralPotential ?? null, platforms: [...allowed.get(c.clipId)!] }));
  if (!planClips.length) {
    throw new InputError('CAMPAIGN_EMPTY', `no clip of ${source.root} can be published to ${[...new Set(targets.map((t) => t.platform))].join(', ')}`, skipped.slice(0, 5).map((s) => `clip ${s.clipId}: ${s.reason}`).join(' | ') || 'check the folder with clipcast validate', request.source);
  }
  const plan = planCampaign({
    clips: planClips,
    targets: targets.map((t) => ({ accountId: t.accountId, platform: t.platform })),
    start,
    interval,
    timezone,
    order,
    ...(window ? { window } : {}),
    ...(stagger ? { stagger } : {}),
    quotas: DEFAULT_QUOTAS,
    existingUsage: request.dryRun ? [] : await existingUsage(deps.store, targets),
  });
  const byAccount = new Map(targets.map((t) => [t.accountId, t]));
  const posts: PreviewPost[] = plan.posts
    .filter((p) => allowed.get(p.clipId)?.has(p.platform))
    .map((p) => ({ ...p, handle: byAccount.get(p.accountId)?.handle ?? null, content: contents.get(`${p.clipId}:${p.platform}`)! }));

  const fingerprint = createHash('sha256')
    .update(JSON.stringify([source.clipsFileSha256, targets.map((t) => t.accountId).sort(), request.startDate.trim(), timezone, request.interval, order, request.window ?? null, request.stagger ?? null, request.backend ?? 'direct', request.forceNew ? `${deps.now()}` : null]))
    .digest('hex');
  const issues = await accountIssues(deps, targets, request);
  return { request, source, targets, timezone, start, probes, findings, plan, posts, skipped, accountIssues: issues, fingerprint };
}

function contentFor(platform: PlatformId, clip: LoadedClip, request: CampaignRequest, durationSec: number): PreviewPost['content'] {
  const { options: overrideOptions, ...override } = request.overrides?.[clip.clipId] ?? {};
  // Override options are per platform ({"tiktok": {...}}) or, when not keyed by platform, for all.
  const keyed = overrideOptions && Object.keys(overrideOptions).some((k) => (PLATFORM_IDS as readonly string[]).includes(k));
  const options = keyed ? ((overrideOptions[platform] as Record<string, unknown> | undefined) ?? {}) : (overrideOptions ?? {});
  const base = request.options?.[platform] ?? {};
  const content = mapContent(platform, clip, { ...override, options }, { durationSec });
  return { ...content, options: { ...base, ...content.options } };
}

/** Resolves `--platforms` entries; in a dry run a bare platform name works without an account. */
export async function resolveTargets(accounts: AccountService, specs: string[], dryRun: boolean): Promise<ResolvedTarget[]> {
  const list = specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new InputError('PLATFORMS_MISSING', 'no target given', 'pass --platforms tiktok,instagram,youtube (or platform:@handle, or account ids)', '--platforms');
  const out: ResolvedTarget[] = [];
  for (const spec of list) {
    try {
      const a = await accounts.resolve(spec);
      out.push({ spec, platform: a.platform, accountId: a.id, handle: a.handle });
    } catch (error) {
      const platform = parsePlatformId(spec);
      if (dryRun && platform) out.push({ spec, platform, accountId: `dry-run:${platform}`, handle: null });
      else throw error;
    }
  }
  const ids = out.map((t) => t.accountId);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new InputError('PLATFORMS_DUPLICATE', `--platforms names account ${dup} twice`, 'name each account once', '--platforms');
  return out;
}

async function existingUsage(store: Store, targets: ResolvedTarget[]): Promise<QuotaUsage[]> {
  const usage: QuotaUsage[] = [];
  for (const t of targets) {
    let cursor: string | undefined;
    do {
      const page = await store.listPosts({ accountId: t.accountId, state: ['scheduled', 'preparing', 'uploading', 'processing', 'publishing', 'published', 'retry_wait', 'deferred'], limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const p of page.posts) usage.push({ platform: p.platform, accountId: p.accountId, at: p.scheduledAt });
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return usage;
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}
