/**
 * The `POST /posts` body checks of the Postiz server (reference §6.11, §7): the DTO stage (shape C
 * messages, class-validator texts with dotted paths) and the provider rules (shape D).
 */

type Json = Record<string, unknown>;

const TIKTOK_PRIVACY = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];
const EXT_RULE = 'File must have a valid extension: .png, .jpg, .jpeg, .gif, .webp, or .mp4';
const EXT_RE = /\.(png|jpe?g|gif|webp|mp4)$/;

/** Providers whose settings the emulator validates; others take any settings. */
export const PROVIDER_LIMITS: Record<string, number> = {
  tiktok: 2000,
  'tiktok-business': 2200,
  instagram: 2200,
  'instagram-standalone': 2200,
  youtube: 5000,
};

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = (p: string, values: string[]) => `${p} must be one of the following values: ${values.join(', ')}`;

/** True for what class-validator's `IsISO8601` accepts (calendar dates/times and ISO week dates). */
export function isIso8601(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (isIsoWeekDate(value)) return true;
  const re = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  return re.test(value) && !Number.isNaN(Date.parse(value));
}

/** ISO week dates pass validation and then crash the server (correction 6): the caller answers 500. */
export function isIsoWeekDate(value: string): boolean {
  return /^\d{4}-?W\d{2}(?:-?[1-7])?$/.test(value);
}

/**
 * Coerces string booleans the way the server does (JavaScript `Boolean()`, so `"false"` is true:
 * correction 4) and returns the settings as stored.
 */
export function coerceSettings(settings: Json): Json {
  const out: Json = { ...settings };
  for (const key of ['duet', 'stitch', 'comment', 'brand_content_toggle', 'brand_organic_toggle', 'video_made_with_ai', 'is_trial_reel']) {
    if (typeof out[key] === 'string') out[key] = Boolean(out[key]);
  }
  return out;
}

function settingsMessages(provider: string, s: Json, p: string): string[] {
  const out: string[] = [];
  const req = (key: string, check: (v: unknown) => boolean, msg: string) => {
    if (s[key] === undefined || s[key] === null) out.push(`${p}.${key} should not be null or undefined`);
    else if (!check(s[key])) out.push(msg);
  };
  const opt = (key: string, check: (v: unknown) => boolean, msg: string) => {
    if (s[key] !== undefined && s[key] !== null && !check(s[key])) out.push(msg);
  };
  const bool = (v: unknown) => typeof v === 'boolean';
  const isIn = (values: string[]) => (v: unknown) => typeof v === 'string' && values.includes(v);
  if (provider === 'tiktok' || provider === 'tiktok-business') {
    req('privacy_level', isIn(TIKTOK_PRIVACY), oneOf(`${p}.privacy_level`, TIKTOK_PRIVACY));
    for (const k of ['duet', 'stitch', 'comment', 'brand_content_toggle', 'brand_organic_toggle']) req(k, bool, `${p}.${k} must be a boolean value`);
    req('autoAddMusic', isIn(['yes', 'no']), oneOf(`${p}.autoAddMusic`, ['yes', 'no']));
    req('content_posting_method', isIn(['DIRECT_POST', 'UPLOAD']), oneOf(`${p}.content_posting_method`, ['DIRECT_POST', 'UPLOAD']));
    opt('title', (v) => typeof v === 'string', `${p}.title must be a string`);
    if (typeof s.title === 'string' && s.title.length > 90) out.push(`${p}.title must be shorter than or equal to 90 characters`);
    opt('video_made_with_ai', bool, `${p}.video_made_with_ai must be a boolean value`);
  } else if (provider === 'instagram' || provider === 'instagram-standalone') {
    req('post_type', isIn(['post', 'story']), oneOf(`${p}.post_type`, ['post', 'story']));
    opt('collaborators', Array.isArray, `${p}.collaborators must be an array`);
    if (Array.isArray(s.collaborators)) {
      s.collaborators.forEach((c, i) => {
        if (!isObj(c) || typeof c.label !== 'string') out.push(`${p}.collaborators.${i}.label must be a string`);
      });
    }
    opt('is_trial_reel', bool, `${p}.is_trial_reel must be a boolean value`);
    opt('graduation_strategy', isIn(['MANUAL', 'SS_PERFORMANCE']), oneOf(`${p}.graduation_strategy`, ['MANUAL', 'SS_PERFORMANCE']));
  } else if (provider === 'youtube') {
    req('title', (v) => typeof v === 'string', `${p}.title must be a string`);
    if (typeof s.title === 'string' && s.title.length < 2) out.push(`${p}.title must be longer than or equal to 2 characters`);
    if (typeof s.title === 'string' && s.title.length > 100) out.push(`${p}.title must be shorter than or equal to 100 characters`);
    req('type', isIn(['public', 'private', 'unlisted']), oneOf(`${p}.type`, ['public', 'private', 'unlisted']));
    opt('selfDeclaredMadeForKids', isIn(['yes', 'no']), oneOf(`${p}.selfDeclaredMadeForKids`, ['yes', 'no']));
    opt('tags', Array.isArray, `${p}.tags must be an array`);
    if (Array.isArray(s.tags)) {
      const total = s.tags.reduce<number>((n, t) => {
        const label = isObj(t) && typeof t.label === 'string' ? t.label : '';
        return n + label.length + (/\s/.test(label) ? 2 : 0);
      }, 0);
      if (total > 500) out.push('The maximum allowed is 500 characters in total for all tags.');
    }
  }
  return out;
}

