/**
 * The candidate closest to a mistyped `input` (case-insensitive edit distance, a swap of two letters
 * counting as one edit), or undefined when none is close enough to be a likely typo: at most a third
 * of the input's length, and at least one edit allowed. A candidate's last path segment also counts
 * (`Madrid` finds `Europe/Madrid`).
 *
 * @example
 * ```ts
 * didYouMean('tiktk', ['tiktok', 'instagram', 'youtube']); // 'tiktok'
 * didYouMean('Europe/Madird', zones);                       // 'Europe/Madrid'
 * didYouMean('xyz', ['tiktok']);                            // undefined
 * ```
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const text = input.trim().toLowerCase();
  if (!text) return undefined;
  const limit = Math.max(1, Math.floor(text.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const tail = lower.slice(lower.lastIndexOf('/') + 1);
    const distance = Math.min(editDistance(text, lower), tail === lower ? Infinity : editDistance(text, tail));
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > Math.max(a.length, b.length) / 2 + 1) return Infinity;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
