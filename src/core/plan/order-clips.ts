/**
 * A clip as the planner sees it.
 *
 * @example
 * ```ts
 * const clip: PlanClip = { clipId: 3, viralPotential: 8.5 };
 * ```
 */
export interface PlanClip {
  clipId: number;
  /** CLIPER's `viral_potential`; missing or null sorts last under `viral` order. */
  viralPotential?: number | null;
  /** Only these platforms get a post of this clip (the others failed its checks); default all targets. */
  platforms?: readonly string[];
}

/**
 * `file` keeps the clips file order; `viral` sorts by viral potential, highest first.
 *
 * @example
 * ```ts
 * const order: ClipOrder = options.order === 'viral' ? 'viral' : 'file';
 * ```
 */
export type ClipOrder = 'file' | 'viral';

/**
 * Orders clips for a campaign. `viral` is descending `viralPotential`, stable (ties keep file order),
 * with missing, null or non-finite values last (also in file order).
 *
 * @example
 * ```ts
 * orderClips([{ clipId: 1, viralPotential: 5 }, { clipId: 2 }, { clipId: 3, viralPotential: 9 }], 'viral')
 *   .map((c) => c.clipId); // [3, 1, 2]
 * ```
 */
export function orderClips<C extends PlanClip>(clips: readonly C[], order: ClipOrder): C[] {
  if (order === 'file') return [...clips];
  const score = (c: PlanClip): number | undefined =>
    typeof c.viralPotential === 'number' && Number.isFinite(c.viralPotential) ? c.viralPotential : undefined;
  return clips
    .map((clip, index) => ({ clip, index, score: score(clip) }))
    .sort((a, b) => {
      if (a.score === undefined || b.score === undefined) {
        if (a.score !== b.score) return a.score === undefined ? 1 : -1;
      } else if (a.score !== b.score) {
        return b.score - a.score;
      }
      return a.index - b.index;
    })
    .map((entry) => entry.clip);
}
