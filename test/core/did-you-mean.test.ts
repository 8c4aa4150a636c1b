import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/core/did-you-mean.js';
import { isInputError } from '../../src/core/input-error.js';
import { platformGuess } from '../../src/core/platform-id.js';
import { validateTimezone } from '../../src/core/plan/time-zone.js';

describe('did you mean', () => {
  it('suggests the closest candidate for a typo, a swap or a case slip, and nothing for a far word', () => {
    expect(didYouMean('tiktk', ['tiktok', 'instagram', 'youtube'])).toBe('tiktok');
    expect(didYouMean('YuoTube', ['tiktok', 'instagram', 'youtube'])).toBe('youtube');
    expect(didYouMean('instagarm', ['tiktok', 'instagram', 'youtube'])).toBe('instagram');
    expect(didYouMean('facebook', ['tiktok', 'instagram', 'youtube'])).toBeUndefined();
    expect(didYouMean('', ['tiktok'])).toBeUndefined();
    expect(platformGuess('tiktk')).toBe('did you mean tiktok? ');
    expect(platformGuess('myspace')).toBe('');
  });

  it('a mistyped time zone names the zone it looks like in the hint', () => {
    const hint = (zone: string) => {
      try {
        validateTimezone(zone);
      } catch (error) {
        if (isInputError(error)) return error.hint;
      }
      return 'no error';
    };
    expect(hint('Europe/Madird')).toMatch(/^did you mean Europe\/Madrid\?/);
    expect(hint('america/new_yrok')).toMatch(/^did you mean America\/New_York\?/);
    expect(hint('Madrid')).toMatch(/^did you mean Europe\/Madrid\?/);
    expect(hint('Mars/Base')).not.toMatch(/did you mean/);
  });
});
