import type { EmulatorResponse } from '../emulator-server.js';
import { googleError } from './youtube-envelope.js';

/** Assignable US categories (reference §5.3). */
export const ASSIGNABLE_CATEGORIES: Record<string, string> = {
  '1': 'Film & Animation', '2': 'Autos & Vehicles', '10': 'Music', '15': 'Pets & Animals', '17': 'Sports',
  '19': 'Travel & Events', '20': 'Gaming', '22': 'People & Blogs', '23': 'Comedy', '24': 'Entertainment',
  '25': 'News & Politics', '26': 'Howto & Style', '27': 'Education', '28': 'Science & Technology',
  '29': 'Nonprofits & Activism',
};

/** Listed but not assignable (42 "Shorts" among them). */
export const UNASSIGNABLE_CATEGORIES: Record<string, string> = {
  '18': 'Short Movies', '21': 'Videoblogging', '30': 'Movies', '31': 'Anime/Animation', '32': 'Action/Adventure',
  '33': 'Classics', '34': 'Comedy', '35': 'Documentary', '36': 'Drama', '37': 'Family', '38': 'Foreign',
  '39': 'Horror', '40': 'Sci-Fi/Fantasy', '41': 'Thriller', '42': 'Shorts', '43': 'Shows', '44': 'Trailers',
};

/** The writable parts of a video resource as sent on insert/update. */
export interface VideoWritable {
  snippet?: {
    title?: unknown;
    description?: unknown;
    tags?: unknown;
    categoryId?: unknown;
    defaultLanguage?: unknown;
    defaultAudioLanguage?: unknown;
  };
  status?: {
    privacyStatus?: unknown;
    publishAt?: unknown;
    embeddable?: unknown;
    license?: unknown;
    publicStatsViewable?: unknown;
    selfDeclaredMadeForKids?: unknown;
    containsSyntheticMedia?: unknown;
  };
  localizations?: Record<string, unknown>;
}

/** Tag total by the comma-and-quote rule: commas between tags count, a tag with a space counts +2. */
export function tagLength(tags: string[]): number {
  return tags.reduce((n, t) => n + t.length + (t.includes(' ') ? 2 : 0), 0) + Math.max(0, tags.length - 1);
}

/**
 * Validates the writable fields per reference §3; returns the error response or undefined.
 *
 * @example
 * ```ts
 * const bad = validateVideoMetadata(body, true);
 * if (bad) return bad;
 * ```
 */
export function validateVideoMetadata(body: VideoWritable, requireSnippet: boolean): EmulatorResponse | undefined {
  const fail = (reason: string, message: string, status = 400) => googleError(status, reason, message, { domain: 'youtube.video' });
  const s = body.snippet;
  if (requireSnippet && !s) return fail('invalidVideoMetadata', 'The request metadata is invalid: snippet is required.');
  if (s) {
    if (typeof s.title !== 'string' || s.title.trim() === '' || [...s.title].length > 100 || /[<>]/.test(s.title)) {
      return fail('invalidTitle', 'The request metadata specifies an invalid or empty video title.');
    }
    if (s.description !== undefined && (typeof s.description !== 'string' || Buffer.byteLength(s.description) > 5000 || /[<>]/.test(s.description))) {
      return fail('invalidDescription', 'The request metadata specifies an invalid video description.');
    }
    if (s.tags !== undefined && (!Array.isArray(s.tags) || !s.tags.every((t) => typeof t === 'string') || tagLength(s.tags as string[]) > 500)) {
      return fail('invalidTags', 'The request metadata specifies invalid video keywords.');
    }
    // Google's own example sends a bare number; both are accepted, responses hold strings.
    if (s.categoryId !== undefined && !(String(s.categoryId) in ASSIGNABLE_CATEGORIES)) {
      return fail('invalidCategoryId', 'The snippet.categoryId property specifies an invalid category ID.');
    }
  }
  if (body.localizations && Object.keys(body.localizations).length && !s?.defaultLanguage) {
    return fail('defaultLanguageNotSet', 'The request is trying to add localized video details without specifying the default language.');
  }
  const st = body.status;
  if (st) {
    if (st.privacyStatus !== undefined && !['public', 'unlisted', 'private'].includes(String(st.privacyStatus))) {
      // 403 forbiddenPrivacySetting or 400 invalidVideoMetadata: which one is unconfirmed; we answer the 403.
      return fail('forbiddenPrivacySetting', 'The privacy setting is invalid.', 403);
    }
    if (st.publishAt !== undefined) {
      if (typeof st.publishAt !== 'string' || Number.isNaN(Date.parse(st.publishAt)) || st.privacyStatus !== 'private') {
        return fail('invalidPublishAt', 'The request metadata specifies an invalid scheduled publishing time.');
      }
    }
    if (st.license !== undefined && !['youtube', 'creativeCommon'].includes(String(st.license))) {
      return fail('forbiddenLicenseSetting', 'The request attempted to set an invalid license for the video.', 403);
    }
    for (const key of ['embeddable', 'publicStatsViewable', 'selfDeclaredMadeForKids', 'containsSyntheticMedia'] as const) {
      if (st[key] !== undefined && typeof st[key] !== 'boolean') return fail('invalidVideoMetadata', `status.${key} must be a boolean.`);
    }
  }
  return undefined;
}
