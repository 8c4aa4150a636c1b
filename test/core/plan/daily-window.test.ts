import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/input-error.js';
import {
  formatWindow,
  isInWindow,
  moveIntoWindow,
  nextWindowStart,
  parseWindow,
} from '../../../src/core/plan/daily-window.js';

const MADRID = 'Europe/Madrid';
/** Madrid winter time: local = UTC + 1 h. */
const madrid = (d: number, h: number, mi = 0, s = 0): number => Date.UTC(2026, 0, d, h - 1, mi, s);

describe('parseWindow', () => {
  it.each([
    ['09:00-22:00', { startMinute: 540, endMinute: 1320 }],
    ['9:00-22:00', { startMinute: 540, endMinute: 1320 }],
    [' 09:30 - 17:45 ', { startMinute: 570, endMinute: 1065 }],
    ['09:00–22:00', { startMinute: 540, endMinute: 1320 }],
    ['22:00-02:00', { startMinute: 1320, endMinute: 120 }],
    ['00:00-24:00', { startMinute: 0, endMinute: 1440 }],
  ])('parses %j', (text, expected) => {
    expect(parseWindow(text)).toEqual(expected);
  });

  it.each([
    '',
    '9-22',
    'abc',
    '25:00-26:00',
    '09:60-10:00',
    '10:00-10:00',
    '09:00-24:30',
    '24:00-09:00',
    '09:00',
    '09:00-22:00-23:00',
  ])('rejects %j with WINDOW_INVALID', (text) => {
    let error: unknown;
    try {
      parseWindow(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const input = error as InputError;
    expect(input.code).toBe('WINDOW_INVALID');
    expect(input.message).toContain(`--window "${text}"`);
    expect(input.hint).toContain('09:00-22:00');
  });

  it('formats back', () => {
    expect(formatWindow(parseWindow('9:05-22:00'))).toBe('09:05-22:00');
    expect(formatWindow(parseWindow('22:00-02:00'))).toBe('22:00-02:00');
  });
});

describe('isInWindow', () => {
  const day = parseWindow('09:00-22:00');
  const night = parseWindow('22:00-02:00');

  it('includes both ends of a daytime window', () => {
    expect(isInWindow(madrid(5, 8, 59, 59), day, MADRID)).toBe(false);
    expect(isInWindow(madrid(5, 9), day, MADRID)).toBe(true);
    expect(isInWindow(madrid(5, 15), day, MADRID)).toBe(true);
    expect(isInWindow(madrid(5, 22), day, MADRID)).toBe(true);
    expect(isInWindow(madrid(5, 22, 0, 1), day, MADRID)).toBe(false);
  });

  it('handles a window crossing midnight', () => {
    expect(isInWindow(madrid(5, 21, 59), night, MADRID)).toBe(false);
    expect(isInWindow(madrid(5, 22), night, MADRID)).toBe(true);
    expect(isInWindow(madrid(5, 0, 30), night, MADRID)).toBe(true);
    expect(isInWindow(madrid(5, 2), night, MADRID)).toBe(true);
    expect(isInWindow(madrid(5, 2, 1), night, MADRID)).toBe(false);
    expect(isInWindow(madrid(5, 12), night, MADRID)).toBe(false);
  });

  it('reads the local time of the zone, not UTC', () => {
    // 21:30Z is 22:30 in Madrid (outside) and 16:30 in New York (inside).
    const t = Date.UTC(2026, 0, 5, 21, 30);
    expect(isInWindow(t, day, MADRID)).toBe(false);
    expect(isInWindow(t, day, 'America/New_York')).toBe(true);
  });
});

describe('nextWindowStart and moveIntoWindow', () => {
  const day = parseWindow('09:00-22:00');
  const night = parseWindow('22:00-02:00');

  it('goes to today’s start before the window and tomorrow’s after it', () => {
    expect(nextWindowStart(madrid(5, 6), day, MADRID)).toBe(madrid(5, 9));
    expect(nextWindowStart(madrid(5, 23), day, MADRID)).toBe(madrid(6, 9));
    expect(nextWindowStart(madrid(31, 23), day, MADRID)).toBe(Date.UTC(2026, 1, 1, 8));
    expect(nextWindowStart(madrid(5, 12), night, MADRID)).toBe(madrid(5, 22));
  });

  it('leaves times inside the window alone', () => {
    expect(moveIntoWindow(madrid(5, 10), day, MADRID)).toBe(madrid(5, 10));
    expect(moveIntoWindow(madrid(5, 1), day, MADRID)).toBe(madrid(5, 9));
  });

  it('resolves a window start in a DST gap forward, and skips the day when that leaves the window', () => {
    const ny = 'America/New_York';
    // 2026-03-08 02:30 does not exist: the 02:30-05:00 window opens at 03:30 EDT that day.
    expect(moveIntoWindow(Date.UTC(2026, 2, 8, 5), parseWindow('02:30-05:00'), ny)).toBe(
      Date.UTC(2026, 2, 8, 7, 30),
    );
    // 02:00-02:30 resolves to 03:00 EDT, outside; the next opening is 2026-03-09 02:00 EDT.
    expect(moveIntoWindow(Date.UTC(2026, 2, 8, 5), parseWindow('02:00-02:30'), ny)).toBe(
      Date.UTC(2026, 2, 9, 6),
    );
  });
});
