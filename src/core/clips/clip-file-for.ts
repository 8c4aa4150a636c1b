import type { PlatformId } from '../platform-id.js';
import type { ClipRecord } from '../ports/store.js';

/** The file a platform publishes for a clip: a derived one made for it, else the original. */
export interface ClipFile {
  path: string;
  sha256: string;
  size: number;
  probe: Record<string, unknown>;
  /** True when this is a derived file (e.g. remuxed for Instagram), not the original. */
  derived: boolean;
}

/**
 * Picks the file a platform gets for a stored clip: the derived file listed for that platform (a
 * lossless remux for Instagram when the original's container is refused there), else the original.
 *
 * @example
 * ```ts
 * const file = clipFileFor(clip, 'instagram'); // the remuxed copy when the clip has one
 * ```
 */
export function clipFileFor(clip: ClipRecord, platform: PlatformId | undefined): ClipFile {
  const derived = platform ? clip.derivedMedia?.find((d) => d.platforms.includes(platform)) : undefined;
  if (derived)
    return {
      path: derived.path,
      sha256: derived.sha256,
      size: derived.size,
      probe: derived.probe,
      derived: true,
    };
  return {
    path: clip.mediaPath,
    sha256: clip.mediaSha256,
    size: clip.size,
    probe: clip.probe,
    derived: false,
  };
}
