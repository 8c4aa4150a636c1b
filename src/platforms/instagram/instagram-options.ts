import { PublishError } from '../../core/publish-error.js';
import type { MediaInfo, PostContent } from '../../core/ports/platform-adapter.js';
import type { ContainerParams } from './instagram-client.js';

/** The per-post options the Instagram adapter understands (`ctx.content.options`). */
export interface InstagramPostOptions {
  /** Reel may also appear in Feed. Default true (Meta's observed default). */
  share_to_feed?: boolean;
  /** Public JPEG cover URL; wins over `thumb_offset`. */
  cover_url?: string;
  /** Cover frame in ms; default `content.coverTimestampSec × 1000`, else Meta's 0. */
  thumb_offset?: number;
  /** Up to 3 usernames, no leading `@`. */
  collaborators?: string[];
  /** A Facebook Page id with location data. */
  location_id?: string;
  /** Usernames to tag (or `{username}` objects). */
  user_tags?: (string | { username: string })[];
  /** Trial reel: shown to non-followers first. */
  trial_params?: { graduation_strategy: 'MANUAL' | 'SS_PERFORMANCE' };
  /** Renames the original audio (once). */
  audio_name?: string;
  /** AI self-disclosure label. */
  is_ai_generated?: boolean;
}

const KNOWN = ['share_to_feed', 'cover_url', 'thumb_offset', 'collaborators', 'location_id', 'user_tags', 'trial_params', 'audio_name', 'is_ai_generated'] as const;

function invalid(option: string, allowed: string): PublishError {
  return new PublishError(`Instagram option ${option} is invalid: allowed ${allowed}`, { platform: 'instagram', code: 'INSTAGRAM_INVALID_OPTION', kind: 'invalid' });
}

function isAsciiUrl(v: unknown): v is string {
  return typeof v === 'string' && /^https?:\/\/[\x21-\x7e]+$/.test(v);
}

/**
 * Validates the caption and options against Meta's rules (§3.1, §8.3) and builds the container
 * parameters (structured values as JSON text).
 *
 * @example
 * ```ts
 * const params = buildContainerParams(ctx.content, ctx.media); // { media_type: 'REELS', caption, thumb_offset: '1500', … }
 * ```
 */
export function buildContainerParams(content: PostContent, media: MediaInfo): ContainerParams {
  const o = content.options;
  for (const key of Object.keys(o)) {
    if (!(KNOWN as readonly string[]).includes(key)) throw invalid(key, `options are ${KNOWN.join(', ')}`);
  }
  const caption = content.caption ?? '';
  if ([...caption].length > 2200) throw invalid('caption', 'at most 2,200 characters');
  if ((caption.match(/#[^\s#]+/g) ?? []).length > 30) throw invalid('caption', 'at most 30 hashtags');
  if ((caption.match(/(^|\s)@[\w.]+/g) ?? []).length > 20) throw invalid('caption', 'at most 20 @mentions');
  const params: ContainerParams = { media_type: 'REELS' };
  if (caption) params.caption = caption;
  if (o.share_to_feed !== undefined) {
    if (typeof o.share_to_feed !== 'boolean') throw invalid('share_to_feed', 'true or false');
    params.share_to_feed = String(o.share_to_feed);
  }
  if (o.cover_url !== undefined) {
    if (!isAsciiUrl(o.cover_url)) throw invalid('cover_url', 'a public http(s) URL in plain US-ASCII');
    params.cover_url = o.cover_url;
  }
  const durationMs = Math.floor(media.durationSec * 1000);
  const offset = o.thumb_offset ?? (content.coverTimestampSec !== undefined ? Math.round(content.coverTimestampSec * 1000) : undefined);
  if (offset !== undefined && params.cover_url === undefined) {
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || (durationMs > 0 && offset >= durationMs)) {
      throw invalid('thumb_offset', `an integer number of ms in 0..${Math.max(0, durationMs - 1)}`);
    }
    params.thumb_offset = String(offset);
  }
  if (o.collaborators !== undefined) {
    const c = o.collaborators;
    if (!Array.isArray(c) || c.length > 3 || !c.every((u) => typeof u === 'string' && /^[\w.]{1,30}$/.test(u))) {
      throw invalid('collaborators', 'up to 3 usernames without a leading @');
    }
    params.collaborators = JSON.stringify(c);
  }
  if (o.location_id !== undefined) {
    if (typeof o.location_id !== 'string' || !/^\d+$/.test(o.location_id)) throw invalid('location_id', 'a numeric Facebook Page id (string)');
    params.location_id = o.location_id;
  }
  if (o.user_tags !== undefined) {
    const tags = o.user_tags;
    if (!Array.isArray(tags)) throw invalid('user_tags', 'an array of usernames');
    const names = tags.map((t: unknown) => (typeof t === 'string' ? t : (t as { username?: unknown })?.username));
    if (!names.every((n) => typeof n === 'string' && /^[\w.]{1,30}$/.test(n))) throw invalid('user_tags', 'an array of usernames (or {username}) without @');
    params.user_tags = JSON.stringify(names.map((username) => ({ username })));
  }
  if (o.trial_params !== undefined) {
    const g = (o.trial_params as { graduation_strategy?: unknown } | null)?.graduation_strategy;
    if (g !== 'MANUAL' && g !== 'SS_PERFORMANCE') throw invalid('trial_params', '{ graduation_strategy: "MANUAL" | "SS_PERFORMANCE" }');
    params.trial_params = JSON.stringify({ graduation_strategy: g });
  }
  if (o.audio_name !== undefined) {
    if (typeof o.audio_name !== 'string' || !o.audio_name.trim()) throw invalid('audio_name', 'a non-empty string');
    params.audio_name = o.audio_name;
  }
  if (o.is_ai_generated !== undefined) {
    if (typeof o.is_ai_generated !== 'boolean') throw invalid('is_ai_generated', 'true or false');
    params.is_ai_generated = String(o.is_ai_generated);
  }
  return params;
}
