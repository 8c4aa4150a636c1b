import type { Selectable } from 'kysely';
import type { AccountRecord, CampaignRecord, ClipRecord, DerivedMedia, EventRecord, PostRecord } from '../core/ports/store.js';
import type { PlatformId } from '../core/platform-id.js';
import type { PostState } from '../core/post-state.js';
import type { AccountsTable, CampaignsTable, ClipsTable, EventsTable, PostsTable } from './schema.js';

// Row ↔ record mapping, one place. Numbers come back as numbers on both dialects (pg int8 parser set).

export function toAccount(r: Selectable<AccountsTable>): AccountRecord {
  return {
    id: r.id,
    platform: r.platform as PlatformId,
    handle: r.handle,
    externalId: r.external_id,
    displayName: r.display_name,
    isMain: !!r.is_main,
    active: !!r.active,
    status: r.status as AccountRecord['status'],
    tokenExpiresAt: r.token_expires_at === null ? null : Number(r.token_expires_at),
    credentialsEnc: r.credentials_enc,
    keyVersion: r.key_version,
    sandbox: !!r.sandbox,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function fromAccount(a: AccountRecord): Selectable<AccountsTable> {
  return {
    id: a.id,
    platform: a.platform,
    handle: a.handle,
    external_id: a.externalId,
    display_name: a.displayName,
    is_main: a.isMain ? 1 : 0,
    active: a.active ? 1 : 0,
    status: a.status,
    token_expires_at: a.tokenExpiresAt,
    credentials_enc: a.credentialsEnc,
    key_version: a.keyVersion,
    sandbox: a.sandbox ? 1 : 0,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

export function toCampaign(r: Selectable<CampaignsTable>): CampaignRecord {
  return {
    id: r.id,
    name: r.name,
    sourceDir: r.source_dir,
    clipsFileSha256: r.clips_file_sha256,
    fingerprint: r.fingerprint,
    startAt: Number(r.start_at),
    intervalText: r.interval_text,
    timezone: r.timezone,
    orderBy: r.order_by,
    windowText: r.window_text,
    backend: r.backend as CampaignRecord['backend'],
    state: r.state as CampaignRecord['state'],
    createdAt: Number(r.created_at),
    cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
  };
}

export function toClip(r: Selectable<ClipsTable>): ClipRecord {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    clipId: r.clip_id,
    mediaSha256: r.media_sha256,
    mediaPath: r.media_path,
    size: Number(r.size),
    probe: JSON.parse(r.probe_json) as Record<string, unknown>,
    copy: r.copy,
    metadata: JSON.parse(r.metadata_json) as Record<string, unknown>,
    ...(r.derived_json ? { derivedMedia: JSON.parse(r.derived_json) as DerivedMedia[] } : {}),
  };
}

export function toPost(r: Selectable<PostsTable>): PostRecord {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    clipRowId: r.clip_row_id,
    clipId: r.clip_id,
    accountId: r.account_id,
    platform: r.platform as PlatformId,
    scheduledAt: Number(r.scheduled_at),
    timezone: r.timezone,
    content: JSON.parse(r.content_json) as PostRecord['content'],
    state: r.state as PostState,
    attempt: r.attempt,
    nextAttemptAt: Number(r.next_attempt_at),
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until === null ? null : Number(r.lease_until),
    remote: JSON.parse(r.remote_json) as PostRecord['remote'],
    remoteId: r.remote_id,
    permalink: r.permalink,
    lastError: r.last_error_json ? (JSON.parse(r.last_error_json) as PostRecord['lastError']) : null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toEvent(r: Selectable<EventsTable>): EventRecord {
  return {
    seq: Number(r.seq),
    at: Number(r.at),
    postId: r.post_id,
    campaignId: r.campaign_id,
    accountId: r.account_id,
    type: r.type,
    data: JSON.parse(r.data_json) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
