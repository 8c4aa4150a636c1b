import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/input-error.js';
import {
  formatLocal,
  formatUtc,
  offsetMinutes,
  resolveWall,
  validateTimezone,
  wallFields,
  wallMidnight,
  wallOf,
} from '../../../src/core/plan/time-zone.js';

const wall = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);

describe('validateTimezone', () => {
  it('accepts IANA zones and UTC', () => {
    for (const zone of ['Europe/Madrid', 'America/New_York', 'UTC', 'Asia/Kolkata'])
      expect(validateTimezone(zone)).toBe(zone);
  });

  it('rejects unknown zones naming --timezone', () => {
    expect(() => validateTimezone('Mars/Base')).toThrow(InputError);
    expect(() => validateTimezone('Mars/Base')).toThrow(
      '--timezone "Mars/Base" is not a known IANA time zone',
    );
    expect(() => validateTimezone(' ')).toThrow(InputError);
  });
});

describe('resolveWall', () => {
  it('maps ordinary local times to their single instant', () => {
    expect(resolveWall(wall(2026, 1, 15, 9), 'Europe/Madrid')).toBe(Date.UTC(2026, 0, 15, 8));
    expect(resolveWall(wall(2026, 7, 15, 9), 'Europe/Madrid')).toBe(Date.UTC(2026, 6, 15, 7));
    expect(resolveWall(wall(2026, 7, 15, 9), 'UTC')).toBe(Date.UTC(2026, 6, 15, 9));
  });

  it('shifts gap times forward by the gap length', () => {
    // New York 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    expect(resolveWall(wall(2026, 3, 8, 2, 0), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 0)); // 03:00 EDT
    expect(resolveWall(wall(2026, 3, 8, 2, 59), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 59)); // 03:59 EDT
    expect(resolveWall(wall(2026, 3, 8, 3, 0), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 0));
    // Madrid 2026-03-29: 02:00 CET jumps to 03:00 CEST.
    expect(resolveWall(wall(2026, 3, 29, 2, 15), 'Europe/Madrid')).toBe(Date.UTC(2026, 2, 29, 1, 15)); // 03:15 CEST
    // Lord Howe moves by 30 minutes (2026-10-04 02:00 → 02:30): 02:15 becomes 02:45 (+11:00).
    expect(resolveWall(wall(2026, 10, 4, 2, 15), 'Australia/Lord_Howe')).toBe(Date.UTC(2026, 9, 3, 15, 45));
  });

  it('picks the earlier instant in an overlap', () => {
    // New York 2026-11-01: 01:00–01:59 happens in EDT then in EST.
    expect(resolveWall(wall(2026, 11, 1, 1, 0), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 0));
    expect(resolveWall(wall(2026, 11, 1, 1, 59), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 59));
    expect(resolveWall(wall(2026, 11, 1, 2, 0), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 7, 0)); // after: EST only
    // Madrid 2026-10-25: 02:00–02:59 happens in CEST then in CET.
    expect(resolveWall(wall(2026, 10, 25, 2, 30), 'Europe/Madrid')).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('is the inverse of wallOf outside transitions, for every hour of a DST year', () => {
    for (const zone of ['America/New_York', 'Europe/Madrid', 'Australia/Sydney']) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000) {
        const w = wallOf(t, zone);
        const back = resolveWall(w, zone);
        // Only the second pass of an overlap does not round-trip; it maps to the earlier instant.
        if (back !== t) {
          expect(back).toBe(t - 3_600_000);
          expect(wallOf(back, zone)).toBe(w);
        }
      }
    }
  });
});

describe('offsetMinutes', () => {
  it('agrees with luxon every 15 minutes around the 2026 transitions, whole-hour and half-hour ones', () => {
    const cases: [string, number][] = [
      ['America/New_York', Date.UTC(2026, 2, 8, 7)],
      ['America/New_York', Date.UTC(2026, 10, 1, 6)],
      ['Europe/Madrid', Date.UTC(2026, 2, 29, 1)],
      ['Europe/Madrid', Date.UTC(2026, 9, 25, 1)],
      ['America/St_Johns', Date.UTC(2026, 2, 8, 5, 30)], // -03:30 → -02:30 at 02:00 local
      ['Australia/Lord_Howe', Date.UTC(2026, 9, 3, 15, 30)], // +10:30 → +11:00
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 15)], // +11:00 → +10:30
    ];
    for (const [zone, transition] of cases) {
      const seen = new Set<number>();
      for (let t = transition - 86_400_000; t <= transition + 86_400_000; t += 900_000) {
        for (const at of [t, t + 1, t - 1]) {
          const expected = DateTime.fromMillis(at, { zone }).offset;
          expect(offsetMinutes(at, zone), `${zone} at ${new Date(at).toISOString()}`).toBe(expected);
          seen.add(expected);
        }
      }
      expect(seen.size).toBe(2); // the range really contains the transition
    }
  });
});

describe('wall helpers', () => {
  it('agrees with luxon on local fields', () => {
    const t = Date.UTC(2026, 6, 1, 22, 30);
    const dt = DateTime.fromMillis(t, { zone: 'Europe/Madrid' });
    const f = wallFields(wallOf(t, 'Europe/Madrid'));
    expect([f.year, f.month, f.day, f.timeOfDay]).toEqual([
      dt.year,
      dt.month,
      dt.day,
      (dt.hour * 60 + dt.minute) * 60_000,
    ]);
    expect(offsetMinutes(t, 'Europe/Madrid')).toBe(120);
  });

  it('finds midnights', () => {
    expect(wallMidnight(wall(2026, 12, 31, 15))).toBe(wall(2026, 12, 31));
    expect(wallMidnight(wall(2026, 12, 31, 15), 1)).toBe(wall(2027, 1, 1));
  });

  it('formats local and UTC times', () => {
    expect(formatLocal(Date.UTC(2026, 2, 8, 7, 30), 'America/New_York')).toBe('2026-03-08 03:30 EDT');
    expect(formatLocal(Date.UTC(2026, 0, 1, 8, 0, 5), 'Europe/Madrid')).toBe('2026-01-01 09:00:05 GMT+1');
    expect(formatUtc(Date.UTC(2026, 2, 8, 7, 30))).toBe('2026-03-08T07:30:00Z');
  });
});
