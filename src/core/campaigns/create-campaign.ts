import type { ClipRecord, CampaignRecord, DerivedMedia, NewCampaign, Store } from '../ports/store.js';
import type { CampaignPreview } from './campaign-request.js';
import { assertAccountsReady } from './account-readiness.js';

/** What {@link createCampaign} needs. */
export interface CreateDeps {
  store: Store;
  now: () => number;
  newId: (prefix: string) => string;
  /** Copies a clip into the media store (content-addressed) and returns where it is. */
  importMedia: (file: string) => Promise<{ sha256: string; path: string; size: number }>;
  /**
   * Stores a lossless remux of a stored clip (moov first, no edit lists) under its own hash, with its
   * probe: for the platforms whose findings say `CONTAINER_REMUXED`. Required only when some are.
   */
  remuxMedia?: (file: string) => Promise<{ sha256: string; path: string; size: number; probe: object }>;
  /** Called once every clip is imported, just before the rows are written (a shell's Ctrl-C cleanup ends there). */
  beforeWrite?: () => void;
}

/**
 * Writes a prepared campaign: clips into the media store first (content-addressed, so a failure
 * leaves nothing that matters; plus a lossless remux for a platform whose container rule the original
 * breaks, e.g. Instagram, while the others keep the original), then campaign, clips and posts in one transaction. Re-running the same
 * request finds the existing campaign (`created: false`) instead of duplicating its posts.
 *
 * @example
 * ```ts
 * const { campaign, created } = await createCampaign(deps, await prepareCampaign(prepDeps, request));
 * ```
 */
export async function createCampaign(deps: CreateDeps, preview: CampaignPreview): Promise<{ campaign: CampaignRecord; created: boolean; posts: number }> {
  if (preview.targets.some((t) => t.accountId.startsWith('dry-run:'))) throw new Error('a dry-run preview cannot be written');
  assertAccountsReady(preview.accountIssues ?? []);
  const existing = await findByFingerprint(deps.store, preview.fingerprint);
  if (existing) return { campaign: existing, created: false, posts: 0 };
  const campaignId = deps.newId('camp');
  const clipIds = new Set(preview.posts.map((p) => p.clipId));
  const clips: ClipRecord[] = [];
  for (const clip of preview.source.clips.filter((c) => clipIds.has(c.clipId))) {
    const stored = await deps.importMedia(clip.file!);
    const probe = preview.probes.get(clip.clipId);
    const derivedMedia = await remuxFor(deps, preview, clip.clipId, stored.path);
    clips.push({
      id: deps.newId('clip'),
      campaignId,
      clipId: clip.clipId,
      mediaSha256: stored.sha256,
      mediaPath: stored.path,
      size: stored.size,
      probe: probe ? { ...probe } : {},
      copy: clip.copy,
      metadata: { ...clip.metadata, hashtags: clip.hashtags, styleFolder: clip.styleFolder, extra: clip.extra },
      ...(derivedMedia.length ? { derivedMedia } : {}),
    });
  }
  const clipRow = new Map(clips.map((c) => [c.clipId, c]));
  const r = preview.request;
  const input: NewCampaign = {
    campaign: {
      id: campaignId,
      name: preview.source.videoId,
      sourceDir: preview.source.root,
      clipsFileSha256: preview.source.clipsFileSha256,
      fingerprint: preview.fingerprint,
      startAt: preview.start,
      intervalText: r.interval,
      timezone: preview.timezone,
      orderBy: r.order ?? 'file',
      windowText: r.window ?? null,
      backend: r.backend ?? 'direct',
    },
    clips,
    posts: preview.posts.map((p) => ({
      id: deps.newId('post'),
      campaignId,
      clipRowId: clipRow.get(p.clipId)!.id,
      clipId: p.clipId,
      accountId: p.accountId,
      platform: p.platform,
      scheduledAt: p.scheduledAt,
      timezone: preview.timezone,
      content: p.content,
    })),
  };
  deps.beforeWrite?.();
  const result = await deps.store.createCampaign(input, deps.now());
  return { ...result, posts: result.created ? input.posts.length : 0 };
}

/** The remuxed copy of a clip, for the planned platforms whose validation said it needs one. */
async function remuxFor(deps: CreateDeps, preview: CampaignPreview, clipId: number, storedPath: string): Promise<DerivedMedia[]> {
  const planned = new Set(preview.posts.filter((p) => p.clipId === clipId).map((p) => p.platform));
  const platforms = [...new Set(preview.findings.filter((f) => f.clipId === clipId && f.code === 'CONTAINER_REMUXED' && planned.has(f.platform)).map((f) => f.platform))];
  if (!platforms.length) return [];
  if (!deps.remuxMedia) throw new Error(`clip ${clipId} needs a remux for ${platforms.join(', ')} but createCampaign was given no remuxMedia`);
  const { sha256, path, size, probe } = await deps.remuxMedia(storedPath);
  return [{ kind: 'remux', platforms, sha256, path, size, probe: { ...probe } }];
}

async function findByFingerprint(store: Store, fingerprint: string): Promise<CampaignRecord | undefined> {
  return (await store.listCampaigns()).find((c) => c.fingerprint === fingerprint);
}
