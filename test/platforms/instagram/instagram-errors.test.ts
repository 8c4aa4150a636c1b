import { describe, expect, it } from 'vitest';
import { containerError, INSTAGRAM_SUBCODE_MESSAGES } from '../../../src/platforms/instagram/instagram-errors.js';

/** The subcodes of Meta's documented publishing error table (reference §7.3). */
const DOCUMENTED = [2207003, 2207020, 2207001, 2207032, 2207053, 2207057, 2207051, 2207042, 2207006, 2207008, 2207050, 2207023, 2207028, 2207035, 2207036, 2207037, 2207040, 2207026, 2207052, 2207027, 2207004, 2207005, 2207009, 2207010, 2207073];

describe('Instagram error subcodes', () => {
  it('gives every documented subcode a message', () => {
    expect(DOCUMENTED.filter((s) => !INSTAGRAM_SUBCODE_MESSAGES[s])).toEqual([]);
  });

  it('names the fix for 2207005 (unsupported image format) in a container ERROR', () => {
    const error = containerError('Error: Media upload has failed with error code 2207005', 'c1');
    expect(error.message).toMatch(/unsupported image format; use JPEG/);
    expect(error).toMatchObject({ kind: 'invalid', platformCode: '2207005' });
  });
});
