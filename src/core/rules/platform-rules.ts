import type { PlatformId } from '../platform-id.js';
import { textLength } from './text-length.js';
import type { LengthUnit } from './text-length.js';

/** `error`: the platform refuses it (do not publish); `warning`: it goes out, but not as intended. */
export type RuleSeverity = 'error' | 'warning';

/** A text limit, counted as the platform counts. */
export interface TextRule {
  max: number;
  unit: LengthUnit;
  severity: RuleSeverity;
  /** Characters the platform refuses in the text. */
  forbidden?: readonly string[];
  /** True when an empty text is refused. */
  required?: boolean;
}

/** A numeric range; `null` bounds are not enforced. */
export interface RangeRule {
  min: number | null;
  max: number | null;
  severity: RuleSeverity;
}

/** How many posts a platform lets clipcast publish per window, by default (the planner's input). */
export interface QuotaDefaults {
  /** Publishes per window and scope. */
  postsPerWindow: number;
  /** `rolling-24h`: any 24 hours; `calendar-day`: resets at midnight in `timeZone`. */
  window: 'rolling-24h' | 'calendar-day';
  timeZone?: string;
  /** Who the count belongs to. */
  scope: 'creator' | 'account' | 'project';
  /** Whether the platform tells the live figure (read it when it does). */
  live: boolean;
  note: string;
}

/** Everything clipcast checks before publishing to one platform. */
export interface PlatformRules {
  platform: PlatformId;
  /** The caption (TikTok, Instagram) or description (YouTube). */
  caption: TextRule;
  /** YouTube's title; null where there is none. */
  title: TextRule | null;
  /** YouTube's tag budget: total characters, commas counted, a tag with a space counts its quotes. */
  tags: { maxTotal: number; severity: RuleSeverity } | null;
  /** Hashtag occurrences in the caption; `max: null` = no documented cap. */
  hashtags: { max: number | null; severity: RuleSeverity };
  mentions: { max: number | null; severity: RuleSeverity };
  /** Hard duration range, seconds. */
  durationSec: RangeRule;
  /** Soft duration range (outside it the post goes out but e.g. not as a Short); null when none. */
  durationSoftSec: (RangeRule & { reason: string }) | null;
  fileSizeMaxBytes: { max: number; severity: RuleSeverity } | null;
  width: RangeRule;
  height: RangeRule;
  /** Width / height. */
  aspectRatio: RangeRule;
  /** True when a landscape clip only gets a warning (9:16 is native). */
  preferVertical: RuleSeverity | null;
  fps: RangeRule | null;
  /** Accepted video codecs, as RFC 6381 sample-entry prefixes (`avc1`, `hvc1`, ...). */
  videoCodecs: { allowed: readonly string[]; names: string; severity: RuleSeverity } | null;
  audioCodecs: { allowed: readonly string[]; names: string; severity: RuleSeverity } | null;
  /** Maximum media bitrate, bits per second. */
  bitrateMax: { max: number; severity: RuleSeverity } | null;
  /** `moov` before `mdat`. */
  faststart: RuleSeverity | null;
  /** The cover frame offset must lie inside the video. */
  coverInsideVideo: RuleSeverity | null;
  quota: QuotaDefaults;
}

const H264 = ['avc1', 'avc3'];
const H265 = ['hvc1', 'hev1'];
const AAC = ['mp4a.40'];

/**
 * TikTok Direct Post (`reference/tiktok.md` §12 video requirements and caption rules, §5.1 `title`,
 * §11.2 posting caps).
 */
