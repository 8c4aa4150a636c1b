import { InputError } from '../input-error.js';
import { intervalMs, parseInterval } from './interval.js';
import { DAY_MS, formatLocal, resolveWall, validateTimezone, wallMidnight, wallOf } from './time-zone.js';

/** How far in the past a start may be and still count as "now" (clock skew, typing time). */
export const START_GRACE_MS = 60_000;

/** The hint shown for a bad `--start-date`. */
export const START_DATE_HINT =
  'use "YYYY-MM-DD HH:mm" (or YYYY-MM-DDTHH:mm, optional :ss) in --timezone, an ISO time with an offset ' +
  'such as 2025-12-01T09:00:00+01:00 or …Z, a relative "today 18:00", "tomorrow 09:00" or "in 2h", or "now"';

const FORMAT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const RELATIVE_DAY = /^(today|tomorrow)\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/i;
const RELATIVE_IN = /^in\s+(.+)$/i;

/**
 * Parses `--start-date` into an instant (ms epoch).
 *
 * Accepted: `YYYY-MM-DD HH:mm`, `YYYY-MM-DDTHH:mm`, optional `:ss` (and `.sss`), read as wall-clock
 * time in `zone`; an ISO time with `Z` or an offset (`+01:00`, `+0100`, `+01`), which is honoured as
 * given; the relative forms `today HH:mm`, `tomorrow HH:mm` (wall-clock time in `zone` on today's or
 * tomorrow's local date) and `in <duration>` (`in 2h`, `in 1d`: a duration as `--interval` takes it, whole
 * days keeping the wall-clock time), so that examples and scripts work on any day; and the literal `now`
 * (case-insensitive), which returns `now`. A local time inside a DST gap
 * or overlap follows {@link resolveWall} (gap: forward by the gap length; overlap: the earlier instant).
 *
 * @param now - the current instant (from the injected clock).
 * @throws InputError `TIMEZONE_INVALID` (bad `zone`), `START_DATE_INVALID` (bad text),
 *   `START_IN_PAST` (more than {@link START_GRACE_MS} before `now`, unless the text is `now`).
 * @example
 * ```ts
 * parseStartDate('2026-12-01 09:00', 'Europe/Madrid', now); // Date.UTC(2026, 11, 1, 8)
 * parseStartDate('2026-12-01T09:00:00Z', 'Europe/Madrid', now); // Date.UTC(2026, 11, 1, 9)
 * parseStartDate('now', 'UTC', now); // now
 * parseStartDate('tomorrow 09:00', 'Europe/Madrid', now); // 09:00 Madrid time on the next local day
 * parseStartDate('in 2h', 'UTC', now); // now + 2 h
 * ```
 */
export function parseStartDate(text: string, zone: string, now: number): number {
  validateTimezone(zone);
  const source = typeof text === 'string' ? text.trim() : '';
  if (source.toLowerCase() === 'now') return now;
  const fail = (why: string): never => {
    throw new InputError(
      'START_DATE_INVALID',
      `--start-date "${text}" ${why}`,
      START_DATE_HINT,
      '--start-date',
    );
  };
  const relative = parseRelative(source, zone, now, fail);
  if (relative !== undefined) return checkNotPast(relative, text, zone, now);
  const m = FORMAT.exec(source);
  if (!m) return fail('is not a date and time');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  if (month < 1 || month > 12) fail(`has month ${month}`);
  if (hour > 23 || minute > 59 || second > 59) fail('has a time of day out of range');
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    fail(`has no day ${day} in ${year}-${String(month).padStart(2, '0')}`);
  }
  const offset = m[8];
  const instant = offset === undefined ? resolveWall(wall, zone) : wall - parseOffset(offset, fail);
  return checkNotPast(instant, text, zone, now);
}

/** Refuses an instant more than {@link START_GRACE_MS} before `now`. */
function checkNotPast(instant: number, text: string, zone: string, now: number): number {
  if (instant < now - START_GRACE_MS) {
    throw new InputError(
      'START_IN_PAST',
      `--start-date "${text}" is in the past (${formatLocal(instant, zone)}; now is ${formatLocal(now, zone)})`,
      'use a later date and time, or "now" to start immediately',
      '--start-date',
    );
  }
  return instant;
}

/**
 * `today HH:mm`, `tomorrow HH:mm` or `in <duration>`; undefined for any other text. Relative days are
 * local calendar days in `zone`, resolved by the same DST rule as an absolute local time.
 */
function parseRelative(source: string, zone: string, now: number, fail: (why: string) => never): number | undefined {
  const day = RELATIVE_DAY.exec(source);
  if (day) {
    const [, which = '', h = '0', m = '0', sec = '0'] = day;
    const [hour, minute, second] = [Number(h), Number(m), Number(sec)];
    if (hour > 23 || minute > 59 || second > 59) fail('has a time of day out of range');
    const midnight = wallMidnight(wallOf(now, zone), which.toLowerCase() === 'tomorrow' ? 1 : 0);
    return resolveWall(midnight + ((hour * 60 + minute) * 60 + second) * 1000, zone);
  }
  const inMatch = RELATIVE_IN.exec(source);
  if (inMatch) {
    const interval = parseInterval(inMatch[1] ?? '', '--start-date');
    if (interval.days === 0) return now + intervalMs(interval);
    // Whole days keep the wall-clock time (as a whole-day --interval does); the rest is exact.
    const wall = wallOf(now, zone) + interval.days * DAY_MS;
    return resolveWall(wall, zone) + interval.ms;
  }
  if (/^(today|tomorrow)$/i.test(source)) fail('needs a time of day, e.g. "tomorrow 09:00"');
  return undefined;
}

/** `Z`, `+01:00`, `+0100` or `+01` as milliseconds east of UTC. */
function parseOffset(offset: string, fail: (why: string) => never): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0))
    fail(`has an offset ${offset} out of range`);
  return sign * (hours * 60 + minutes) * 60_000;
}
