/**
 * How a platform counts the length of a text. Each platform counts differently (see platform-rules.ts):
 * - `utf16`: UTF-16 code units, i.e. JS `string.length` (TikTok: "runes"); an emoji outside the BMP
 *   counts 2, `é` written as e + combining accent counts 2;
 * - `codePoints`: Unicode code points (Instagram, by Meta's probable rule; YouTube titles);
 * - `utf8Bytes`: bytes of the UTF-8 encoding (YouTube descriptions).
 */
export type LengthUnit = 'utf16' | 'codePoints' | 'utf8Bytes';

/** Human name of a unit, for messages. */
export const LENGTH_UNIT_NAMES: Readonly<Record<LengthUnit, string>> = Object.freeze({
  utf16: 'characters',
  codePoints: 'characters',
  utf8Bytes: 'bytes',
});

/**
 * The length of `text` in `unit`.
 *
 * @example
 * ```ts
 * textLength('🤯 hola', 'utf16');      // 7
 * textLength('🤯 hola', 'codePoints'); // 6
 * textLength('🤯 hola', 'utf8Bytes');  // 9
 * ```
 */
export function textLength(text: string, unit: LengthUnit): number {
  if (unit === 'utf16') return text.length;
  if (unit === 'utf8Bytes') return Buffer.byteLength(text, 'utf8');
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * The longest prefix of `text` that fits `max` in `unit`, never splitting a grapheme (an emoji with its
 * modifiers, a letter with its combining marks).
 *
 * @example
 * ```ts
 * truncateToLength('ab👍🏽c', 3, 'utf16'); // 'ab' (the thumbs-up with its skin tone takes 4 units)
 * ```
 */
export function truncateToLength(text: string, max: number, unit: LengthUnit): string {
  if (textLength(text, unit) <= max) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes(text)) {
    const size = textLength(segment, unit);
    if (used + size > max) break;
    out += segment;
    used += size;
  }
  return out;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The user-perceived characters of `text`. */
function graphemes(text: string): Iterable<{ segment: string }> {
  return segmenter.segment(text);
}
