import { describe, expect, it } from 'vitest';
import type { LoadedClip } from '../../../src/core/clips/cliper-campaign.js';
import { extractHashtags } from '../../../src/core/clips/extract-hashtags.js';
import { loadCliperFolder } from '../../../src/core/clips/load-cliper-folder.js';
import { mapContent, youtubeTags, youtubeTitleFromCopy } from '../../../src/core/rules/caption-mapping.js';
import { youtubeTagsLength } from '../../../src/core/rules/platform-rules.js';
import { textLength } from '../../../src/core/rules/text-length.js';
import { EXAMPLE_CAMPAIGN } from '../../helpers/cliper-fixtures.js';

function clip(copy: string, metadata: LoadedClip['metadata'] = {}, clipId = 1): LoadedClip {
  return { clipId, file: null, styleFolder: null, copy, hashtags: extractHashtags(copy), metadata, extra: {} };
}

describe('mapContent', () => {
  const c = clip('Mi breakup me llevó a hackear Harvard 🤯 #Hacking #AICDMX', { suggestedThumbnailTimestamp: 2.5, primaryTopics: ['hacking', 'web scraping', 'college life'] });

  it('TikTok and Instagram take the copy as the caption', () => {
    for (const platform of ['tiktok', 'instagram'] as const) {
      expect(mapContent(platform, c)).toEqual({ caption: c.copy, coverTimestampSec: 2.5, options: {} });
    }
  });

  it('YouTube gets a title without trailing hashtags, the copy as description, tags from hashtags and topics', () => {
    expect(mapContent('youtube', c)).toEqual({
      caption: c.copy,
      title: 'Mi breakup me llevó a hackear Harvard 🤯',
      tags: ['Hacking', 'AICDMX', 'web scraping', 'college life'],
      coverTimestampSec: 2.5,
      options: {},
    });
  });

  it('drops a cover time past the end of the clip (CLIPER may give source-video times)', () => {
    expect(mapContent('instagram', clip('x', { suggestedThumbnailTimestamp: 75 }), {}, { durationSec: 42 }).coverTimestampSec).toBeUndefined();
    expect(mapContent('instagram', clip('x', { suggestedThumbnailTimestamp: 7 }), {}, { durationSec: 42 }).coverTimestampSec).toBe(7);
    expect(mapContent('tiktok', clip('x')).coverTimestampSec).toBeUndefined();
  });

  it('lets per-post overrides win, field by field', () => {
    const content = mapContent('youtube', c, { caption: 'desc <b>', title: 'My title', tags: ['a'], coverTimestampSec: null, options: { privacyStatus: 'unlisted' } });
    expect(content).toEqual({ caption: 'desc <b>', title: 'My title', tags: ['a'], options: { privacyStatus: 'unlisted' } });
    expect(mapContent('tiktok', c, { caption: 'otra' }).caption).toBe('otra');
    expect(mapContent('youtube', c, { caption: 'otra' }).title).toBe('Mi breakup me llevó a hackear Harvard 🤯');
  });

  it('replaces < and > in derived YouTube text only', () => {
    const content = mapContent('youtube', clip('1 < 2 > 0 #math'));
    expect(content.title).toBe('1 ‹ 2 › 0');
    expect(content.caption).toBe('1 ‹ 2 › 0 #math');
  });

  it('maps the example campaign', async () => {
    const campaign = await loadCliperFolder(EXAMPLE_CAMPAIGN);
    const yt = mapContent('youtube', campaign.clips[1]!);
    expect(yt.title).toBe('Resumable uploads explained in 3 seconds ⏱️ If the Wi-Fi dies, you resume from the last byte, not…');
    expect(textLength(yt.title!, 'codePoints')).toBeLessThanOrEqual(100);
  });
});

describe('youtubeTitleFromCopy', () => {
  it('keeps inline hashtags, drops trailing ones', () => {
    expect(youtubeTitleFromCopy('Terminé hablando de #AI. Mi vida dio un giro 🤯 #DevJourney #AICDMX', 1)).toBe('Terminé hablando de #AI. Mi vida dio un giro 🤯');
  });
  it('cuts a long copy at a word boundary within 100 characters, with an ellipsis', () => {
    const copy = '¿Quieres ser speaker en #AICDMX? 🎤 Únete a nuestra #TechCommunity mensual en la galería. ¡Evita el caos de última hora y regístrate ya! #Speakers';
    const title = youtubeTitleFromCopy(copy, 3);
    expect(textLength(title, 'codePoints')).toBeLessThanOrEqual(100);
    expect(title.endsWith('…')).toBe(true);
    expect(copy.startsWith(title.slice(0, -1))).toBe(true);
    expect(copy[title.length - 1]).toBe(' ');
  });
  it('counts emojis as one character each and never splits one', () => {
    const copy = `${'🤯'.repeat(60)} ${'😂'.repeat(60)}`;
    const title = youtubeTitleFromCopy(copy, 1);
    expect(title).toBe(`${'🤯'.repeat(60)}…`);
    const noSpace = '👍🏽'.repeat(80);
    const cut = youtubeTitleFromCopy(noSpace, 1);
    expect(textLength(cut, 'codePoints')).toBeLessThanOrEqual(100);
    expect(cut).toBe(`${'👍🏽'.repeat(49)}…`);
  });
  it('puts a multi-line copy on one line; falls back for hashtag-only or empty copies', () => {
    expect(youtubeTitleFromCopy('Línea uno\n\nlínea dos #x', 1)).toBe('Línea uno línea dos');
    expect(youtubeTitleFromCopy('#Only #Hashtags', 1)).toBe('Only Hashtags');
    expect(youtubeTitleFromCopy('   ', 9)).toBe('Clip 9');
  });
});

describe('youtubeTags', () => {
  it('dedupes case-insensitively and strips commas and angle brackets', () => {
    expect(youtubeTags(['AICDMX', 'aicdmx', 'a,b', '<x>', ' ', 'web  scraping'])).toEqual(['AICDMX', 'a b', 'x', 'web scraping']);
  });
  it('stays within the 500-character budget as YouTube counts it, skipping what does not fit', () => {
    const long = Array.from({ length: 40 }, (_, i) => `topic number ${i}`);
    const tags = youtubeTags(long);
    expect(youtubeTagsLength(tags)).toBeLessThanOrEqual(500);
    expect(youtubeTagsLength(tags)).toBeGreaterThan(480);
    const fill = youtubeTags(['x'.repeat(495), 'y'.repeat(10), 'zz']);
    expect(fill).toEqual(['x'.repeat(495), 'zz']);
    expect(youtubeTagsLength(fill)).toBe(498);
    expect(youtubeTags(['a'.repeat(497), 'b c'])).toEqual(['a'.repeat(497)]);
  });
});
