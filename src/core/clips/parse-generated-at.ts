const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads CLIPER's `generated_at` into ISO 8601, or null when it is not a timestamp.
 *
 * CLIPER writes Python's naive `datetime.now()`: `2025-11-08 00:27:43.333937` (space, microseconds, no
 * zone), local to the machine that ran it. No zone is invented: a zone-less value becomes a zone-less
 * ISO local date-time (`2025-11-08T00:27:43.333`), milliseconds kept; a value with `Z` or an offset
 * becomes UTC (`…Z`). The raw text is kept by the loader either way.
 *
 * @example
 * ```ts
 * parseGeneratedAt('2025-11-08 00:27:43.333937'); // '2025-11-08T00:27:43.333'
 * parseGeneratedAt('2025-11-08T00:27:43+01:00');  // '2025-11-07T23:27:43.000Z'
 * parseGeneratedAt('yesterday');                  // null
 * ```
 */
export function parseGeneratedAt(raw: string): string | null {
  const m = TIMESTAMP.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = m;
  const ms = (frac + '000').slice(0, 3);
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}`;
  const check = new Date(`${local}Z`);
  // Reject 2025-02-30 and 25:00: Date rolls them over instead of failing.
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 23) !== local) return null;
  if (!zone) return local;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  return new Date(`${local}${offset}`).toISOString();
}
