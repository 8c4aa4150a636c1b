import { PLATFORM_IDS, PLATFORM_NAMES } from '../platform-id.js';
import type { PlatformId } from '../platform-id.js';
import { PLATFORM_RULES } from './platform-rules.js';

/**
 * What a provider (platform) supports and allows, as `GET /publishing/providers/{platform}` and
 * `clipcast providers --json` show it. Snake-case keys: this is a wire format.
 */
export interface ProviderInfo {
  platform: PlatformId;
  name: string;
  features: string[];
  limits: ProviderLimits;
  api_version: string;
  documentation: string;
}

/**
 * The limits of a provider, from platform-rules.ts; `null` = no documented limit. The four `max_*` keys
 * are the ones the original publishing API spec names (kept for its clients); the richer fields beside
 * them say how each limit is counted.
 */
export interface ProviderLimits {
  /** The spec's name for `caption_max_length`. */
  max_caption_length: number;
  /** The spec's name for `hashtags_max`. */
  max_hashtags: number | null;
  /** The spec's name for `duration_max_sec`. */
  max_video_duration_seconds: number | null;
  /** `file_size_max_bytes` in MiB (1 MB = 1,048,576 bytes, as the platforms' docs count it). */
  max_video_size_mb: number | null;
  caption_max_length: number;
  /** How `caption_max_length` is counted: `utf16` code units, `codePoints` or `utf8Bytes`. */
  caption_length_unit: string;
  title_max_length: number | null;
  tags_max_total_length: number | null;
  hashtags_max: number | null;
  mentions_max: number | null;
  duration_min_sec: number | null;
  duration_max_sec: number | null;
  /** Beyond it the post still goes out, e.g. as a regular video instead of a Short. */
  duration_recommended_max_sec: number | null;
  file_size_max_bytes: number | null;
  width_min: number | null;
  width_max: number | null;
  height_min: number | null;
  height_max: number | null;
  fps_min: number | null;
  fps_max: number | null;
  video_codecs: string | null;
  audio_codecs: string | null;
  bitrate_max_bps: number | null;
  faststart_required: boolean;
  posts_per_window: number;
  posts_window: string;
  posts_scope: string;
}

const FEATURES: Readonly<Record<PlatformId, readonly string[]>> = {
  tiktok: ['video', 'direct_post', 'chunked_upload', 'privacy_level', 'cover_timestamp', 'disable_comment', 'disable_duet', 'disable_stitch', 'branded_content', 'ai_generated_label', 'status_polling', 'token_refresh'],
  instagram: ['reels', 'video_url_upload', 'resumable_upload', 'cover_offset', 'share_to_feed', 'collaborators', 'trial_reels', 'ai_generated_label', 'status_polling', 'publishing_limit', 'token_refresh'],
  youtube: ['shorts', 'resumable_upload', 'title', 'description', 'tags', 'privacy_status', 'scheduled_publish', 'made_for_kids', 'synthetic_media_label', 'category', 'status_polling', 'token_refresh'],
};

const API_VERSIONS: Readonly<Record<PlatformId, string>> = { tiktok: 'v2', instagram: 'v26.0', youtube: 'v3' };

const DOCUMENTATION: Readonly<Record<PlatformId, string>> = {
  tiktok: 'https://developers.tiktok.com/doc/content-posting-api-reference-direct-post',
  instagram: 'https://developers.facebook.com/docs/instagram-platform/content-publishing',
  youtube: 'https://developers.google.com/youtube/v3/docs/videos/insert',
};

/**
 * The provider description of one platform.
 *
 * @example
 * ```ts
 * providerInfo('instagram').limits.hashtags_max; // 30
 * ```
 */
export function providerInfo(platform: PlatformId): ProviderInfo {
  const r = PLATFORM_RULES[platform];
  return {
    platform,
    name: PLATFORM_NAMES[platform],
    features: [...FEATURES[platform]],
    limits: {
      max_caption_length: r.caption.max,
      max_hashtags: r.hashtags.max,
      max_video_duration_seconds: r.durationSec.max,
      max_video_size_mb: r.fileSizeMaxBytes ? Math.floor(r.fileSizeMaxBytes.max / (1024 * 1024)) : null,
      caption_max_length: r.caption.max,
      caption_length_unit: r.caption.unit,
      title_max_length: r.title?.max ?? null,
      tags_max_total_length: r.tags?.maxTotal ?? null,
      hashtags_max: r.hashtags.max,
      mentions_max: r.mentions.max,
      duration_min_sec: r.durationSec.min,
      duration_max_sec: r.durationSec.max,
      duration_recommended_max_sec: r.durationSoftSec?.max ?? null,
      file_size_max_bytes: r.fileSizeMaxBytes?.max ?? null,
      width_min: r.width.min,
      width_max: r.width.max,
      height_min: r.height.min,
      height_max: r.height.max,
      fps_min: r.fps?.min ?? null,
      fps_max: r.fps?.max ?? null,
      video_codecs: r.videoCodecs?.names ?? null,
      audio_codecs: r.audioCodecs?.names ?? null,
      bitrate_max_bps: r.bitrateMax?.max ?? null,
      faststart_required: r.faststart === 'error',
      posts_per_window: r.quota.postsPerWindow,
      posts_window: r.quota.window,
      posts_scope: r.quota.scope,
    },
    api_version: API_VERSIONS[platform],
    documentation: DOCUMENTATION[platform],
  };
}

/**
 * The platform ids, sorted: what `GET /publishing/providers` answers (`["instagram","tiktok","youtube"]`).
 *
 * @example
 * ```ts
 * listProviderIds(); // ['instagram', 'tiktok', 'youtube']
 * ```
 */
export function listProviderIds(): PlatformId[] {
  return [...PLATFORM_IDS].sort();
}

/**
 * Every provider's description, sorted by platform id (for `clipcast providers`).
 *
 * @example
 * ```ts
 * for (const p of listProviders()) console.log(p.name, p.api_version);
 * ```
 */
export function listProviders(): ProviderInfo[] {
  return listProviderIds().map(providerInfo);
}
