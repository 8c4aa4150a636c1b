import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/input-error.js';
import { parseStartDate, START_GRACE_MS } from '../../../src/core/plan/start-date.js';

const NOW = Date.UTC(2026, 0, 1, 12); // 2026-01-01 12:00Z

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseStartDate formats', () => {
  it.each([
    ['2026-12-01 09:00', 'Europe/Madrid', Date.UTC(2026, 11, 1, 8)],
    ['2026-12-01T09:00', 'Europe/Madrid', Date.UTC(2026, 11, 1, 8)],
    ['2026-12-01 09:00:30', 'Europe/Madrid', Date.UTC(2026, 11, 1, 8, 0, 30)],
    ['2026-12-01T09:00:30.250', 'Europe/Madrid', Date.UTC(2026, 11, 1, 8, 0, 30, 250)],
    ['2026-07-01 09:00', 'Europe/Madrid', Date.UTC(2026, 6, 1, 7)], // summer time, +02:00
    ['2026-07-01 09:00', 'America/New_York', Date.UTC(2026, 6, 1, 13)],
    ['2026-12-01 09:00', 'UTC', Date.UTC(2026, 11, 1, 9)],
    ['  2026-12-01 09:00  ', 'UTC', Date.UTC(2026, 11, 1, 9)],
  ])('reads %j in %s as local time', (text, zone, expected) => {
    expect(parseStartDate(text, zone, NOW)).toBe(expected);
  });

  it.each([
    ['2026-12-01T09:00:00Z', Date.UTC(2026, 11, 1, 9)],
    ['2026-12-01T09:00z', Date.UTC(2026, 11, 1, 9)],
    ['2026-12-01T09:00:00+05:30', Date.UTC(2026, 11, 1, 3, 30)],
    ['2026-12-01T09:00:00-0800', Date.UTC(2026, 11, 1, 17)],
    ['2026-12-01 09:00+01', Date.UTC(2026, 11, 1, 8)],
    ['2026-12-01T09:00:00.5+00:00', Date.UTC(2026, 11, 1, 9, 0, 0, 500)],
  ])('honours the offset in %j whatever the zone', (text, expected) => {
    expect(parseStartDate(text, 'America/New_York', NOW)).toBe(expected);
    expect(parseStartDate(text, 'Asia/Tokyo', NOW)).toBe(expected);
  });

  it('returns now for the literal now, in any case and with spaces', () => {
    expect(parseStartDate('now', 'Europe/Madrid', NOW)).toBe(NOW);
    expect(parseStartDate(' NOW ', 'Europe/Madrid', NOW)).toBe(NOW);
  });
});

