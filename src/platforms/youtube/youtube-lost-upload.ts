import { createHash } from 'node:crypto';
import { PublishError } from '../../core/publish-error.js';
import type { PublishContext } from '../../core/ports/platform-adapter.js';
import type { HttpOptions } from '../../http/http.js';
import { YouTubeClient, type YouTubeAuth, type YouTubeVideo } from './youtube-client.js';
import type { YouTubeConfig } from './youtube-config.js';
import { youtubeTagLength, type YouTubeUploadPlan } from './youtube-metadata.js';

/** Uploads listed per lookup (one page, the API's maximum). */
const PAGE = 50;
/** Clock skew tolerated between clipcast and Google when comparing times. */
const SKEW_MS = 5 * 60_000;

/**
 * The tag clipcast adds to a video at session start so the video can be found again when the final
 * chunk's answer is lost and the session is gone: `clipcast-` and 12 hex digits of the post id's
 * sha256 (no space, 21 characters by Google's tag rule; it reveals nothing about the post).
 *
 * @example
 * ```ts
 * uploadMarker('pst_01J…'); // 'clipcast-3f9a0c1b2d4e'
 * ```
 */
export function uploadMarker(postId: string): string {
  return `clipcast-${createHash('sha256').update(postId).digest('hex').slice(0, 12)}`;
}

/**
 * The initiating POST's body with the marker among the tags, or the body as planned when the marker
 * would push the tags over Google's 500-character total (then the lookup matches title, description
 * and time instead).
 */
export function withMarker(resource: YouTubeUploadPlan['resource'], marker: string): { resource: YouTubeUploadPlan['resource']; marked: boolean } {
  const tags = Array.isArray(resource.snippet['tags']) ? (resource.snippet['tags'] as string[]) : [];
  if (tags.includes(marker)) return { resource, marked: true };
  if (youtubeTagLength([...tags, marker]) > 500) return { resource, marked: false };
  return { resource: { ...resource, snippet: { ...resource.snippet, tags: [...tags, marker] } }, marked: true };
}

/** What a lookup of the channel's uploads found. */
export type LostUploadLookup = { kind: 'found'; video: YouTubeVideo } | { kind: 'absent' } | { kind: 'unsettled'; why: string };

/**
 * Looks for the post's video among the channel's newest uploads: `channels.list?mine=true` for the
 * uploads playlist, `playlistItems.list` (newest 50), then `videos.list` of those published since the
 * lost session started, matched by the marker tag (or, for a session without one, by title and
 * description). 3 units of the shared budget. `unsettled` when the page cannot prove absence (more
 * than 50 uploads since the session, or no uploads playlist).
 *
 * @example
 * ```ts
 * const r = await findLostUpload(client, auth, { marker, marked: true, plan, since }, ctx.signal);
 * ```
 */
export async function findLostUpload(
  client: YouTubeClient,
  auth: YouTubeAuth,
  want: { marker: string; marked: boolean; plan: YouTubeUploadPlan; since: number },
  signal?: AbortSignal,
): Promise<LostUploadLookup> {
  const playlist = await auth.call((t) => client.uploadsPlaylist(t, signal));
  if (!playlist) return { kind: 'unsettled', why: 'the channel lists no uploads playlist' };
  const items = await auth.call((t) => client.playlistVideos(t, playlist, PAGE, signal));
  const since = want.since - SKEW_MS;
  const recent = items.filter((it) => !it.publishedAt || Date.parse(it.publishedAt) >= since);
  const videos = await auth.call((t) => client.listVideos(t, recent.map((it) => it.videoId), ['snippet', 'status'], signal));
  const title = String(want.plan.resource.snippet['title'] ?? '');
  const description = String(want.plan.resource.snippet['description'] ?? '');
  const match = videos.find((v) =>
    want.marked ? (v.snippet?.tags ?? []).includes(want.marker) : v.snippet?.title === title && (v.snippet?.description ?? '') === description,
  );
  if (match) return { kind: 'found', video: match };
  if (items.length >= PAGE && recent.length === items.length) return { kind: 'unsettled', why: `more than ${PAGE} uploads since the session started` };
  return { kind: 'absent' };
}

