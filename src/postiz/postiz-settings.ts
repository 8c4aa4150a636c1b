import type { PostContent } from '../core/ports/platform-adapter.js';
import { PublishError } from '../core/publish-error.js';

/** The Postiz providers clipcast maps to (reference §7). */
export type PostizProvider = 'tiktok' | 'tiktok-business' | 'instagram' | 'instagram-standalone' | 'youtube';

/** True for a provider identifier {@link toPostizSettings} knows. */
export function isPostizProvider(identifier: string): identifier is PostizProvider {
  return ['tiktok', 'tiktok-business', 'instagram', 'instagram-standalone', 'youtube'].includes(identifier);
}

const TIKTOK_PRIVACY = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'] as const;

/**
 * Length of a caption as Postiz counts it against provider limits: on the HTML-escaped text, so `&`
 * counts 5 and `<`/`>` count 4 (correction 3 of the reference). Conservative on purpose.
 */
export function postizTextLength(text: string): number {
  return text.replace(/&/g, '&amp;').replace(/[<>]/g, '&lt;').length;
}

function invalid(option: string, allowed: string): PublishError {
  return new PublishError(`Postiz option "${option}" must be ${allowed}`, { platform: 'postiz', code: 'POSTIZ_INVALID_OPTION', kind: 'invalid' });
}

function pick<T extends string>(options: Record<string, unknown>, key: string, allowed: readonly T[], fallback: T): T {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw invalid(key, `one of ${allowed.join(', ')}`);
  return v as T;
}

function flag(options: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = options[key];
  if (v === undefined) return fallback;
  // Never pass strings on: the server coerces "false" to true (correction 4).
  if (typeof v !== 'boolean') throw invalid(key, 'true or false (a JSON boolean)');
  return v;
}

/**
 * Maps our per-post content and options to the `settings` of a Postiz provider, always with every
 * required field and real JSON booleans. Options read (camelCase, all optional):
 *
 * - TikTok: `privacyLevel` (`PUBLIC_TO_EVERYONE` | `MUTUAL_FOLLOW_FRIENDS` | `FOLLOWER_OF_CREATOR` |
 *   `SELF_ONLY`, default `SELF_ONLY`, the only level unaudited apps may use), `allowDuet`, `allowStitch`,
 *   `allowComment` (default true), `aiGenerated` (default false), `brandContent`, `brandOrganic`
 *   (default false), `postingMethod` (`direct` | `upload`, default `direct`).
 * - Instagram: `postType` (`reel` | `story`, default `reel`; a reel is Postiz `post` with one mp4),
 *   `collaborators` (string[] of usernames, at most 3), `trialReel` (boolean).
 * - YouTube: `content.title` (2–100 chars, required), `privacy` (`public` | `private` | `unlisted`,
 *   default `public`), `madeForKids` (boolean, default false), `content.tags` (≤ 500 chars in total).
 *
 * Throws an `invalid` PublishError naming the option and its allowed values.
 *
 * @example
 * ```ts
 * const settings = toPostizSettings('tiktok', { caption: 'hi', options: { privacyLevel: 'PUBLIC_TO_EVERYONE' } });
 * // { privacy_level: 'PUBLIC_TO_EVERYONE', duet: true, stitch: true, comment: true, ... }
 * ```
 */
export function toPostizSettings(provider: PostizProvider, content: PostContent): Record<string, unknown> {
  const o = content.options ?? {};
  if (provider === 'tiktok' || provider === 'tiktok-business') {
    const settings: Record<string, unknown> = {
      privacy_level: pick(o, 'privacyLevel', TIKTOK_PRIVACY, 'SELF_ONLY'),
      duet: flag(o, 'allowDuet', true),
      stitch: flag(o, 'allowStitch', true),
      comment: flag(o, 'allowComment', true),
      autoAddMusic: 'no',
      brand_content_toggle: flag(o, 'brandContent', false),
      brand_organic_toggle: flag(o, 'brandOrganic', false),
      content_posting_method: pick(o, 'postingMethod', ['direct', 'upload'] as const, 'direct') === 'upload' ? 'UPLOAD' : 'DIRECT_POST',
      video_made_with_ai: flag(o, 'aiGenerated', false),
    };
    if (postizTextLength(content.caption) > (provider === 'tiktok' ? 2000 : 2200)) throw invalid('caption', `at most ${provider === 'tiktok' ? 2000 : 2200} characters on TikTok`);
    return settings;
  }
  if (provider === 'instagram' || provider === 'instagram-standalone') {
    const postType = pick(o, 'postType', ['reel', 'story'] as const, 'reel');
    const settings: Record<string, unknown> = { post_type: postType === 'reel' ? 'post' : 'story' };
    if (o.collaborators !== undefined) {
      const list = o.collaborators;
      if (!Array.isArray(list) || list.length > 3 || !list.every((c) => typeof c === 'string' && /^@?[A-Za-z0-9._]{1,30}$/.test(c))) {
        throw invalid('collaborators', 'a list of at most 3 Instagram usernames');
      }
      settings.collaborators = list.map((c: string) => ({ label: c.replace(/^@/, '') }));
    }
    if (flag(o, 'trialReel', false)) {
      if (postType !== 'reel') throw invalid('trialReel', 'used with postType reel only');
      settings.is_trial_reel = true;
      settings.graduation_strategy = 'MANUAL';
    }
    if (postizTextLength(content.caption) > 2200) throw invalid('caption', 'at most 2200 characters on Instagram');
    return settings;
  }
  const title = content.title ?? '';
  if (title.length < 2 || title.length > 100) throw invalid('title', 'a YouTube title of 2 to 100 characters');
  const settings: Record<string, unknown> = {
    title,
    type: pick(o, 'privacy', ['public', 'private', 'unlisted'] as const, 'public'),
    selfDeclaredMadeForKids: flag(o, 'madeForKids', false) ? 'yes' : 'no',
  };
  const tags = content.tags ?? [];
  const total = tags.reduce((n, t) => n + t.length + (/\s/.test(t) ? 2 : 0), 0);
  if (total > 500) throw invalid('tags', 'at most 500 characters in total (YouTube counts +2 per tag with a space)');
  if (tags.length) settings.tags = tags.map((t) => ({ value: t, label: t }));
  if (postizTextLength(content.caption) > 5000) throw invalid('caption', 'at most 5000 characters on YouTube');
  return settings;
}