/**
 * The DTO stage: every message class-validator would produce for the body, with the provider
 * settings of each entry validated against its channel's provider (`providers[i]`).
 */
export function dtoMessages(body: Json, providers: string[]): string[] {
  const out: string[] = [];
  if (!isIso8601(body.date)) out.push('date must be a valid ISO 8601 date string');
  if (typeof body.shortLink !== 'boolean') out.push('shortLink must be a boolean value');
  if (!Array.isArray(body.tags)) out.push('tags must be an array');
  if (!Array.isArray(body.posts)) return [...out, 'posts must be an array'];
  if (body.posts.length < 1) out.push('posts must contain at least 1 elements');
  body.posts.forEach((entry: unknown, i: number) => {
    const p = `posts.${i}`;
    if (!isObj(entry)) return void out.push(`${p} must be an object`);
    if (!Array.isArray(entry.value)) return void out.push(`${p}.value must be an array`);
    if (entry.value.length < 1) out.push(`${p}.value must contain at least 1 elements`);
    entry.value.forEach((v: unknown, k: number) => {
      const vp = `${p}.value.${k}`;
      if (!isObj(v)) return void out.push(`${vp} must be an object`);
      const hasMedia = Array.isArray(v.image) && v.image.length > 0;
      if (typeof v.content !== 'string') out.push(`${vp}.content must be a string`);
      else if (!v.content && !hasMedia) out.push(`${vp}.content should not be empty`);
      if (!Array.isArray(v.image)) return void out.push(`${vp}.image must be an array`);
      v.image.forEach((img: unknown, j: number) => {
        const ip = `${vp}.image.${j}`;
        if (!isObj(img)) return void out.push(`${ip} must be an object`);
        if (typeof img.id !== 'string') out.push(`${ip}.id must be a string`);
        if (typeof img.path !== 'string') out.push(`${ip}.path must be a string`);
        else if (!EXT_RE.test(img.path.split('?')[0] ?? '')) out.push(`${ip}.path ${EXT_RULE}`);
      });
    });
    const provider = providers[i] ?? '';
    if (provider in PROVIDER_LIMITS) {
      // String booleans are transformed before validation (correction 4), so they pass.
      const settings = coerceSettings(isObj(entry.settings) ? entry.settings : {});
      out.push(...settingsMessages(provider, settings, `${p}.settings`));
    }
  });
  return out;
}

/** Text length as the server counts it: on the HTML-escaped text (`&` is 5 characters; correction 3). */
export function countedLength(content: string): number {
  if (content.includes('<p>')) return storedContent(content).replace(/<[^>]*>/g, '').length;
  return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').length;
}

const ALLOWED_TAGS = /^(p|br|strong|u|a|ul|li|h1|h2|h3|span)$/i;

/**
 * Content as the server stores it (§6.11 and correction 2): HTML holding `<p>` keeps its allowed tags
 * (others are dropped); plain text holding a `<` is HTML-escaped; anything else is kept verbatim.
 */
export function storedContent(content: string): string {
  if (content.includes('<p>')) return content.replace(/<\/?([a-zA-Z0-9]+)[^>]*>/g, (tag, name: string) => (ALLOWED_TAGS.test(name) ? tag : ''));
  if (content.includes('<')) return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return content;
}

/**
 * The text a TikTok/Instagram/YouTube provider receives at publish time: stored content holding `<p>`
 * becomes plain text (paragraphs as line breaks, entities decoded); other content is sent verbatim,
 * entities and all.
 */
export function publishedText(stored: string): string {
  if (!stored.includes('<p>')) return stored;
  return stored
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&')
    .replace(/\n$/, '');
}

/** The first provider rule (shape D message) an entry breaks, or undefined. */
export function providerRule(provider: string, entry: Json, draft: boolean): string | undefined {
  const values = entry.value as Json[];
  const first = values[0] ?? {};
  const media = (first.image as Json[]) ?? [];
  const text = typeof first.content === 'string' ? first.content.replace(/<[^>]*>/g, '').trim() : '';
  if (!text && media.length === 0) return 'Your post should have at least one character or one image.';
  if (draft) return undefined;
  const isVideo = (m: Json) => typeof m.path === 'string' && m.path.split('?')[0]!.endsWith('.mp4');
  const settings = isObj(entry.settings) ? entry.settings : {};
  if (provider === 'tiktok' || provider === 'tiktok-business') {
    if (media.length === 0) return 'No video / images selected';
    // "You need one media" can never fire on the real server (correction 5).
    if (media.length > 1 && media.some(isVideo)) return 'Only pictures are supported when selecting multiple items';
  } else if (provider === 'instagram' || provider === 'instagram-standalone') {
    if (media.length === 0) return 'Should have at least one media';
    if (media.length > 10) return 'Instagram carousel only supports up to 10 media attachments';
    if (settings.is_trial_reel === true) {
      if (media.length !== 1) return 'Trial Reels can only have one video';
      if (!isVideo(media[0]!)) return 'Trial Reels must be a video';
    }
  } else if (provider === 'youtube') {
    if (media.length !== 1) return 'You need one media';
    if (!isVideo(media[0]!)) return 'Item must be a video';
  }
  const limit = PROVIDER_LIMITS[provider];
  if (limit !== undefined && typeof first.content === 'string' && countedLength(first.content) > limit) {
    return 'post is too long, please fix it';
  }
  return undefined;
}
