/**
 * `#tag` in a caption: a `#` at the start or after a character that cannot be part of a word or a URL
 * fragment, followed by letters, marks, digits or `_`. A tag of digits only (`#1`) is not a hashtag on
 * TikTok, Instagram or YouTube.
 */
const HASHTAG = /(?<![\p{L}\p{N}_&/#])#([\p{L}\p{M}\p{N}_]+)/gu;

/**
 * The hashtags of a caption, without `#`, in order, each once (first spelling wins; case-insensitive).
 *
 * @example
 * ```ts
 * extractHashtags('Hola 🤯 #DevTips #AICDMX #devtips'); // ['DevTips', 'AICDMX']
 * ```
 */
export function extractHashtags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const tag of hashtagOccurrences(text)) {
    const key = tag.toLocaleLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  return tags;
}

/**
 * Every hashtag occurrence, repeats included (platform caps count occurrences).
 *
 * @example
 * ```ts
 * countHashtags('#a #b #a'); // 3
 * ```
 */
export function countHashtags(text: string): number {
  let count = 0;
  for (const _ of hashtagOccurrences(text)) count += 1;
  return count;
}

/** Every hashtag in `text`, without `#`, repeats included, digit-only tags left out. */
function* hashtagOccurrences(text: string): Generator<string> {
  for (const match of text.matchAll(HASHTAG)) {
    const tag = match[1] ?? '';
    if (!/^\p{N}+$/u.test(tag)) yield tag;
  }
}

const MENTION = /(?<![\p{L}\p{M}\p{N}_.@])@([\p{L}\p{M}\p{N}_.]+)/gu;

/**
 * Number of `@mention` occurrences in a caption (an e-mail address is not a mention).
 *
 * @example
 * ```ts
 * countMentions('thanks @ana and @luis.dev, mail me at a@b.co'); // 2
 * ```
 */
export function countMentions(text: string): number {
  return [...text.matchAll(MENTION)].length;
}
