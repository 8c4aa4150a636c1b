import type { StepResult } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';
import { containerError } from './instagram-errors.js';
import { holdOffIfBusy, resetContainer, type StepEnv } from './instagram-remote.js';

/** Clock skew tolerated when matching a media timestamp to the publish intent. */
const SKEW_MS = 5 * 60_000;

/**
 * The publishing step: read `content_publishing_limit` (defer when used up), hold off when the usage
 * headers near the budget, record the intent, then the irreversible `media_publish`.
 *
 * @example
 * ```ts
 * const result = await publishContainer(env); // { status: 'published', remoteId, permalink }
 * ```
 */
export async function publishContainer(env: StepEnv): Promise<StepResult> {
  const { ctx, creds, client, config, remote } = env;
  const containerId = remote.containerId!;
  const limit = await client.publishingLimit(creds.flavour, creds.accessToken, creds.igUserId);
  if (limit.total !== undefined && limit.usage >= limit.total) {
    throw new PublishError(`Instagram publishing quota used up (${limit.usage}/${limit.total} in ${limit.durationSec / 3600} h); deferring`, {
      platform: 'instagram', code: 'INSTAGRAM_QUOTA', kind: 'quota', deferUntil: ctx.clock.now() + config.quotaRecheckMs,
    });
  }
  holdOffIfBusy(env, 'media_publish');
  const intentAt = ctx.clock.now();
  await ctx.checkpoint({
    remote: { publishIntentAt: intentAt, publishAttempts: (remote.publishAttempts ?? 0) + 1 },
    event: { type: 'instagram_publish_intent', data: { containerId } },
  });
  let mediaId: string;
  try {
    mediaId = (await client.publish(creds.flavour, creds.accessToken, creds.igUserId, containerId)).id;
  } catch (error) {
    // Only an answer that proves nothing was published voids the intent. A transient error (code 1/2,
    // 5xx, rate limits) or no answer does not: Meta may have published and then reported an error, so
    // the intent stays and the next step GETs the container before any new media_publish.
    if (error instanceof PublishError && publishRefused(error)) {
      await ctx.checkpoint({ remote: { publishIntentAt: null } });
      if (error.code === 'INSTAGRAM_NOT_READY') return { status: 'continue', next: 'processing', delayMs: config.poll.intervalMs };
      if (error.platformCode === '24/2207008') await resetContainer(env, 'container missing at publish');
    }
    throw error;
  }
  return finish(env, mediaId, 'instagram_published');
}

/**
 * Whether a `media_publish` error proves the reel was not published: the container was not ready
 * (9007/2207027) or is gone (24/2207008), the quota is used up, the token or the request was refused.
 * Transient errors and lost answers prove nothing.
 */
function publishRefused(error: PublishError): boolean {
  if (error.code === 'INSTAGRAM_NOT_READY' || error.platformCode === '24/2207008') return true;
  return error.kind === 'invalid' || error.kind === 'quota' || error.kind === 'needs_reauth';
}

/**
 * A step that finds a publish intent without a media id: ask the container before anything else.
 * PUBLISHED means the reel is out (find it in the media list); FINISHED means it is not, so publish.
 */
export async function reconcilePublish(env: StepEnv): Promise<StepResult> {
  const { ctx, creds, client, remote } = env;
  const containerId = remote.containerId!;
  const status = await client.getContainer(creds.flavour, creds.accessToken, containerId);
  switch (status.status_code) {
    case 'PUBLISHED':
      return findPublished(env);
    case 'FINISHED':
      await ctx.checkpoint({ remote: { publishIntentAt: null }, event: { type: 'instagram_reconciled', data: { containerId, published: false } } });
      return { status: 'continue', next: 'publishing', delayMs: 0, note: 'container not published; publishing' };
    case 'IN_PROGRESS':
      await ctx.checkpoint({ remote: { publishIntentAt: null }, event: { type: 'instagram_reconciled', data: { containerId, published: false } } });
      return { status: 'continue', next: 'processing', delayMs: env.config.poll.intervalMs };
    case 'ERROR': {
      const error = containerError(status.status, containerId);
      await resetContainer(env, 'ERROR during reconcile');
      throw error;
    }
    default:
      await resetContainer(env, `${status.status_code ?? 'unknown'} during reconcile`);
      throw new PublishError(`Instagram container ${containerId} was not published and is ${status.status_code ?? 'gone'}; a new container will be made`, {
        platform: 'instagram', code: 'INSTAGRAM_CONTAINER_EXPIRED', kind: 'retryable',
      });
  }
}

/** The container says PUBLISHED: find its media (newest first; same caption, published after the intent). */
export async function findPublished(env: StepEnv): Promise<StepResult> {
  const { ctx, creds, client, remote } = env;
  const since = (remote.publishIntentAt ?? remote.containerCreatedAt ?? 0) - SKEW_MS;
  const caption = ctx.content.caption ?? '';
  const items = await client.listMedia(creds.flavour, creds.accessToken, creds.igUserId, 50);
  const matches = items.filter((m) => (m.caption ?? '') === caption && (!m.timestamp || Date.parse(m.timestamp.replace(/\+0000$/, 'Z')) >= since));
  const match = matches.at(-1);
  if (!match) {
    throw new PublishError(`Instagram container ${remote.containerId} is PUBLISHED but its media is not listed yet`, {
      platform: 'instagram', code: 'INSTAGRAM_RECONCILE_PENDING', kind: 'retryable', retryAfterMs: 30_000,
    });
  }
  return finish(env, match.id, 'instagram_reconciled');
}

async function finish(env: StepEnv, mediaId: string, event: string): Promise<StepResult> {
  const { ctx, creds, client, remote } = env;
  await ctx.checkpoint({ remote: { mediaId }, event: { type: event, data: { containerId: remote.containerId ?? null, mediaId } } });
  let permalink: string | undefined;
  try {
    permalink = (await client.getMedia(creds.flavour, creds.accessToken, mediaId)).permalink;
    if (permalink) await ctx.checkpoint({ remote: { permalink } });
  } catch {
    // The permalink is cosmetic: the reel is out, do not fail the post over it (§5.2).
  }
  return { status: 'published', remoteId: mediaId, permalink };
}
