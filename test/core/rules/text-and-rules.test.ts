import { describe, expect, it } from 'vitest';
import { PLATFORM_RULES, youtubeTagsLength } from '../../../src/core/rules/platform-rules.js';
import { listProviderIds, listProviders, providerInfo } from '../../../src/core/rules/providers.js';
import { textLength, truncateToLength } from '../../../src/core/rules/text-length.js';

describe('textLength counts as each platform counts', () => {
  const cases: Array<[string, string, number, number, number]> = [
    // [label, text, utf16, codePoints, utf8Bytes]
    ['ascii', 'hello', 5, 5, 5],
    ['accented (precomposed)', 'año é', 5, 5, 7],
    ['combining marks', 'e\u0301a\u0308', 4, 4, 6],
    ['emoji outside the BMP', '🤯', 2, 1, 4],
    ['emoji with skin tone', '👍🏽', 4, 2, 8],
    ['family ZWJ sequence', '👨‍👩‍👧', 8, 5, 18],
    ['flag', '🇲🇽', 4, 2, 8],
    ['emoji + variation selector', '♟️', 2, 2, 6],
    ['CJK', '漢字かな', 4, 4, 12],
    ['CJK extension B', '𠀀', 2, 1, 4],
  ];
  for (const [label, text, utf16, cp, bytes] of cases) {
    it(label, () => {
      expect(textLength(text, 'utf16')).toBe(utf16);
      expect(textLength(text, 'codePoints')).toBe(cp);
      expect(textLength(text, 'utf8Bytes')).toBe(bytes);
    });
  }
  it('truncates without splitting a grapheme', () => {
    expect(truncateToLength('ab👍🏽c', 3, 'utf16')).toBe('ab');
    expect(truncateToLength('ab👍🏽c', 6, 'utf16')).toBe('ab👍🏽');
    expect(truncateToLength('e\u0301e\u0301', 3, 'codePoints')).toBe('e\u0301');
    expect(truncateToLength('short', 10, 'utf8Bytes')).toBe('short');
  });
});

describe('PLATFORM_RULES', () => {
  it('hold the limits of the references', () => {
    expect(PLATFORM_RULES.tiktok.caption).toMatchObject({ max: 2200, unit: 'utf16' });
    expect(PLATFORM_RULES.instagram.caption).toMatchObject({ max: 2200, unit: 'codePoints' });
    expect(PLATFORM_RULES.instagram.hashtags.max).toBe(30);
    expect(PLATFORM_RULES.instagram.mentions.max).toBe(20);
    expect(PLATFORM_RULES.instagram.durationSec).toMatchObject({ min: 3, max: 900 });
    expect(PLATFORM_RULES.instagram.fileSizeMaxBytes?.max).toBe(300 * 1024 * 1024);
    expect(PLATFORM_RULES.youtube.title).toMatchObject({ max: 100, unit: 'codePoints', forbidden: ['<', '>'] });
    expect(PLATFORM_RULES.youtube.caption).toMatchObject({ max: 5000, unit: 'utf8Bytes' });
    expect(PLATFORM_RULES.youtube.tags?.maxTotal).toBe(500);
    expect(PLATFORM_RULES.tiktok.fps).toMatchObject({ min: 23, max: 60 });
    expect(PLATFORM_RULES.tiktok.width).toMatchObject({ min: 360, max: 4096 });
  });
  it('hold the daily quota defaults the planner needs', () => {
    expect(PLATFORM_RULES.youtube.quota).toMatchObject({ postsPerWindow: 100, window: 'calendar-day', timeZone: 'America/Los_Angeles', scope: 'project' });
    expect(PLATFORM_RULES.tiktok.quota).toMatchObject({ postsPerWindow: 15, window: 'rolling-24h', scope: 'creator' });
    expect(PLATFORM_RULES.instagram.quota).toMatchObject({ postsPerWindow: 100, window: 'rolling-24h', live: true });
  });
  it('are frozen, deeply', () => {
    expect(Object.isFrozen(PLATFORM_RULES)).toBe(true);
    expect(Object.isFrozen(PLATFORM_RULES.instagram.hashtags)).toBe(true);
    expect(() => {
      (PLATFORM_RULES.instagram.hashtags as { max: number }).max = 99;
    }).toThrow(TypeError);
  });
});

describe('youtubeTagsLength', () => {
  it("counts commas and a tag with a space as quoted (YouTube's examples)", () => {
    expect(youtubeTagsLength(['Foo-Baz'])).toBe(7);
    expect(youtubeTagsLength(['Foo Baz'])).toBe(9);
    expect(youtubeTagsLength(['Foo-Baz', 'Foo Baz'])).toBe(7 + 1 + 9);
    expect(youtubeTagsLength([])).toBe(0);
    expect(youtubeTagsLength(['México', '漢字'])).toBe(6 + 1 + 2);
  });
});

describe('providers', () => {
  it('lists the platforms as GET /publishing/providers does', () => {
    expect(listProviderIds()).toEqual(['instagram', 'tiktok', 'youtube']);
    expect(listProviders().map((p) => p.platform)).toEqual(['instagram', 'tiktok', 'youtube']);
  });
  it('describes each platform from the rules', () => {
    const ig = providerInfo('instagram');
    expect(ig).toMatchObject({ platform: 'instagram', name: 'Instagram Reels', api_version: 'v26.0' });
    expect(ig.limits).toMatchObject({ caption_max_length: 2200, hashtags_max: 30, mentions_max: 20, duration_min_sec: 3, faststart_required: true, posts_per_window: 100 });
    expect(ig.features).toContain('reels');
    expect(providerInfo('youtube').limits).toMatchObject({ title_max_length: 100, tags_max_total_length: 500, caption_length_unit: 'utf8Bytes', duration_recommended_max_sec: 180 });
    expect(providerInfo('tiktok').limits).toMatchObject({ caption_length_unit: 'utf16', hashtags_max: null, fps_min: 23 });
    expect(providerInfo('tiktok').documentation).toMatch(/^https:\/\/developers\.tiktok\.com\//);
    expect(JSON.parse(JSON.stringify(listProviders()))).toEqual(listProviders());
  });
});
