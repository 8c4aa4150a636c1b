import { InputError } from '../input-error.js';
import { DAY_MS } from './time-zone.js';

/**
 * A campaign step. `days` counts calendar days (weeks included, ×7); `ms` is the sub-day part.
 *
 * An interval with `days > 0` and `ms === 0` is a *whole-day* interval: the planner keeps the
 * local wall-clock time across DST changes. Any other interval is an exact duration
 * (`days × 24 h + ms`).
 *
 * @example
 * ```ts
 * const daily: Interval = { days: 1, ms: 0 };           // 1d: same local time every day
 * const exact: Interval = { days: 0, ms: 4 * 3_600_000 }; // 4h: exactly 4 hours apart
 * ```
 */
export interface Interval {
  /** Whole calendar days, including weeks × 7. */
  days: number;
  /** The sub-day part in milliseconds (hours, minutes, seconds). */
  ms: number;
}

/** Units accepted by {@link parseInterval}, largest first, with their size. */
const UNITS = [
  { unit: 'w', days: 7, ms: 0 },
  { unit: 'd', days: 1, ms: 0 },
  { unit: 'h', days: 0, ms: 3_600_000 },
  { unit: 'm', days: 0, ms: 60_000 },
  { unit: 's', days: 0, ms: 1_000 },
] as const;

/** Longest interval accepted: a campaign step longer than a year is a typo. */
const MAX_DAYS = 366;

/** The hint shown for a bad `--interval`. */
export const INTERVAL_HINT =
  'use a positive duration made of whole numbers with units w, d, h, m, s, largest unit first: ' +
  '30m, 4h, 1d, 1h30m, 1d12h, 2w, 90s (at most 366 days)';

/**
 * Parses a duration such as `30m`, `4h`, `1d`, `1h30m`, `1d12h`, `2w` or `90s`.
 *
 * Parts are whole numbers followed by a unit (`w`, `d`, `h`, `m` = minutes, `s`), each unit at most
 * once and largest first; spaces between parts and upper-case units are allowed. Weeks fold into
 * `days`; hours, minutes and seconds into `ms`. Seconds exist for demos and sandboxes.
 *
 * @throws InputError `INTERVAL_INVALID` for empty, zero, negative, fractional, unordered or unknown
 *   input, or an interval longer than 366 days.
 * @example
 * ```ts
 * parseInterval('1h30m'); // { days: 0, ms: 5400000 }
 * parseInterval('2w');    // { days: 14, ms: 0 }
 * parseInterval('1d12h'); // { days: 1, ms: 43200000 } (an exact 36 h, not a whole-day step)
 * ```
 */
export function parseInterval(text: string, flag = '--interval'): Interval {
  const fail = (why: string): never => {
    throw new InputError('INTERVAL_INVALID', `${flag} "${text}" ${why}`, INTERVAL_HINT, flag);
  };
  const source = typeof text === 'string' ? text.trim().toLowerCase() : '';
  if (source === '') fail('is empty');
  const part = /(\d+)\s*([a-z]+)\s*/y;
  let days = 0;
  let ms = 0;
  let lastRank = -1;
  let pos = 0;
  while (pos < source.length) {
    part.lastIndex = pos;
    const match = part.exec(source);
    if (!match) return fail('is not a duration');
    const [, digits = '', unit = ''] = match;
    const rank = UNITS.findIndex((u) => u.unit === unit);
    if (rank < 0) return fail(`has an unknown unit "${unit}"`);
    if (rank <= lastRank) return fail('repeats a unit or puts a smaller unit first');
    if (digits.length > 9) return fail('is too long');
    const n = Number(digits);
    const u = UNITS[rank]!;
    days += n * u.days;
    ms += n * u.ms;
    lastRank = rank;
    pos = part.lastIndex;
  }
  if (days === 0 && ms === 0) fail('is zero');
  // `24h` stays in `ms` (an exact duration); only `d` and `w` count as calendar days.
  if (days * DAY_MS + ms > MAX_DAYS * DAY_MS) fail(`is longer than ${MAX_DAYS} days`);
  return { days, ms };
}

/**
 * True for a whole-day interval (`days > 0`, `ms === 0`), which keeps the local wall-clock time.
 *
 * @example
 * ```ts
 * isWholeDays({ days: 1, ms: 0 }); // true
 * isWholeDays({ days: 0, ms: 86_400_000 }); // false (24h is an exact duration)
 * ```
 */
export function isWholeDays(interval: Interval): boolean {
  return interval.days > 0 && interval.ms === 0;
}

/**
 * The interval as an exact duration in milliseconds (`days × 24 h + ms`).
 *
 * @example
 * ```ts
 * intervalMs({ days: 1, ms: 3_600_000 }); // 90000000
 * ```
 */
export function intervalMs(interval: Interval): number {
  return interval.days * DAY_MS + interval.ms;
}

/**
 * Formats an interval back into the compact form, e.g. `{ days: 14, ms: 0 }` → `2w`.
 *
 * @example
 * ```ts
 * formatInterval({ days: 1, ms: 43_200_000 }); // '1d12h'
 * ```
 */
export function formatInterval(interval: Interval): string {
  let out = '';
  const weeks = Math.floor(interval.days / 7);
  const days = interval.days % 7;
  if (weeks > 0) out += `${weeks}w`;
  if (days > 0) out += `${days}d`;
  let rest = interval.ms;
  for (const u of UNITS.slice(2)) {
    const n = Math.floor(rest / u.ms);
    if (n > 0) out += `${n}${u.unit}`;
    rest -= n * u.ms;
  }
  if (rest > 0) out += `${rest}ms`;
  return out === '' ? '0s' : out;
}