/** Dependencies of {@link settleLostUpload}. */
export interface SettleDeps {
  config: Readonly<YouTubeConfig>;
  auth: YouTubeAuth;
  plan: YouTubeUploadPlan;
  http?: HttpOptions;
}

/**
 * After a final-chunk intent whose session is gone (404), finds the first video before any new upload.
 * Found: returned (the caller records it). Absent: looked for again later (`retryable`, after
 * `lostUploadLookupIntervalMs`; a listing may lag) up to `lostUploadLookups` times, then the post stops
 * with `YOUTUBE_NEEDS_REVIEW`, asking a person to look at the channel. A person's retry of that post
 * looks once more and, when the video is still absent, returns `undefined`: the caller may upload anew.
 *
 * @example
 * ```ts
 * const video = await settleLostUpload(ctx, { config, auth, plan, http });
 * if (video) return finish(ctx, video);
 * ```
 */
export async function settleLostUpload(ctx: PublishContext, deps: SettleDeps): Promise<YouTubeVideo | undefined> {
  const client = new YouTubeClient(deps.config, ctx.clock, deps.http);
  const marker = uploadMarker(ctx.postId);
  const since = Number(ctx.remote['lostSessionCreatedAt'] ?? ctx.remote['finalChunkIntentAt'] ?? 0);
  const marked = ctx.remote['uploadMarked'] !== false;
  const found = await findLostUpload(client, deps.auth, { marker, marked, plan: deps.plan, since }, ctx.signal);
  const lookups = Number(ctx.remote['lostUploadLookups'] ?? 0) + 1;
  const clear = { lostFinalAt: null, finalChunkIntentAt: null, lostUploadLookups: 0, reviewRequired: null };
  if (found.kind === 'found') {
    await ctx.checkpoint({ remote: clear, event: { type: 'youtube.lost_upload_found', data: { videoId: found.video.id, lookups } } });
    return found.video;
  }
  // A failed post runs again only when a person retried it: they looked at the channel.
  if (ctx.remote['reviewRequired'] === true && found.kind === 'absent') {
    await ctx.checkpoint({ remote: clear, event: { type: 'youtube.lost_upload_absent_after_review', data: { lookups } } });
    return undefined;
  }
  await ctx.checkpoint({ remote: { lostUploadLookups: lookups }, event: { type: 'youtube.lost_upload_not_found', data: { lookups, result: found.kind, ...(found.kind === 'unsettled' ? { why: found.why } : {}) } } });
  if (found.kind === 'absent' && lookups < deps.config.lostUploadLookups) {
    throw new PublishError(`youtube: the final chunk's answer was lost and the session is gone; the video is not in the channel's uploads yet (look ${lookups}/${deps.config.lostUploadLookups}); looking again later before any new upload`, {
      platform: 'youtube', code: 'YOUTUBE_LOST_UPLOAD_PENDING', kind: 'retryable', retryAfterMs: deps.config.lostUploadLookupIntervalMs,
    });
  }
  await ctx.checkpoint({ remote: { reviewRequired: true }, event: { type: 'youtube.needs_review', data: { result: found.kind } } });
  const title = String(deps.plan.resource.snippet['title'] ?? '');
  const when = new Date(since).toISOString();
  throw new PublishError(
    `youtube needs a review: the final chunk was sent but its answer was lost and the upload session is gone, and clipcast could not settle whether the video exists (${found.kind === 'unsettled' ? found.why : `not in the channel's uploads after ${lookups} looks`}). ` +
      `Check the channel for "${title}" uploaded after ${when} (tag ${marker}): if it is there, leave this post; if not, retry the post to upload it again (clipcast posts retry ${ctx.postId}).`,
    { platform: 'youtube', code: 'YOUTUBE_NEEDS_REVIEW', kind: 'invalid' },
  );
}
