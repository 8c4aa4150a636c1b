import { PublishError } from '../../core/publish-error.js';
import type { TikTokCreatorInfo, TikTokPostInfo } from './tiktok-client.js';
import type { TikTokConfig } from './tiktok-config.js';

/** Privacy levels of §4.2. */
export const TIKTOK_PRIVACY_LEVELS = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'] as const;

/** Per-post TikTok options (`ctx.content.options`), validated. */
export interface TikTokPostOptions {
  privacy_level: string | undefined;
  disable_comment: boolean;
  disable_duet: boolean;
  disable_stitch: boolean;
  video_cover_timestamp_ms: number;
  brand_content_toggle: boolean;
  brand_organic_toggle: boolean;
  is_aigc: boolean;
  mode: 'direct' | 'inbox';
}

const BOOLEAN_KEYS = ['disable_comment', 'disable_duet', 'disable_stitch', 'brand_content_toggle', 'brand_organic_toggle', 'is_aigc'] as const;
const KNOWN_KEYS = ['privacy_level', 'video_cover_timestamp_ms', 'mode', ...BOOLEAN_KEYS];

function invalid(message: string, code = 'TIKTOK_INVALID_OPTION'): PublishError {
  return new PublishError(message, { platform: 'tiktok', code, kind: 'invalid' });
}

/**
 * Validates the per-post options; throws an `invalid` PublishError naming the option and the allowed
 * values. Comment/Duet/Stitch are off by default (TikTok's UX rules: all unchecked), commercial
 * disclosure off, the cover from `coverTimestampSec`.
 *
 * @example
 * ```ts
 * const opts = parseTikTokOptions({ privacy_level: 'SELF_ONLY' }, { mode: 'direct', coverTimestampSec: 1.5 });
 * ```
 */
export function parseTikTokOptions(options: Record<string, unknown>, defaults: { mode: 'direct' | 'inbox'; coverTimestampSec?: number }): TikTokPostOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.includes(key)) throw invalid(`TikTok option "${key}" is unknown; allowed: ${KNOWN_KEYS.join(', ')}`);
  }
  const privacy = options.privacy_level;
  if (privacy !== undefined && !(TIKTOK_PRIVACY_LEVELS as readonly unknown[]).includes(privacy)) {
    throw invalid(`TikTok option privacy_level must be one of ${TIKTOK_PRIVACY_LEVELS.join(', ')}`);
  }
  const out: TikTokPostOptions = {
    privacy_level: privacy as string | undefined,
    disable_comment: false,
    disable_duet: false,
    disable_stitch: false,
    video_cover_timestamp_ms: Math.max(0, Math.round((defaults.coverTimestampSec ?? 0) * 1000)),
    brand_content_toggle: false,
    brand_organic_toggle: false,
    is_aigc: false,
    mode: defaults.mode,
  };
  for (const key of BOOLEAN_KEYS) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw invalid(`TikTok option ${key} must be true or false`);
    out[key] = v;
  }
  const cover = options.video_cover_timestamp_ms;
  if (cover !== undefined) {
    if (typeof cover !== 'number' || !Number.isInteger(cover) || cover < 0 || cover > 2_147_483_647) {
      throw invalid('TikTok option video_cover_timestamp_ms must be a non-negative integer (milliseconds)');
    }
    out.video_cover_timestamp_ms = cover;
  }
  const mode = options.mode;
  if (mode !== undefined) {
    if (mode !== 'direct' && mode !== 'inbox') throw invalid("TikTok option mode must be 'direct' or 'inbox'");
    out.mode = mode;
  }
  if (out.brand_content_toggle && out.privacy_level === 'SELF_ONLY') {
    throw invalid('TikTok option brand_content_toggle (Branded content, "Paid partnership") cannot be used with privacy_level SELF_ONLY: branded content cannot be private');
  }
  return out;
}

/**
 * Builds the nine `post_info` fields from the options and a fresh creator_info: the privacy must be
 * one the creator offers (and SELF_ONLY for an unaudited app), the clip must fit
 * `max_video_post_duration_sec`, the caption 2200 UTF-16 units, and interactions the creator disabled
 * are forced off.
 *
 * @example
 * ```ts
 * const postInfo = buildPostInfo(opts, creator, caption, durationSec, config);
 * ```
 */
export function buildPostInfo(opts: TikTokPostOptions, creator: TikTokCreatorInfo, caption: string, durationSec: number, config: Readonly<TikTokConfig>): TikTokPostInfo {
  const offered = creator.privacy_level_options;
  const privacy = opts.privacy_level ?? (config.audited ? config.defaultPrivacyLevel : 'SELF_ONLY');
  if (!privacy) throw invalid(`TikTok option privacy_level is required (TikTok forbids a default); this creator offers ${offered.join(', ')}`);
  if (!config.audited && privacy !== 'SELF_ONLY') {
    throw invalid(`TikTok privacy_level ${privacy} is not allowed: the app has not passed TikTok's audit, so it may only post SELF_ONLY (only me)`, 'TIKTOK_UNAUDITED_CLIENT');
  }
  if (!offered.includes(privacy)) {
    throw invalid(`TikTok privacy_level ${privacy} is not offered by @${creator.creator_username}; allowed: ${offered.join(', ')}`, 'TIKTOK_PRIVACY_MISMATCH');
  }
  if (durationSec > creator.max_video_post_duration_sec) {
    throw invalid(`The clip lasts ${durationSec} s but @${creator.creator_username} may post at most ${creator.max_video_post_duration_sec} s on TikTok`, 'TIKTOK_DURATION_TOO_LONG');
  }
  if (caption.length > 2200) throw invalid(`The TikTok caption has ${caption.length} characters; the limit is 2200`, 'TIKTOK_CAPTION_TOO_LONG');
  return {
    title: caption,
    privacy_level: privacy,
    disable_comment: opts.disable_comment || creator.comment_disabled,
    disable_duet: opts.disable_duet || creator.duet_disabled,
    disable_stitch: opts.disable_stitch || creator.stitch_disabled,
    video_cover_timestamp_ms: opts.video_cover_timestamp_ms,
    brand_content_toggle: opts.brand_content_toggle,
    brand_organic_toggle: opts.brand_organic_toggle,
    is_aigc: opts.is_aigc,
  };
}
