import { PublishError } from '../../core/publish-error.js';
import type { Credentials, MediaInfo, PostContent } from '../../core/ports/platform-adapter.js';

/** Assignable category ids (US; reference §5.3). 42 "Shorts" is listed but not assignable. */
export const YOUTUBE_CATEGORY_IDS = ['1', '2', '10', '15', '17', '19', '20', '22', '23', '24', '25', '26', '27', '28', '29'] as const;

/** What the adapter sends and does, derived once from the post. */
export interface YouTubeUploadPlan {
  /** The `video` resource body of the initiating POST (writable parts only). */
  resource: { snippet: Record<string, unknown>; status: Record<string, unknown> };
  notifySubscribers: boolean;
  playlistId?: string;
  thumbnailPath?: string;
  /** Why the clip will not be a Short, when it will not. */
  notShort?: string;
}

const PRIVACY = ['public', 'unlisted', 'private'];

function invalid(message: string, option: string): PublishError {
  return new PublishError(message, { platform: 'youtube', code: 'YOUTUBE_INVALID_OPTION', kind: 'invalid', platformCode: option });
}

/** Tag total by the comma-and-quote rule (a tag with a space counts as quoted: +2; commas count). */
export function youtubeTagLength(tags: string[]): number {
  return tags.reduce((n, t) => n + t.length + (t.includes(' ') ? 2 : 0), 0) + Math.max(0, tags.length - 1);
}

/**
 * Why `media` will not be classified a Short (vertical or square, at most 180 s, since 15 Oct 2024),
 * or undefined when it will.
 *
 * @example
 * ```ts
 * whyNotAShort({ width: 1920, height: 1080, durationSec: 30 }); // 'wider than tall (1920×1080)…'
 * ```
 */
export function whyNotAShort(media: Pick<MediaInfo, 'width' | 'height' | 'durationSec'>): string | undefined {
  const reasons: string[] = [];
  if (media.width > media.height) reasons.push(`wider than tall (${media.width}×${media.height}); Shorts are vertical or square`);
  if (media.durationSec > 180) reasons.push(`longer than 3 minutes (${Math.round(media.durationSec)} s)`);
  return reasons.length ? `not a Short: ${reasons.join('; ')}` : undefined;
}

function bool(options: Record<string, unknown>, key: string): boolean | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalid(`youtube option ${key} must be true or false (got ${JSON.stringify(v)})`, key);
  return v;
}

function str(options: Record<string, unknown>, key: string): string | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !v.trim()) throw invalid(`youtube option ${key} must be a non-empty string`, key);
  return v.trim();
}

const clean = (s: string) => s.replace(/[<>]/g, '');

/**
 * Builds the upload from the post: title (≤ 100 characters, no `<`/`>`), description (the caption,
 * ≤ 5000 UTF-8 bytes), tags (≤ 500 by Google's rule), and the options `privacyStatus`
 * (public|unlisted|private, default public), `publishAt` (ISO time; requires private),
 * `selfDeclaredMadeForKids` (required: option or the account's default), `containsSyntheticMedia`
 * (default false), `notifySubscribers` (default false), `categoryId` (default 22), `playlistId`,
 * `thumbnailPath`, `defaultLanguage`. Throws an `invalid` PublishError naming the option.
 *
 * @example
 * ```ts
 * const plan = planYouTubeUpload(ctx.content, ctx.media, ctx.account.credentials, '22');
 * ```
 */
export function planYouTubeUpload(content: PostContent, media: MediaInfo, credentials: Credentials, defaultCategoryId: string): YouTubeUploadPlan {
  const o = content.options;
  const explicitTitle = content.title !== undefined ? clean(content.title).trim() : undefined;
  if (explicitTitle !== undefined && [...explicitTitle].length > 100) throw invalid(`youtube title is ${[...explicitTitle].length} characters; the limit is 100`, 'title');
  const derived = clean(content.caption.split('\n')[0] ?? '').trim();
  const title = explicitTitle || [...derived].slice(0, 100).join('').trim();
  if (!title) throw invalid('youtube needs a title: give the post a title or a caption whose first line is not empty', 'title');
  const description = clean(content.caption);
  if (Buffer.byteLength(description) > 5000) throw invalid(`youtube description is ${Buffer.byteLength(description)} bytes; the limit is 5000 UTF-8 bytes`, 'caption');
  const tags = (content.tags ?? []).map((t) => clean(t).trim()).filter(Boolean);
  if (youtubeTagLength(tags) > 500) throw invalid(`youtube tags total ${youtubeTagLength(tags)} characters by Google's rule; the limit is 500`, 'tags');

  const privacyStatus = str(o, 'privacyStatus') ?? 'public';
  if (!PRIVACY.includes(privacyStatus)) throw invalid(`youtube option privacyStatus must be one of ${PRIVACY.join(', ')} (got ${privacyStatus})`, 'privacyStatus');
  const publishAtRaw = o['publishAt'];
  let publishAt: string | undefined;
  if (publishAtRaw !== undefined) {
    const ms = typeof publishAtRaw === 'number' ? publishAtRaw : typeof publishAtRaw === 'string' ? Date.parse(publishAtRaw) : NaN;
    if (Number.isNaN(ms)) throw invalid('youtube option publishAt must be an ISO 8601 time or epoch milliseconds', 'publishAt');
    if (privacyStatus !== 'private') throw invalid(`youtube option publishAt requires privacyStatus "private" (got "${privacyStatus}"); YouTube makes the video public at that time`, 'publishAt');
    publishAt = new Date(ms).toISOString();
  }
  const kidsDefault = credentials['selfDeclaredMadeForKids'];
  const madeForKids = bool(o, 'selfDeclaredMadeForKids') ?? (typeof kidsDefault === 'boolean' ? kidsDefault : undefined);
  if (madeForKids === undefined) {
    throw invalid('youtube option selfDeclaredMadeForKids is required (true or false): set it on the post or as the account default (credentials.selfDeclaredMadeForKids)', 'selfDeclaredMadeForKids');
  }
  const categoryRaw = o['categoryId'] ?? defaultCategoryId;
  const categoryId = String(categoryRaw);
  if (!(YOUTUBE_CATEGORY_IDS as readonly string[]).includes(categoryId)) {
    throw invalid(`youtube option categoryId must be an assignable category: ${YOUTUBE_CATEGORY_IDS.join(', ')} (got ${categoryId})`, 'categoryId');
  }
  const defaultLanguage = str(o, 'defaultLanguage');
  const snippet: Record<string, unknown> = { title, description, categoryId, ...(tags.length ? { tags } : {}), ...(defaultLanguage ? { defaultLanguage } : {}) };
  const status: Record<string, unknown> = {
    privacyStatus,
    ...(publishAt ? { publishAt } : {}),
    selfDeclaredMadeForKids: madeForKids,
    containsSyntheticMedia: bool(o, 'containsSyntheticMedia') ?? false,
  };
  return {
    resource: { snippet, status },
    notifySubscribers: bool(o, 'notifySubscribers') ?? false,
    playlistId: str(o, 'playlistId'),
    thumbnailPath: str(o, 'thumbnailPath'),
    notShort: whyNotAShort(media),
  };
}
