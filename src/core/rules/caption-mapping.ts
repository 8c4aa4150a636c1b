import type { LoadedClip } from '../clips/cliper-campaign.js';
import type { PlatformId } from '../platform-id.js';
import type { PostContent } from '../ports/platform-adapter.js';
import { PLATFORM_RULES, youtubeTagsLength } from './platform-rules.js';
import { textLength, truncateToLength } from './text-length.js';

/** Per-post overrides; each given field wins over the mapping. */
export interface ContentOverrides {
  caption?: string;
  title?: string;
  tags?: string[];
  /** Seconds; `null` means no cover offset at all. */
  coverTimestampSec?: number | null;
  /** Per-platform options (privacy, toggles, ...), passed to the adapter as they are. */
  options?: Record<string, unknown>;
}

/** Hashtags (and spaces) at the end of a copy: `... #TechEvents #AICDMX`. */
const TRAILING_HASHTAGS = /(?:\s*#[\p{L}\p{M}\p{N}_]+)+[\s.!]*$/u;

/**
 * Maps a CLIPER clip to one platform's post text (see docs/caption-mapping.md):
 * - TikTok, Instagram: the copy is the caption;
 * - YouTube: the copy is the description; the title is the copy without its trailing hashtags, on one
 *   line, `<`/`>` replaced, cut at a word boundary to 100 characters; tags are the hashtags then the
 *   `primary_topics`, deduplicated, within the 500-character tag budget;
 * - the cover offset is `suggested_thumbnail_timestamp`, dropped when `media` shows it past the clip's end;
 * - overrides win field by field.
 *
 * @example
 * ```ts
 * const content = mapContent('youtube', clip, { options: { privacyStatus: 'unlisted' } }, { durationSec: 42 });
 * content.title; // 'Mi breakup me llevó a 'hackear' Harvard para un 'hot or not' project 🤯'
 * ```
 */
export function mapContent(platform: PlatformId, clip: LoadedClip, overrides: ContentOverrides = {}, media?: { durationSec: number }): PostContent {
  const content: PostContent = { caption: overrides.caption ?? clip.copy.trim(), options: { ...(overrides.options ?? {}) } };
  const cover = overrides.coverTimestampSec === undefined ? clip.metadata.suggestedThumbnailTimestamp : overrides.coverTimestampSec;
  if (typeof cover === 'number' && Number.isFinite(cover) && cover >= 0 && (media === undefined || cover < media.durationSec)) {
    content.coverTimestampSec = cover;
  }
  if (platform === 'youtube') {
    if (overrides.caption === undefined) content.caption = replaceAngleBrackets(content.caption);
    content.title = overrides.title ?? youtubeTitleFromCopy(clip.copy, clip.clipId);
    content.tags = overrides.tags ?? youtubeTags([...clip.hashtags, ...(clip.metadata.primaryTopics ?? [])]);
  }
  return content;
}

/**
 * A YouTube title from a copy: trailing hashtags removed, one line, `<` `>` replaced by `‹` `›`, at most
 * 100 characters, cut at a word boundary with `…` when longer. `Clip <id>` when nothing is left.
 *
 * @example
 * ```ts
 * youtubeTitleFromCopy('¿Se escucha? 😅 El pre-meetup chaos es real. #TechEvents #AICDMX', 1);
 * // '¿Se escucha? 😅 El pre-meetup chaos es real.'
 * ```
 */
export function youtubeTitleFromCopy(copy: string, clipId: number): string {
  const max = PLATFORM_RULES.youtube.title?.max ?? 100;
  let title = replaceAngleBrackets(copy.replace(TRAILING_HASHTAGS, '')).replace(/\s+/g, ' ').trim();
  if (title === '') title = replaceAngleBrackets(copy).replace(/#/g, '').replace(/\s+/g, ' ').trim();
  if (title === '') return `Clip ${clipId}`;
  if (textLength(title, 'codePoints') <= max) return title;
  return cutAtWord(title, max - 1) + '…';
}

/**
 * The longest prefix within `max` code points ending at a word boundary of a one-line text (a hard cut
 * at a grapheme boundary when the last space is in the first half).
 */
function cutAtWord(text: string, max: number): string {
  const prefix = truncateToLength(text, max, 'codePoints');
  const lastSpace = text[prefix.length] === ' ' ? prefix.length : prefix.lastIndexOf(' ');
  const cut = lastSpace >= prefix.length / 2 ? prefix.slice(0, lastSpace) : prefix;
  return cut.replace(/[\s,;:–—-]+$/u, '');
}

/**
 * Tags for YouTube: `<`, `>` and commas removed, empty and repeated (case-insensitive) tags dropped, then
 * kept in order while they fit the 500-character budget as YouTube counts it (a tag that does not fit is
 * skipped; a shorter one after it may still fit).
 *
 * @example
 * ```ts
 * youtubeTags(['AICDMX', 'web scraping', 'aicdmx']); // ['AICDMX', 'web scraping']
 * ```
 */
export function youtubeTags(candidates: readonly string[], maxTotal = PLATFORM_RULES.youtube.tags?.maxTotal ?? 500): string[] {
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const raw of candidates) {
    const tag = raw.replace(/[<>,]/g, ' ').replace(/\s+/g, ' ').trim();
    const key = tag.toLocaleLowerCase();
    if (tag === '' || seen.has(key)) continue;
    if (youtubeTagsLength([...tags, tag]) > maxTotal) continue;
    seen.add(key);
    tags.push(tag);
  }
  return tags;
}

function replaceAngleBrackets(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›');
}
