import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/input-error.js';
import { formatInterval, intervalMs, isWholeDays, parseInterval } from '../../../src/core/plan/interval.js';

const H = 3_600_000;
const M = 60_000;

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseInterval', () => {
  it.each([
    ['30m', { days: 0, ms: 30 * M }],
    ['4h', { days: 0, ms: 4 * H }],
    ['1d', { days: 1, ms: 0 }],
    ['1h30m', { days: 0, ms: 90 * M }],
    ['2w', { days: 14, ms: 0 }],
    ['90s', { days: 0, ms: 90_000 }],
    ['1d12h', { days: 1, ms: 12 * H }],
    ['1w2d3h4m5s', { days: 9, ms: 3 * H + 4 * M + 5_000 }],
    [' 1H 30M ', { days: 0, ms: 90 * M }],
    ['24h', { days: 0, ms: 24 * H }],
    ['366d', { days: 366, ms: 0 }],
    ['0h30m', { days: 0, ms: 30 * M }],
  ])('parses %s', (text, expected) => {
    expect(parseInterval(text)).toEqual(expected);
  });

  it.each([
    '',
    '   ',
    '0m',
    '0h0m',
    '-4h',
    '4',
    '4x',
    '1.5h',
    '30m1h',
    '1h1h',
    'abc',
    '367d',
    '53w',
    '1d-2h',
    'h',
    '1 d 2',
    '1ms',
    '1234567890s',
  ])('rejects %j with INTERVAL_INVALID', (text) => {
    const error = inputError(() => parseInterval(text));
    expect(error.code).toBe('INTERVAL_INVALID');
    expect(error.message).toContain(`--interval "${text}"`);
    expect(error.hint).toContain('30m, 4h, 1d, 1h30m');
    expect(error.subject).toBe('--interval');
  });

  it('says why it rejects', () => {
    expect(inputError(() => parseInterval('0m')).message).toMatch(/is zero/);
    expect(inputError(() => parseInterval('4x')).message).toMatch(/unknown unit "x"/);
    expect(inputError(() => parseInterval('30m1h')).message).toMatch(/smaller unit first/);
    expect(inputError(() => parseInterval('400d')).message).toMatch(/longer than 366 days/);
  });

  it('names another flag when asked', () => {
    const error = inputError(() => parseInterval('soon', '--stagger'));
    expect(error.message).toBe('--stagger "soon" is not a duration');
    expect(error.subject).toBe('--stagger');
  });
});

describe('interval helpers', () => {
  it('tells whole-day intervals from exact ones', () => {
    expect(isWholeDays(parseInterval('1d'))).toBe(true);
    expect(isWholeDays(parseInterval('2w'))).toBe(true);
    expect(isWholeDays(parseInterval('24h'))).toBe(false);
    expect(isWholeDays(parseInterval('1d12h'))).toBe(false);
    expect(isWholeDays(parseInterval('4h'))).toBe(false);
  });

  it('measures exact durations', () => {
    expect(intervalMs(parseInterval('1d12h'))).toBe(36 * H);
    expect(intervalMs(parseInterval('2w'))).toBe(14 * 24 * H);
  });

  it.each(['30m', '4h', '1d', '1h30m', '2w', '1d12h', '1w2d3h4m5s'])('formats %s back', (text) => {
    expect(formatInterval(parseInterval(text))).toBe(text);
  });

  it('formats odd values', () => {
    expect(formatInterval(parseInterval('90s'))).toBe('1m30s');
    expect(formatInterval(parseInterval('24h'))).toBe('24h');
    expect(formatInterval({ days: 0, ms: 0 })).toBe('0s');
    expect(formatInterval({ days: 0, ms: 1500 })).toBe('1s500ms');
  });
});