const TIKTOK: PlatformRules = {
  platform: 'tiktok',
  // §5.1/§12: "Max 2200 UTF-16 code units" (= JS string.length); overlong → invalid_params.
  caption: { max: 2200, unit: 'utf16', severity: 'error' },
  title: null,
  tags: null,
  // §12: no documented limit on hashtags or mentions (unconfirmed).
  hashtags: { max: null, severity: 'warning' },
  mentions: { max: null, severity: 'warning' },
  // §12: the Upload endpoint takes up to 10 min; minimum undocumented (third parties cite 3 s, unconfirmed).
  durationSec: { min: null, max: 600, severity: 'error' },
  // §12: every creator can post 3 min; the per-creator max_video_post_duration_sec is checked at publish.
  durationSoftSec: { min: 3, max: 180, severity: 'warning', reason: "beyond 180 s depends on the creator's max_video_post_duration_sec; under 3 s may be refused (unconfirmed)" },
  // §12: up to 4 GB.
  fileSizeMaxBytes: { max: 4 * 1024 ** 3, severity: 'error' },
  // §12: width and height each between 360 and 4096 px (else picture_size_check_failed).
  width: { min: 360, max: 4096, severity: 'error' },
  height: { min: 360, max: 4096, severity: 'error' },
  // §12: aspect ratio not specified (unconfirmed); 9:16 is native.
  aspectRatio: { min: null, max: null, severity: 'warning' },
  preferVertical: 'warning',
  // §12: 23-60 fps (else frame_rate_check_failed).
  fps: { min: 23, max: 60, severity: 'error' },
  // §12: H.264 (recommended), H.265, VP8, VP9.
  videoCodecs: { allowed: [...H264, ...H265, 'vp08', 'vp09'], names: 'H.264, H.265, VP8 or VP9', severity: 'error' },
  // §12: audio codec not specified (unconfirmed); AAC in MP4 is the safe choice.
  audioCodecs: { allowed: AAC, names: 'AAC', severity: 'warning' },
  bitrateMax: null,
  faststart: null,
  // §5.1: a missing or invalid video_cover_timestamp_ms means the first frame.
  coverInsideVideo: 'warning',
  // §11.2: "typically about 15 per creator per day", shared across apps; over it: spam_risk_too_many_posts.
  quota: { postsPerWindow: 15, window: 'rolling-24h', scope: 'creator', live: false, note: 'about 15 Direct Posts per creator per 24 h, shared by all apps; video/init is also limited to 6 per minute per user token (§11.1)' },
};

/**
 * Instagram Reels through the Graph API (`reference/instagram.md` §3.1 `caption`, §8.1 Reels video,
 * §8.3 caption, §6.1 publishing quota).
 */
const INSTAGRAM: PlatformRules = {
  platform: 'instagram',
  // §8.3: 2,200 characters, counted by code points (Meta's probable rule, unconfirmed); over → 2207010.
  caption: { max: 2200, unit: 'codePoints', severity: 'error' },
  title: null,
  tags: null,
  // §3.1/§8.3: 30 hashtags, 20 @mentions (over 20 → 2207040).
  hashtags: { max: 30, severity: 'error' },
  mentions: { max: 20, severity: 'error' },
  // §8.1: 3 s minimum, 15 min maximum.
  durationSec: { min: 3, max: 15 * 60, severity: 'error' },
  durationSoftSec: null,
  // §8.1: at most 300 MB (a "1 GB" figure is unconfirmed).
  fileSizeMaxBytes: { max: 300 * 1024 * 1024, severity: 'error' },
  // §8.1: width at most 1920 px; no documented height limit.
  width: { min: null, max: 1920, severity: 'error' },
  height: { min: null, max: null, severity: 'error' },
  // §8.1: between 0.01:1 and 10:1; 9:16 recommended, others cropped or padded.
  aspectRatio: { min: 0.01, max: 10, severity: 'error' },
  preferVertical: 'warning',
  // §8.1: 23-60 fps.
  fps: { min: 23, max: 60, severity: 'error' },
  // §8.1: HEVC or H.264.
  videoCodecs: { allowed: [...H264, ...H265], names: 'H.264 or H.265 (HEVC)', severity: 'error' },
  // §8.1: AAC, at most 48 kHz, 1 or 2 channels.
  audioCodecs: { allowed: AAC, names: 'AAC', severity: 'error' },
  // §8.1: VBR, at most 25 Mbps.
  bitrateMax: { max: 25_000_000, severity: 'error' },
  // §8.1: moov atom at the start.
  faststart: 'error',
  // §3.1: thumb_offset must be >= 0 and shorter than the video, otherwise error 2207057.
  coverInsideVideo: 'error',
  // §6.1: 100 API-published posts per rolling 24 h (older pages say 50 or 25): read config.quota_total live.
  quota: { postsPerWindow: 100, window: 'rolling-24h', scope: 'account', live: true, note: 'Meta documents 100 per rolling 24 h (other pages say 50); read content_publishing_limit config.quota_total at run time; at most 400 containers per 24 h' },
};

