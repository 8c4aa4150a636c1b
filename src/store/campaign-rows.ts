import type { Kysely, Transaction } from 'kysely';
import type { NewCampaign, NewEvent } from '../core/ports/store.js';
import type { Database } from './schema.js';

/**
 * Inserts a campaign with its clips and posts (state `scheduled`) inside the caller's transaction and
 * returns the ledger rows to append with them. Postiz campaigns are due at once (submissions are paced
 * ahead of the planned time; Postiz publishes at the planned date itself).
 */
export async function insertCampaignRows(
  trx: Kysely<Database> | Transaction<Database>,
  input: NewCampaign,
  now: number,
): Promise<NewEvent[]> {
  const c = input.campaign;
  await trx
    .insertInto('campaigns')
    .values({
      id: c.id,
      name: c.name,
      source_dir: c.sourceDir,
      clips_file_sha256: c.clipsFileSha256,
      fingerprint: c.fingerprint,
      start_at: c.startAt,
      interval_text: c.intervalText,
      timezone: c.timezone,
      order_by: c.orderBy,
      window_text: c.windowText,
      backend: c.backend,
      state: 'active',
      created_at: now,
      cancelled_at: null,
    })
    .execute();
  for (const clip of input.clips) {
    await trx
      .insertInto('clips')
      .values({
        id: clip.id,
        campaign_id: c.id,
        clip_id: clip.clipId,
        media_sha256: clip.mediaSha256,
        media_path: clip.mediaPath,
        size: clip.size,
        probe_json: JSON.stringify(clip.probe),
        copy: clip.copy,
        metadata_json: JSON.stringify(clip.metadata),
        derived_json: clip.derivedMedia?.length ? JSON.stringify(clip.derivedMedia) : null,
      })
      .execute();
  }
  const events: NewEvent[] = [
    {
      campaignId: c.id,
      type: 'campaign.created',
      data: { name: c.name, posts: input.posts.length, clips: input.clips.length },
    },
  ];
  for (const p of input.posts) {
    await trx
      .insertInto('posts')
      .values({
        id: p.id,
        campaign_id: c.id,
        clip_row_id: p.clipRowId,
        clip_id: p.clipId,
        account_id: p.accountId,
        platform: p.platform,
        scheduled_at: p.scheduledAt,
        timezone: p.timezone,
        content_json: JSON.stringify(p.content),
        state: 'scheduled',
        resume_state: 'preparing',
        attempt: 0,
        // Postiz backend: submission is paced ahead of the planned time (Postiz publishes at the date itself).
        next_attempt_at: c.backend === 'postiz' ? Math.min(now, p.scheduledAt) : p.scheduledAt,
        lease_owner: null,
        lease_until: null,
        remote_json: '{}',
        remote_id: null,
        permalink: null,
        last_error_json: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    events.push({
      postId: p.id,
      campaignId: c.id,
      accountId: p.accountId,
      type: 'post.scheduled',
      data: { clipId: p.clipId, platform: p.platform, scheduledAt: new Date(p.scheduledAt).toISOString() },
    });
  }
  return events;
}
