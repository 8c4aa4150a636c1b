import { didYouMean } from './did-you-mean.js';

/**
 * The platforms clipcast publishes to directly.
 *
 * @example
 * ```ts
 * if (isPlatformId(name)) console.log(PLATFORM_NAMES[name]);
 * ```
 */
export const PLATFORM_IDS = ['tiktok', 'instagram', 'youtube'] as const;

/** One of {@link PLATFORM_IDS}. */
export type PlatformId = (typeof PLATFORM_IDS)[number];

/** Human names of the platforms, for messages. */
export const PLATFORM_NAMES: Readonly<Record<PlatformId, string>> = Object.freeze({
  tiktok: 'TikTok',
  instagram: 'Instagram Reels',
  youtube: 'YouTube Shorts',
});

/** True when `value` names a platform (case-insensitive callers lower-case first). */
export function isPlatformId(value: string): value is PlatformId {
  return (PLATFORM_IDS as readonly string[]).includes(value);
}

/** Parses a platform name case-insensitively; returns undefined for an unknown one. */
export function parsePlatformId(value: string): PlatformId | undefined {
  const lower = value.trim().toLowerCase();
  return isPlatformId(lower) ? lower : undefined;
}

/** `did you mean tiktok? ` (with a trailing space, to lead a hint) for a mistyped platform name, else ''. */
export function platformGuess(text: string): string {
  const guess = didYouMean(text, PLATFORM_IDS);
  return guess ? `did you mean ${guess}? ` : '';
}
