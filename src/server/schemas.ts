import { z } from 'zod';
import { PLATFORM_IDS } from '../core/platform-id.js';
import { POST_STATES } from '../core/post-state.js';
import type { CampaignRecord, EventRecord, PostRecord } from '../core/ports/store.js';
import { problemSchema } from './problem.js';

/**
 * Shapes shared by the routes and the OpenAPI document. Times leave the server as ISO 8601 strings;
 * secrets never appear in any of them.
 */
export const platformSchema = z.enum(PLATFORM_IDS).meta({ id: 'Platform' });
export const postStateSchema = z.enum(POST_STATES).meta({ id: 'PostState' });
const iso = z.string().meta({ format: 'date-time' });

/** The user's per-account settings (`PATCH /accounts/{id}` changes them). */
export const accountSettingsSchema = z
  .object({
    selfDeclaredMadeForKids: z.boolean().optional().describe("YouTube: the channel's videos are declared made for kids (true) or not (false); required before a campaign is created"),
  })
  .strict()
  .meta({ id: 'AccountSettings' });

export const accountSchema = z
  .object({
    id: z.string(),
    platform: platformSchema,
    handle: z.string(),
    externalId: z.string().nullable(),
    displayName: z.string().nullable(),
    isMain: z.boolean(),
    active: z.boolean(),
    status: z.enum(['ok', 'needs_reauth', 'disabled']),
    sandbox: z.boolean(),
    tokenExpiresAt: iso.nullable(),
    credentialFields: z.array(z.string()).describe('Names of the credential fields present; their values are never returned'),
    settings: accountSettingsSchema,
  })
  .meta({ id: 'Account' });

export const newAccountSchema = z
  .object({
    platform: z.string().min(1),
    handle: z.string().min(1).max(200),
    externalId: z.string().max(200).nullish(),
    displayName: z.string().max(200).nullish(),
    isMain: z.boolean().optional(),
    sandbox: z.boolean().optional(),
    credentials: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).describe('Write-only: stored encrypted, never returned'),
  })
  .meta({ id: 'NewAccount' });

export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    sourceDir: z.string(),
    startAt: iso,
    interval: z.string(),
    timezone: z.string(),
    orderBy: z.string(),
    window: z.string().nullable(),
    backend: z.enum(['direct', 'postiz']),
    state: z.enum(['active', 'cancelled', 'done']),
    createdAt: iso,
    cancelledAt: iso.nullable(),
    counts: z.record(z.string(), z.number()).optional(),
  })
  .meta({ id: 'Campaign' });

export const newCampaignSchema = z
  .object({
    sourceDir: z.string().min(1).describe('Absolute path of a CLIPER folder the server can read'),
    startDate: z.string().min(1),
    interval: z.string().min(1),
    platforms: z.array(z.string().min(1)).min(1),
    timezone: z.string().optional(),
    order: z.enum(['file', 'viral']).optional(),
    backend: z.enum(['direct', 'postiz']).optional(),
    window: z.string().optional(),
    stagger: z.string().optional(),
    forceNew: z.boolean().optional(),
  })
  .meta({ id: 'NewCampaign' });

export const postErrorSchema = z.object({ code: z.string(), message: z.string(), kind: z.string(), retryable: z.boolean(), status: z.number().optional() });

export const postSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    clipId: z.number(),
    accountId: z.string(),
    platform: platformSchema,
    scheduledAt: iso,
    timezone: z.string(),
    state: postStateSchema,
    attempt: z.number(),
    nextAttemptAt: iso,
    remoteId: z.string().nullable(),
    permalink: z.string().nullable(),
    lastError: postErrorSchema.nullable(),
    content: z.object({ caption: z.string(), title: z.string().optional(), tags: z.array(z.string()).optional(), coverTimestampSec: z.number().optional(), options: z.record(z.string(), z.unknown()) }),
    createdAt: iso,
    updatedAt: iso,
  })
  .meta({ id: 'Post' });

export const eventSchema = z
  .object({
    seq: z.number(),
    at: iso,
    postId: z.string().nullable(),
    campaignId: z.string().nullable(),
    accountId: z.string().nullable(),
    type: z.string(),
    data: z.record(z.string(), z.unknown()),
    hash: z.string(),
  })
  .meta({ id: 'Event' });

/** Error responses every keyed route may answer. */
export const errorResponses = { 400: problemSchema, 401: problemSchema, 404: problemSchema, 429: problemSchema } as const;

export const idParams = z.object({ id: z.string().min(1).max(100) });

export function campaignView(c: CampaignRecord & { counts?: Record<string, number> }): z.output<typeof campaignSchema> {
  return {
    id: c.id,
    name: c.name,
    sourceDir: c.sourceDir,
    startAt: isoOf(c.startAt),
    interval: c.intervalText,
    timezone: c.timezone,
    orderBy: c.orderBy,
    window: c.windowText,
    backend: c.backend,
    state: c.state,
    createdAt: isoOf(c.createdAt),
    cancelledAt: c.cancelledAt === null ? null : isoOf(c.cancelledAt),
    ...(c.counts ? { counts: c.counts } : {}),
  };
}

export function postView(p: PostRecord): z.output<typeof postSchema> {
  return {
    id: p.id,
    campaignId: p.campaignId,
    clipId: p.clipId,
    accountId: p.accountId,
    platform: p.platform,
    scheduledAt: isoOf(p.scheduledAt),
    timezone: p.timezone,
    state: p.state,
    attempt: p.attempt,
    nextAttemptAt: isoOf(p.nextAttemptAt),
    remoteId: p.remoteId,
    permalink: p.permalink,
    lastError: p.lastError,
    content: p.content,
    createdAt: isoOf(p.createdAt),
    updatedAt: isoOf(p.updatedAt),
  };
}

export function eventView(e: EventRecord): z.output<typeof eventSchema> {
  return { seq: e.seq, at: isoOf(e.at), postId: e.postId, campaignId: e.campaignId, accountId: e.accountId, type: e.type, data: e.data, hash: e.hash };
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}
