import type { DailyWindow } from './daily-window.js';
import { formatWindow, isInWindow, nextWindowStartWall } from './daily-window.js';
import type { Interval } from './interval.js';
import { intervalMs, isWholeDays } from './interval.js';
import { DAY_MS, resolveWall, wallOf } from './time-zone.js';

/** One campaign slot: when its clip goes out, and whether the daily window moved it. */
export interface Slot {
  /** 0-based slot number. */
  index: number;
  /** The instant after any window move. */
  at: number;
  /** The instant the interval alone gave, when the window moved the slot. */
  movedFrom?: number;
  /** Why it moved. */
  reason?: string;
}

/**
 * Adds `times × interval` to `instant`: whole-day intervals keep the local wall clock in `zone`
 * (DST rule of `resolveWall`), any other interval is an exact duration.
 *
 * @example
 * ```ts
 * addInterval(start, { days: 1, ms: 0 }, 3, 'Europe/Madrid'); // same local time 3 days later
 * ```
 */
export function addInterval(instant: number, interval: Interval, times: number, zone: string): number {
  if (times === 0) return instant;
  if (isWholeDays(interval)) return resolveWall(wallOf(instant, zone) + times * interval.days * DAY_MS, zone);
  return instant + times * intervalMs(interval);
}

/**
 * The `count` slots of a campaign: slot k = start + k × interval. A slot outside `window` moves to the
 * next window start, and later slots continue from the moved slot (the interval restarts there).
 * Whole-day chains advance the wall clock, so a start read from a DST gap does not drift.
 *
 * @example
 * ```ts
 * planSlots(Date.UTC(2026, 0, 5, 8), { days: 0, ms: 4 * 3_600_000 }, 3, 'Europe/Madrid').map((s) => s.at);
 * // 09:00, 13:00, 17:00 Madrid
 * ```
 */
export function planSlots(
  start: number,
  interval: Interval,
  count: number,
  zone: string,
  window?: DailyWindow,
): Slot[] {
  const wholeDays = isWholeDays(interval);
  const step = wholeDays ? interval.days * DAY_MS : intervalMs(interval);
  // The anchor is a wall value for whole-day chains and an instant otherwise.
  let anchor = wholeDays ? wallOf(start, zone) : start;
  let anchorIndex = 0;
  const slots: Slot[] = [];
  for (let index = 0; index < count; index++) {
    const raw = anchor + (index - anchorIndex) * step;
    // Slot 0 is the start itself, even when it is the later of two identical local times.
    const at = index === 0 ? start : wholeDays ? resolveWall(raw, zone) : raw;
    if (window === undefined || isInWindow(at, window, zone)) {
      slots.push({ index, at });
      continue;
    }
    let movedWall = nextWindowStartWall(at, window, zone);
    // A window start inside a DST gap can resolve outside a very short window; try the next day then.
    while (!isInWindow(resolveWall(movedWall, zone), window, zone)) {
      movedWall = nextWindowStartWall(resolveWall(movedWall, zone), window, zone);
    }
    const moved = resolveWall(movedWall, zone);
    anchor = wholeDays ? movedWall : moved;
    anchorIndex = index;
    slots.push({
      index,
      at: moved,
      movedFrom: at,
      reason: `outside the daily window ${formatWindow(window)}`,
    });
  }
  return slots;
}
