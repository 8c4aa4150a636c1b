import type { PublishContext, StepResult } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';
import type { TikTokClient } from './tiktok-client.js';
import type { TikTokConfig } from './tiktok-config.js';
import { failReasonError } from './tiktok-errors.js';
import type { TikTokRemote } from './tiktok-upload.js';

/**
 * Builds the public URL of a post (§9.5: `…/@user/video/{id}`, an observed shape, not a contract), or
 * the profile when TikTok shows no post id (private post, or moderation pending).
 *
 * @example
 * ```ts
 * tiktokPermalink('https://www.tiktok.com', 'clipcast_demo', '7431234567890123456');
 * ```
 */
export function tiktokPermalink(webBaseUrl: string, username: string | undefined, postId: string | undefined): string | undefined {
  if (!username) return undefined;
  const profile = `${webBaseUrl}/@${encodeURIComponent(username)}`;
  return postId ? `${profile}/video/${postId}` : profile;
}

/**
 * The `processing` step: one status/fetch. Returns `continue` with a growing delay (×1.5 from
 * `pollInitialMs` up to `pollMaxMs`, under the 30/min limit) until the post is final; maps
 * `fail_reason` to a clear message and kind. A FAILED post whose reason is worth retrying (TikTok's
 * `internal`, a failed pull) forgets its publish_id first, so the retry makes a fresh init: a failed
 * publish can never post, so this cannot double-post.
 *
 * @example
 * ```ts
 * const result = await runStatusStep(ctx, client, accessToken, config);
 * ```
 */
export async function runStatusStep(ctx: PublishContext, client: TikTokClient, accessToken: string, config: Readonly<TikTokConfig>): Promise<StepResult> {
  const remote = ctx.remote as TikTokRemote;
  if (!remote.publishId || !remote.uploadDoneAt) return { status: 'continue', next: 'uploading', delayMs: 0, note: 'upload not finished' };
  const publishId = remote.publishId;
  const status = await client.fetchStatus(accessToken, publishId, ctx.signal);
  const now = ctx.clock.now();
  const polls = (remote.pollCount ?? 0) + 1;
  const delayMs = Math.min(config.pollMaxMs, Math.round(config.pollInitialMs * 1.5 ** (polls - 1)));
  const since = remote.processingSince ?? now;
  const permalinkOf = (postId?: string) => tiktokPermalink(config.webBaseUrl, remote.creatorUsername, postId);

  switch (status.status) {
    case 'SEND_TO_USER_INBOX':
      if (remote.mode === 'inbox') {
        await ctx.checkpoint({ event: { type: 'tiktok_inbox_delivered', data: { publishId } } });
        return { status: 'published', remoteId: publishId, permalink: permalinkOf(), note: 'sent to the creator’s TikTok inbox as a draft: they must open the notification to finish the post' };
      }
      break;
    case 'PUBLISH_COMPLETE': {
      const postId = status.postIds[0];
      const completeSeenAt = remote.completeSeenAt ?? now;
      const public_ = remote.mode !== 'inbox' && remote.postInfo?.privacy_level === 'PUBLIC_TO_EVERYONE';
      if (!postId && public_ && now - completeSeenAt < config.postIdWaitMs) {
        // Posted; public posts pass moderation before TikTok shows their id.
        await ctx.checkpoint({ remote: { pollCount: polls, processingSince: since, completeSeenAt } });
        return { status: 'continue', next: 'processing', delayMs, note: 'posted; waiting for TikTok moderation to show the post id' };
      }
      await ctx.checkpoint({ event: { type: 'tiktok_publish_complete', data: { publishId, postIds: status.postIds } } });
      return {
        status: 'published',
        remoteId: postId ?? publishId,
        permalink: permalinkOf(postId),
        note: [
          remote.postInfo?.privacy_level === 'SELF_ONLY' ? 'published as SELF_ONLY: only the creator sees it (unaudited TikTok apps can post only privately)' : remote.postInfo?.privacy_level && remote.postInfo.privacy_level !== 'PUBLIC_TO_EVERYONE' ? `published as ${remote.postInfo.privacy_level}` : undefined,
          postId ? undefined : 'TikTok shows no post id for non-public posts, so the link is the profile',
        ].filter(Boolean).join('; ') || undefined,
      };
    }
    case 'FAILED': {
      const error = failReasonError(status.failReason ?? 'unknown', client.ctx('TikTok processing'));
      const forget = error.kind === 'retryable';
      await ctx.checkpoint({
        remote: forget ? { publishId: null, uploadDoneAt: null, initIntentAt: null, pollCount: 0, processingSince: null, completeSeenAt: null } : {},
        ...(forget ? { upload: null } : {}),
        event: { type: 'tiktok_publish_failed', data: { publishId, failReason: status.failReason, willRetryWithFreshInit: forget } },
      });
      throw error;
    }
    default:
      break;
  }
  if (now - since > config.processingTimeoutMs) {
    throw new PublishError(`TikTok still shows ${status.status} for publish ${publishId} after ${Math.round((now - since) / 60_000)} min; check the profile before posting again`, {
      platform: 'tiktok',
      code: 'TIKTOK_PROCESSING_TIMEOUT',
      kind: 'invalid',
    });
  }
  await ctx.checkpoint({ remote: { pollCount: polls, processingSince: since } });
  return { status: 'continue', next: 'processing', delayMs, note: `TikTok status ${status.status}; processing can take a few minutes` };
}