/**
 * YouTube Shorts through the Data API v3 (`reference/youtube.md` §3 body rules, §5.1 limits, §6 Shorts,
 * §8.1 quota).
 */
const YOUTUBE: PlatformRules = {
  platform: 'youtube',
  // §3: description max 5000 bytes (UTF-8), no < or > (invalidDescription).
  caption: { max: 5000, unit: 'utf8Bytes', severity: 'error', forbidden: ['<', '>'] },
  // §3: title required, max 100 characters, no < or > (invalidTitle).
  title: { max: 100, unit: 'codePoints', severity: 'error', forbidden: ['<', '>'], required: true },
  // §3: tags max 500 characters in total, commas count, a tag with a space counts +2 (invalidTags).
  tags: { maxTotal: 500, severity: 'error' },
  // §5.1: hashtags in the description are plain text; no cap documented in the reference.
  hashtags: { max: null, severity: 'warning' },
  mentions: { max: null, severity: 'warning' },
  durationSec: { min: null, max: null, severity: 'error' },
  // §6: a Short is square or vertical and at most 180 s; otherwise it is a regular video.
  durationSoftSec: { min: null, max: 180, severity: 'warning', reason: 'longer than 180 s it is published as a regular video, not a Short' },
  // Not in the reference: YouTube Help gives 256 GB per upload.
  fileSizeMaxBytes: { max: 256 * 1024 ** 3, severity: 'error' },
  width: { min: null, max: null, severity: 'error' },
  height: { min: null, max: null, severity: 'error' },
  // §6: wider than square is a regular video, not a Short.
  aspectRatio: { min: null, max: 1, severity: 'warning' },
  preferVertical: null,
  fps: null,
  videoCodecs: null,
  audioCodecs: null,
  bitrateMax: null,
  faststart: null,
  // §7.1: the thumbnail is an image (thumbnails.set), not a frame offset; the offset is only a hint.
  coverInsideVideo: null,
  // §8.1: videos.insert has its own bucket of 100 calls per project per day, reset at midnight Pacific.
  quota: { postsPerWindow: 100, window: 'calendar-day', timeZone: 'America/Los_Angeles', scope: 'project', live: false, note: 'videos.insert: 100 calls per project per day (own bucket since 1 June 2026; 1,600 of 10,000 units before 4 Dec 2025); channels also have an unpublished daily upload cap (uploadLimitExceeded)' },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The rules of each platform, frozen.
 *
 * @example
 * ```ts
 * PLATFORM_RULES.instagram.hashtags.max; // 30
 * PLATFORM_RULES.youtube.title?.max;     // 100
 * ```
 */
export const PLATFORM_RULES: Readonly<Record<PlatformId, Readonly<PlatformRules>>> = deepFreeze({ tiktok: TIKTOK, instagram: INSTAGRAM, youtube: YOUTUBE });

/**
 * YouTube's count of a tag list against its 500-character budget (`reference/youtube.md` §3): the tags'
 * characters, one per comma between tags, and 2 more for each tag holding a space (it counts as quoted).
 *
 * @example
 * ```ts
 * youtubeTagsLength(['Foo-Baz']);          // 7
 * youtubeTagsLength(['Foo Baz']);          // 9
 * youtubeTagsLength(['Foo-Baz', 'Foo Baz']); // 17
 * ```
 */
export function youtubeTagsLength(tags: readonly string[]): number {
  let total = Math.max(0, tags.length - 1);
  for (const tag of tags) total += textLength(tag, 'codePoints') + (/\s/.test(tag) ? 2 : 0);
  return total;
}
