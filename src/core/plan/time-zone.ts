import { IANAZone } from 'luxon';
import { didYouMean } from '../did-you-mean.js';
import { InputError } from '../input-error.js';

/**
 * Wall-clock arithmetic in an IANA zone, with the one rule the planner uses for local times that do
 * not exist or happen twice.
 *
 * Terminology: a *wall* value is a local date and time encoded as if it were UTC milliseconds
 * (`Date.UTC(y, m - 1, d, h, min, s, ms)`), so that calendar arithmetic on it ignores DST; an
 * *instant* is real epoch milliseconds.
 *
 * @packageDocumentation
 */

const HOUR_MS = 3_600_000;
/** Milliseconds in a 24-hour day (an exact duration, not a calendar day). */
export const DAY_MS = 24 * HOUR_MS;

/** Hint shown for an unknown `--timezone`. */
const ZONE_HINT = 'use an IANA time zone such as Europe/Madrid, America/New_York or UTC';

/**
 * Checks that `zone` is an IANA time zone luxon knows, and returns it.
 *
 * @throws InputError `TIMEZONE_INVALID` naming `--timezone`.
 * @example
 * ```ts
 * validateTimezone('Europe/Madrid'); // 'Europe/Madrid'
 * validateTimezone('Mars/Base');     // throws TIMEZONE_INVALID
 * ```
 */
export function validateTimezone(zone: string): string {
  if (typeof zone !== 'string' || zone.trim() === '' || !IANAZone.isValidZone(zone)) {
    throw new InputError(
      'TIMEZONE_INVALID',
      `--timezone "${String(zone)}" is not a known IANA time zone`,
      zoneHint(String(zone)),
      '--timezone',
    );
  }
  return zone;
}

/** The hint for an unknown zone: the closest known one when the text looks like a typo of it. */
function zoneHint(zone: string): string {
  const guess = typeof Intl.supportedValuesOf === 'function' ? didYouMean(zone, [...Intl.supportedValuesOf('timeZone'), 'UTC']) : undefined;
  return guess ? `did you mean ${guess}? (${ZONE_HINT})` : ZONE_HINT;
}

/**
 * The zone's UTC offset in minutes at `instant`.
 *
 * @example
 * ```ts
 * offsetMinutes(Date.UTC(2026, 0, 1), 'Europe/Madrid'); // 60
 * ```
 */
export function offsetMinutes(instant: number, zone: string): number {
  let cache = offsetCache.get(zone);
  if (!cache || cache.size > 100_000) offsetCache.set(zone, (cache = new Map()));
  const bucket = Math.floor(instant / CACHE_BUCKET_MS);
  const cached = cache.get(bucket);
  if (cached !== undefined) return cached;
  const iana = IANAZone.create(zone);
  // Cache a bucket only when its offset is the same at both ends, i.e. no transition inside it.
  const first = iana.offset(bucket * CACHE_BUCKET_MS);
  if (first === iana.offset((bucket + 1) * CACHE_BUCKET_MS - 1)) {
    cache.set(bucket, first);
    return first;
  }
  return iana.offset(instant);
}

/** `Intl` offset look-ups are slow; offsets are memoised per zone and UTC hour. */
const CACHE_BUCKET_MS = 3_600_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * The wall value (local date and time as fake-UTC ms) of `instant` in `zone`.
 *
 * @example
 * ```ts
 * wallOf(Date.UTC(2026, 0, 1, 8), 'Europe/Madrid') === Date.UTC(2026, 0, 1, 9); // true
 * ```
 */
export function wallOf(instant: number, zone: string): number {
  return instant + offsetMinutes(instant, zone) * 60_000;
}

/**
 * Turns a wall value into an instant in `zone`.
 *
 * The rule (the only one the planner uses):
 * - a local time that happens once maps to that instant;
 * - a local time inside a spring-forward **gap** moves forward by the gap length: it is read with the
 *   offset in force just before the gap (New York 2026-03-08 02:30 becomes 03:30 EDT);
 * - a local time inside a fall-back **overlap** maps to the **earlier** instant (New York 2026-11-01
 *   01:30 becomes 01:30 EDT = 05:30Z, not 01:30 EST).
 *
 * @example
 * ```ts
 * resolveWall(Date.UTC(2026, 2, 8, 2, 30), 'America/New_York') === Date.UTC(2026, 2, 8, 7, 30); // true (03:30 EDT)
 * ```
 */
export function resolveWall(wall: number, zone: string): number {
  // Offsets in force around this wall time; real zones never change offset twice within 2 days.
  const before = offsetMinutes(wall - 2 * DAY_MS, zone);
  const after = offsetMinutes(wall + 2 * DAY_MS, zone);
  const here = offsetMinutes(wall, zone);
  const candidates: number[] = [];
  for (const off of new Set([before, here, after])) {
    const instant = wall - off * 60_000;
    if (offsetMinutes(instant, zone) === off) candidates.push(instant);
  }
  if (candidates.length > 0) return Math.min(...candidates);
  // Gap: read the wall time with the offset from before the transition, i.e. shift it forward.
  return wall - before * 60_000;
}

/** Local calendar fields of a wall value. */
export interface WallFields {
  year: number;
  month: number;
  day: number;
  /** Milliseconds since local midnight. */
  timeOfDay: number;
}

/**
 * Splits a wall value into its calendar date and time of day.
 *
 * @example
 * ```ts
 * wallFields(Date.UTC(2026, 2, 8, 9)); // { year: 2026, month: 3, day: 8, timeOfDay: 32400000 }
 * ```
 */
export function wallFields(wall: number): WallFields {
  const d = new Date(wall);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    timeOfDay: wall - midnight,
  };
}

/**
 * The wall value of local midnight on the day of `wall`, plus `days` calendar days.
 *
 * @example
 * ```ts
 * wallMidnight(Date.UTC(2026, 2, 8, 9), 1) === Date.UTC(2026, 2, 9); // true
 * ```
 */
export function wallMidnight(wall: number, days = 0): number {
  const d = new Date(wall);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days);
}

/**
 * Formats an instant as local time in `zone`, e.g. `2026-03-08 03:30 EDT`, for messages and notes.
 *
 * @example
 * ```ts
 * formatLocal(Date.UTC(2026, 2, 8, 7, 30), 'America/New_York'); // '2026-03-08 03:30 EDT'
 * ```
 */
export function formatLocal(instant: number, zone: string): string {
  const wall = new Date(wallOf(instant, zone));
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const seconds =
    wall.getUTCSeconds() !== 0 || wall.getUTCMilliseconds() !== 0 ? `:${pad(wall.getUTCSeconds())}` : '';
  return `${date} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}${seconds} ${zoneName(instant, zone)}`;
}

/** One `Intl` formatter per zone: creating them is what makes time formatting slow. */
const nameFormats = new Map<string, Intl.DateTimeFormat>();

/** The short zone name at `instant` (`EDT`, `GMT+1`, `UTC`), as en-US writes it. */
function zoneName(instant: number, zone: string): string {
  let format = nameFormats.get(zone);
  if (!format)
    nameFormats.set(
      zone,
      (format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' })),
    );
  return format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? zone;
}

/**
 * Formats an instant as UTC ISO 8601 to the second, e.g. `2026-03-08T07:30:00Z`.
 *
 * @example
 * ```ts
 * formatUtc(Date.UTC(2026, 2, 8, 7, 30)); // '2026-03-08T07:30:00Z'
 * ```
 */
export function formatUtc(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