describe('parseStartDate DST', () => {
  it('moves a spring-forward gap time forward by the gap (New York 02:30 → 03:30 EDT)', () => {
    expect(parseStartDate('2026-03-08 02:30', 'America/New_York', NOW)).toBe(Date.UTC(2026, 2, 8, 7, 30));
  });

  it('moves a spring-forward gap time forward by the gap (Madrid 02:30 → 03:30 CEST)', () => {
    expect(parseStartDate('2026-03-29 02:30', 'Europe/Madrid', NOW)).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });

  it('takes the earlier instant of a fall-back overlap (New York 01:30 → EDT)', () => {
    expect(parseStartDate('2026-11-01 01:30', 'America/New_York', NOW)).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it('takes the earlier instant of a fall-back overlap (Madrid 02:30 → CEST)', () => {
    expect(parseStartDate('2026-10-25 02:30', 'Europe/Madrid', NOW)).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('lets an explicit offset pick the later overlap instant', () => {
    expect(parseStartDate('2026-11-01T01:30-05:00', 'America/New_York', NOW)).toBe(
      Date.UTC(2026, 10, 1, 6, 30),
    );
  });
});

describe('parseStartDate errors', () => {
  it('refuses a start in the past', () => {
    const error = inputError(() => parseStartDate('2026-01-01 10:00', 'UTC', NOW));
    expect(error.code).toBe('START_IN_PAST');
    expect(error.message).toContain('--start-date "2026-01-01 10:00" is in the past');
    expect(error.message).toContain('2026-01-01 12:00');
    expect(error.hint).toContain('"now"');
  });

  it('allows a start within the grace period before now, and refuses one just beyond it', () => {
    expect(START_GRACE_MS).toBe(60_000);
    expect(parseStartDate('2026-01-01 11:59:30', 'UTC', NOW)).toBe(NOW - 30_000);
    expect(parseStartDate('2026-01-01 11:59:00', 'UTC', NOW)).toBe(NOW - 60_000);
    expect(inputError(() => parseStartDate('2026-01-01 11:58:59', 'UTC', NOW)).code).toBe('START_IN_PAST');
  });

  it('judges the past after applying the zone or offset', () => {
    // 12:30 in New York is 17:30Z: future. 12:30+14:00 is 22:30Z the day before: past.
    expect(parseStartDate('2026-01-01 12:30', 'America/New_York', NOW)).toBe(Date.UTC(2026, 0, 1, 17, 30));
    expect(inputError(() => parseStartDate('2026-01-01T12:30+14:00', 'UTC', NOW)).code).toBe('START_IN_PAST');
  });

  it.each([
    'tomorrow',
    '',
    '2026-12-01',
    '2026-12-01 9:00',
    '01/12/2026 09:00',
    '2026-13-01 09:00',
    '2026-00-10 09:00',
    '2026-02-30 09:00',
    '2027-02-29 09:00',
    '2026-12-01 24:00',
    '2026-12-01 09:60',
    '2026-12-01 09:00:61',
    '2026-12-01T09:00+15:00',
    '2026-12-01T09:00+01:75',
    '2026-12-01T09:00 Europe/Madrid',
  ])('rejects %j with START_DATE_INVALID', (text) => {
    const error = inputError(() => parseStartDate(text, 'UTC', NOW));
    expect(error.code).toBe('START_DATE_INVALID');
    expect(error.message).toContain(`--start-date "${text}"`);
    expect(error.hint).toContain('YYYY-MM-DD HH:mm');
    expect(error.subject).toBe('--start-date');
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseStartDate('2028-02-29 09:00', 'UTC', NOW)).toBe(Date.UTC(2028, 1, 29, 9));
  });

  it.each(['Mars/Base', '', 'Europe/Madird', 'GMT+25'])(
    'rejects the zone %j with TIMEZONE_INVALID, even for now',
    (zone) => {
      for (const text of ['2026-12-01 09:00', 'now']) {
        const error = inputError(() => parseStartDate(text, zone, NOW));
        expect(error.code).toBe('TIMEZONE_INVALID');
        expect(error.message).toContain(`--timezone "${zone}"`);
        expect(error.hint).toContain('Europe/Madrid');
      }
    },
  );
});

describe('parseStartDate relative forms', () => {
  // NOW is 2026-01-01 12:00Z: 13:00 in Madrid, 07:00 in New York, 21:00 in Tokyo.
  it.each([
    ['tomorrow 09:00', 'Europe/Madrid', Date.UTC(2026, 0, 2, 8)],
    ['Tomorrow 9:00', 'Europe/Madrid', Date.UTC(2026, 0, 2, 8)],
    ['today 18:00', 'Europe/Madrid', Date.UTC(2026, 0, 1, 17)],
    ['today 08:30', 'America/New_York', Date.UTC(2026, 0, 1, 13, 30)],
    // In Tokyo it is already 2026-01-01 21:00: tomorrow is the 2nd there.
    ['tomorrow 09:00', 'Asia/Tokyo', Date.UTC(2026, 0, 2, 0)],
    ['tomorrow 09:00:30', 'UTC', Date.UTC(2026, 0, 2, 9, 0, 30)],
    ['in 2h', 'UTC', NOW + 2 * 3_600_000],
    ['in 1h30m', 'Asia/Tokyo', NOW + 90 * 60_000],
    ['in 1d', 'Europe/Madrid', NOW + 24 * 3_600_000],
  ])('reads %j in %s', (text, zone, expected) => {
    expect(parseStartDate(text, zone, NOW)).toBe(expected);
  });

  it('keeps the wall-clock time for whole days across a DST change (in 1d over spring forward)', () => {
    const saturday = Date.UTC(2026, 2, 7, 14); // 2026-03-07 09:00 EST
    expect(parseStartDate('in 1d', 'America/New_York', saturday)).toBe(Date.UTC(2026, 2, 8, 13)); // 09:00 EDT
    expect(parseStartDate('in 24h', 'America/New_York', saturday)).toBe(saturday + 24 * 3_600_000);
  });

  it('refuses a relative time that is already past, a bare day and a bad duration', () => {
    expect(inputError(() => parseStartDate('today 09:00', 'Europe/Madrid', NOW)).code).toBe('START_IN_PAST');
    expect(inputError(() => parseStartDate('tomorrow', 'UTC', NOW)).message).toMatch(/needs a time of day/);
    expect(inputError(() => parseStartDate('tomorrow 25:00', 'UTC', NOW)).code).toBe('START_DATE_INVALID');
    expect(inputError(() => parseStartDate('in soon', 'UTC', NOW)).code).toBe('INTERVAL_INVALID');
  });
});
