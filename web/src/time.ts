import { DateTime, IANAZone } from 'luxon';

/** The calendar's views. */
export type View = 'month' | 'week' | 'day' | 'agenda';

const HOUR = 3_600_000;

/**
 * Fast day/hour keys for thousands of posts: a zone's UTC offset is looked up once per hour of time and
 * cached, instead of formatting a DateTime per post.
 */
export class ZoneClock {
  readonly #zone: IANAZone;
  readonly #offsets = new Map<number, number>();

  constructor(readonly name: string) {
    this.#zone = IANAZone.create(name);
  }

  /** Wall-clock milliseconds (the instant shifted by the zone's offset then). */
  wall(ms: number): number {
    const bucket = Math.floor(ms / HOUR);
    let off = this.#offsets.get(bucket);
    if (off === undefined) {
      off = this.#zone.offset(ms);
      this.#offsets.set(bucket, off);
    }
    return ms + off * 60_000;
  }

  /** `YYYY-MM-DD` of the instant in the zone. */
  dayKey(ms: number): string {
    return new Date(this.wall(ms)).toISOString().slice(0, 10);
  }

  /** Hour 0–23 of the instant in the zone. */
  hour(ms: number): number {
    return new Date(this.wall(ms)).getUTCHours();
  }

  /** `HH:mm` in the zone. */
  time(ms: number): string {
    return new Date(this.wall(ms)).toISOString().slice(11, 16);
  }
}

/** The instants a view shows around `anchor` (a `YYYY-MM-DD` in `zone`), weeks starting on Monday. */
export function viewRange(
  view: View,
  anchor: string,
  zone: string,
): { from: DateTime; to: DateTime; days: string[] } {
  const a = DateTime.fromISO(anchor, { zone });
  let from: DateTime;
  let to: DateTime;
  if (view === 'month' || view === 'agenda') {
    const first = a.startOf('month');
    from = view === 'month' ? first.startOf('week') : first;
    to =
      view === 'month'
        ? first.endOf('month').endOf('week').plus({ milliseconds: 1 })
        : first.plus({ months: 1 });
  } else if (view === 'week') {
    from = a.startOf('week');
    to = from.plus({ weeks: 1 });
  } else {
    from = a.startOf('day');
    to = from.plus({ days: 1 });
  }
  const days: string[] = [];
  for (let d = from; d < to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  return { from, to, days };
}

/** The anchor moved one view's length forward (`step` 1) or back (-1). */
export function stepAnchor(view: View, anchor: string, step: number, zone: string): string {
  const a = DateTime.fromISO(anchor, { zone });
  const unit = view === 'week' ? { weeks: step } : view === 'day' ? { days: step } : { months: step };
  return a.plus(unit).toISODate()!;
}

/** The view's heading, e.g. `December 2026` or `Week of 7 Dec 2026`. */
export function viewTitle(view: View, anchor: string, zone: string): string {
  const a = DateTime.fromISO(anchor, { zone });
  if (view === 'week') return `Week of ${a.startOf('week').toFormat('d LLL yyyy')}`;
  if (view === 'day') return a.toFormat('cccc d LLLL yyyy');
  return a.toFormat('LLLL yyyy');
}

/** Today's date in the zone. */
export function today(zone: string): string {
  return DateTime.now().setZone(zone).toISODate()!;
}

/** An instant at `day` (`YYYY-MM-DD`), `hour`:`minute` in `zone`, as ISO. */
export function instantAt(day: string, hour: number, minute: number, zone: string): string {
  return DateTime.fromISO(day, { zone }).set({ hour, minute, second: 0, millisecond: 0 }).toISO()!;
}

/** `ms` formatted in the zone, e.g. `Tue 8 Dec, 14:30`. */
export function formatWhen(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('ccc d LLL yyyy, HH:mm');
}

/** Time zones offered: the browser's, UTC, and common ones. */
export function zoneChoices(current: string): string[] {
  const local = DateTime.local().zoneName ?? 'UTC';
  const list = [
    local,
    'UTC',
    'America/Mexico_City',
    'America/New_York',
    'America/Los_Angeles',
    'Europe/Madrid',
    'Europe/London',
    'Asia/Tokyo',
    current,
  ];
  return [...new Set(list)];
}
