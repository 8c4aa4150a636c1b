import { InputError } from '../input-error.js';
import { resolveWall, wallFields, wallMidnight, wallOf } from './time-zone.js';

const MINUTE_MS = 60_000;

/**
 * Local hours in which posts may go out, e.g. `09:00-22:00`. Both ends are **inclusive** (a post at
 * exactly 22:00 is inside). A window whose end is before its start crosses midnight
 * (`22:00-02:00` = 22:00 to 02:00 the next morning).
 *
 * @example
 * ```ts
 * const evenings: DailyWindow = { startMinute: 18 * 60, endMinute: 23 * 60 }; // 18:00-23:00
 * ```
 */
export interface DailyWindow {
  /** Minutes after local midnight, 0–1439. */
  startMinute: number;
  /** Minutes after local midnight, 0–1440 (`24:00` = end of the day). */
  endMinute: number;
}

/** The hint shown for a bad `--window`. */
export const WINDOW_HINT =
  'use HH:mm-HH:mm in --timezone, e.g. 09:00-22:00 (both ends included); an end before the start crosses ' +
  'midnight, e.g. 22:00-02:00';

const FORMAT = /^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$/;

/**
 * Parses `--window` (`HH:mm-HH:mm`, local time in the campaign's zone).
 *
 * @throws InputError `WINDOW_INVALID` for bad text, times out of range, or a start equal to the end.
 * @example
 * ```ts
 * parseWindow('09:00-22:00'); // { startMinute: 540, endMinute: 1320 }
 * parseWindow('22:00-02:00'); // { startMinute: 1320, endMinute: 120 } (crosses midnight)
 * ```
 */
export function parseWindow(text: string): DailyWindow {
  const fail = (why: string): never => {
    throw new InputError('WINDOW_INVALID', `--window "${text}" ${why}`, WINDOW_HINT, '--window');
  };
  const m = FORMAT.exec(typeof text === 'string' ? text.trim() : '');
  if (!m) return fail('is not a time range');
  const [sh, sm, eh, em] = m.slice(1, 5).map(Number) as [number, number, number, number];
  if (sh > 23 || sm > 59) fail('has a start time out of range');
  if (eh > 24 || em > 59 || (eh === 24 && em !== 0)) fail('has an end time out of range');
  const window = { startMinute: sh * 60 + sm, endMinute: eh * 60 + em };
  if (window.startMinute === window.endMinute) fail('is empty (start equals end)');
  return window;
}

/**
 * Formats a window back to `HH:mm-HH:mm`.
 *
 * @example
 * ```ts
 * formatWindow({ startMinute: 540, endMinute: 1320 }); // '09:00-22:00'
 * ```
 */
export function formatWindow(window: DailyWindow): string {
  const hhmm = (minute: number): string =>
    `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return `${hhmm(window.startMinute)}-${hhmm(window.endMinute)}`;
}

/**
 * True when the local time of `instant` in `zone` falls inside `window` (ends included).
 *
 * @example
 * ```ts
 * isInWindow(Date.UTC(2026, 0, 5, 21), parseWindow('09:00-22:00'), 'Europe/Madrid'); // true (22:00)
 * ```
 */
export function isInWindow(instant: number, window: DailyWindow, zone: string): boolean {
  const { timeOfDay } = wallFields(wallOf(instant, zone));
  const start = window.startMinute * MINUTE_MS;
  const end = window.endMinute * MINUTE_MS;
  return start < end ? timeOfDay >= start && timeOfDay <= end : timeOfDay >= start || timeOfDay <= end;
}

/**
 * The wall value (see `time-zone.ts`) of the next window start at or after `instant`'s local time:
 * today's start if it is still ahead, else tomorrow's.
 *
 * @example
 * ```ts
 * // 23:00 in Madrid with 09:00-22:00 → 09:00 the next day (as a wall value)
 * nextWindowStartWall(Date.UTC(2026, 0, 5, 22), parseWindow('09:00-22:00'), 'Europe/Madrid');
 * ```
 */
export function nextWindowStartWall(instant: number, window: DailyWindow, zone: string): number {
  const wall = wallOf(instant, zone);
  const today = wallMidnight(wall) + window.startMinute * MINUTE_MS;
  return today > wall ? today : wallMidnight(wall, 1) + window.startMinute * MINUTE_MS;
}

/**
 * The instant of the next window start at or after `instant` (DST rule of `resolveWall`).
 *
 * @example
 * ```ts
 * nextWindowStart(Date.UTC(2026, 0, 5, 22), parseWindow('09:00-22:00'), 'Europe/Madrid'); // Date.UTC(2026, 0, 6, 8)
 * ```
 */
export function nextWindowStart(instant: number, window: DailyWindow, zone: string): number {
  return resolveWall(nextWindowStartWall(instant, window, zone), zone);
}

/**
 * `instant` itself when it is inside `window`, else the first window start after it that is inside
 * (a window start in a DST gap can resolve outside a very short window; the next day is tried then).
 *
 * @example
 * ```ts
 * moveIntoWindow(Date.UTC(2026, 0, 5, 22), parseWindow('09:00-22:00'), 'Europe/Madrid'); // Date.UTC(2026, 0, 6, 8)
 * ```
 */
export function moveIntoWindow(instant: number, window: DailyWindow, zone: string): number {
  let at = instant;
  while (!isInWindow(at, window, zone)) at = nextWindowStart(at, window, zone);
  return at;
}
