import type { ClipMetadata } from './cliper-campaign.js';

type Kind = 'string' | 'number' | 'strings';

/** CLIPER field → clipcast field and the type it must have. */
const FIELDS: ReadonlyArray<readonly [string, Exclude<keyof ClipMetadata, 'extra'>, Kind]> = [
  ['sentiment', 'sentiment', 'string'],
  ['sentiment_score', 'sentimentScore', 'number'],
  ['engagement_score', 'engagementScore', 'number'],
  ['viral_potential', 'viralPotential', 'number'],
  ['suggested_thumbnail_timestamp', 'suggestedThumbnailTimestamp', 'number'],
  ['primary_topics', 'primaryTopics', 'strings'],
  ['hook_strength', 'hookStrength', 'string'],
];

/**
 * Reads a clip's `metadata` leniently: metadata is optional for clipcast, so a field of the wrong type
 * is dropped and reported (`invalid`), never thrown. Unknown fields go to `extra`.
 *
 * @example
 * ```ts
 * const { metadata, invalid } = parseClipMetadata({ viral_potential: 9, sentiment: 3 });
 * // metadata.viralPotential === 9; invalid = ['sentiment (expected a string, found number)']
 * ```
 */
export function parseClipMetadata(raw: unknown): { metadata: ClipMetadata; invalid: string[] } {
  const metadata: ClipMetadata = {};
  const invalid: string[] = [];
  if (raw === undefined || raw === null) return { metadata, invalid };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { metadata, invalid: [`metadata (expected an object, found ${Array.isArray(raw) ? 'an array' : typeof raw})`] };
  }
  const record = raw as Record<string, unknown>;
  const known = new Set<string>();
  for (const [source, target, kind] of FIELDS) {
    known.add(source);
    const value = record[source];
    if (value === undefined || value === null) continue;
    if (kind === 'string' && typeof value === 'string') (metadata as Record<string, unknown>)[target] = value;
    else if (kind === 'number' && typeof value === 'number' && Number.isFinite(value)) (metadata as Record<string, unknown>)[target] = value;
    else if (kind === 'strings' && Array.isArray(value) && value.every((v) => typeof v === 'string')) metadata.primaryTopics = [...value];
    else invalid.push(`${source} (expected ${kind === 'strings' ? 'an array of strings' : `a ${kind}`}, found ${Array.isArray(value) ? 'an array' : typeof value})`);
  }
  const extra = Object.fromEntries(Object.entries(record).filter(([key]) => !known.has(key)));
  if (Object.keys(extra).length > 0) metadata.extra = extra;
  return { metadata, invalid };
}
