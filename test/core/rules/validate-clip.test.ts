import { describe, expect, it } from 'vitest';
import type { LoadedClip } from '../../../src/core/clips/cliper-campaign.js';
import { extractHashtags } from '../../../src/core/clips/extract-hashtags.js';
import { loadCliperFolder } from '../../../src/core/clips/load-cliper-folder.js';
import type { PlatformId } from '../../../src/core/platform-id.js';
import { mapContent } from '../../../src/core/rules/caption-mapping.js';
import { validateClipForPlatform } from '../../../src/core/rules/validate-clip.js';
import type { ContentOverrides } from '../../../src/core/rules/caption-mapping.js';
import { probeMp4 } from '../../../src/media/probe.js';
import type { ProbeInfo, ProbeResult } from '../../../src/core/clips/probe-result.js';
import { EXAMPLE_CAMPAIGN } from '../../helpers/cliper-fixtures.js';

const GOOD: ProbeInfo = { ok: true, durationSec: 30, width: 1080, height: 1920, videoCodec: 'avc1.640028', audioCodec: 'mp4a.40.2', fps: 30, bitrate: 8_000_000, size: 30_000_000, faststart: true, editList: false };

function clip(copy: string, clipId = 7): LoadedClip {
  return { clipId, file: `/x/${clipId}.mp4`, styleFolder: null, copy, hashtags: extractHashtags(copy), metadata: {}, extra: {} };
}
function check(platform: PlatformId, copy: string, probe: Partial<ProbeInfo> = {}, overrides: ContentOverrides = {}) {
  const c = clip(copy);
  return validateClipForPlatform({ clip: c, probe: { ...GOOD, ...probe }, content: mapContent(platform, c, overrides), platform });
}
const tags = (n: number) => Array.from({ length: n }, (_, i) => `#t${i}`).join(' ');

describe('validateClipForPlatform', () => {
  it('accepts the example campaign on every platform', async () => {
    const campaign = await loadCliperFolder(EXAMPLE_CAMPAIGN);
    for (const c of campaign.clips) {
      const probe = await probeMp4(c.file!);
      for (const platform of ['tiktok', 'instagram', 'youtube'] as const) {
        const content = mapContent(platform, c, {}, probe.ok ? probe : undefined);
        expect(validateClipForPlatform({ clip: c, probe, content, platform }), `${platform} clip ${c.clipId}`).toEqual([]);
      }
    }
  });

  it('Instagram: more than 30 hashtags, with the exact message', () => {
    expect(check('instagram', `Hola ${tags(30)}`)).toEqual([]);
    const findings = check('instagram', `Hola ${tags(31)}`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ platform: 'instagram', clipId: 7, field: 'hashtags', severity: 'error', code: 'HASHTAGS_TOO_MANY', message: 'Too many hashtags (31). Maximum is 30.' });
    expect(findings[0]!.hint).toBe('Clip 7 on Instagram Reels, hashtags: remove 1 hashtag (maximum 30), or pass a caption override.');
    expect(check('tiktok', `Hola ${tags(31)}`)).toEqual([]);
  });

  it('Instagram: more than 20 mentions', () => {
    const mentions = Array.from({ length: 21 }, (_, i) => `@user${i}`).join(' ');
    expect(check('instagram', mentions)).toMatchObject([{ field: 'mentions', message: 'Too many mentions (21). Maximum is 20.' }]);
  });

  it('counts the caption as each platform does: TikTok in UTF-16 units, Instagram in code points', () => {
    const emojis = '🤯'.repeat(1100); // 1100 code points, 2200 UTF-16 units
    expect(check('tiktok', emojis)).toEqual([]);
    expect(check('instagram', emojis)).toEqual([]);
    const over = `${emojis}a`;
    expect(check('tiktok', over)).toMatchObject([{ field: 'caption', code: 'CAPTION_TOO_LONG', message: 'Caption too long (2201 characters). Maximum is 2200.' }]);
    expect(check('instagram', over)).toEqual([]);
    expect(check('instagram', 'a'.repeat(2201))).toMatchObject([{ code: 'CAPTION_TOO_LONG', message: 'Caption too long (2201 characters). Maximum is 2200.' }]);
    const combining = 'e\u0301'.repeat(1101); // 2202 code points and units, 1101 graphemes
    expect(check('instagram', combining)).toMatchObject([{ code: 'CAPTION_TOO_LONG' }]);
  });

  it('YouTube: description in UTF-8 bytes, title length and characters, tag budget', () => {
    expect(check('youtube', 'ñ'.repeat(2500))).toEqual([]);
    expect(check('youtube', 'ñ'.repeat(2501))).toMatchObject([{ field: 'description', code: 'DESCRIPTION_TOO_LONG', message: 'Description too long (5002 bytes). Maximum is 5000.' }]);
    expect(check('youtube', 'x', {}, { title: 'a'.repeat(101) })).toMatchObject([{ field: 'title', message: 'Title too long (101 characters). Maximum is 100.' }]);
    expect(check('youtube', 'x', {}, { title: '🤯'.repeat(100) })).toEqual([]);
    expect(check('youtube', 'x', {}, { title: 'a <b>' })).toMatchObject([{ field: 'title', code: 'TITLE_FORBIDDEN_CHARACTERS' }]);
    expect(check('youtube', 'x', {}, { title: ' ' })).toMatchObject([{ field: 'title', code: 'TITLE_REQUIRED', message: 'Title is required.' }]);
    expect(check('youtube', 'x', {}, { caption: 'a > b' })).toMatchObject([{ field: 'description', code: 'DESCRIPTION_FORBIDDEN_CHARACTERS' }]);
    expect(check('youtube', 'x', {}, { tags: ['a b'.repeat(100), 'c d'.repeat(100)] })).toMatchObject([{ field: 'tags', code: 'TAGS_TOO_LONG', message: 'Tags too long (605 characters). Maximum is 500.' }]);
  });

  it('durations: Instagram 3 s to 15 min; TikTok 10 min hard, 3 min soft; YouTube Shorts 180 s soft', () => {
    expect(check('instagram', 'x', { durationSec: 2.5 })).toMatchObject([{ field: 'duration', severity: 'error', message: 'Video too short (2.5 s). Minimum is 3 s.' }]);
    expect(check('instagram', 'x', { durationSec: 901 })).toMatchObject([{ severity: 'error', message: 'Video too long (901 s). Maximum is 900 s.' }]);
    expect(check('tiktok', 'x', { durationSec: 601 })).toMatchObject([{ severity: 'error' }, { severity: 'warning' }]);
    expect(check('tiktok', 'x', { durationSec: 200 })).toMatchObject([{ severity: 'warning', code: 'DURATION_OUTSIDE_RECOMMENDED' }]);
    const yt = check('youtube', 'x', { durationSec: 181 });
    expect(yt).toMatchObject([{ severity: 'warning', message: 'Video is longer than 180 s (181 s).' }]);
    expect(yt[0]!.hint).toContain('not a Short');
  });

  it('file, picture and stream checks', () => {
    expect(check('instagram', 'x', { size: 301 * 1024 * 1024 })).toMatchObject([{ field: 'size', message: 'File too large (301 MB). Maximum is 300 MB.' }]);
    expect(check('instagram', 'x', { width: 2160, height: 3840 })).toMatchObject([{ field: 'width', message: 'Video width too large (2160 px). Maximum is 1920 px.' }]);
    expect(check('tiktok', 'x', { width: 320, height: 568 })).toMatchObject([{ field: 'width', code: 'WIDTH_TOO_LOW' }]);
    expect(check('tiktok', 'x', { fps: 15 })).toMatchObject([{ field: 'fps', message: 'Frame rate too low (15 fps). Minimum is 23 fps.' }]);
    expect(check('instagram', 'x', { videoCodec: 'av01.0.08M.08' })).toMatchObject([{ field: 'videoCodec', code: 'VIDEO_CODEC_UNSUPPORTED' }]);
    expect(check('tiktok', 'x', { videoCodec: 'vp09.00.10.08' })).toEqual([]);
    expect(check('instagram', 'x', { audioCodec: 'Opus' })).toMatchObject([{ field: 'audioCodec', severity: 'error' }]);
    expect(check('tiktok', 'x', { audioCodec: 'Opus' })).toMatchObject([{ field: 'audioCodec', severity: 'warning' }]);
    expect(check('instagram', 'x', { audioCodec: null })).toEqual([]);
    expect(check('instagram', 'x', { bitrate: 30_000_000 })).toMatchObject([{ field: 'bitrate', message: 'Bitrate too high (30 Mbps). Maximum is 25 Mbps.' }]);
    expect(check('instagram', 'x', { faststart: false })).toMatchObject([{ field: 'faststart', severity: 'error', code: 'NOT_FASTSTART' }]);
    expect(check('tiktok', 'x', { faststart: false })).toEqual([]);
  });

  it('aspect ratio: landscape is a warning on TikTok and Instagram, not a Short on YouTube, extreme is an error on Instagram', () => {
    expect(check('tiktok', 'x', { width: 1920, height: 1080 })).toMatchObject([{ field: 'aspectRatio', severity: 'warning', code: 'ASPECT_RATIO_NOT_VERTICAL' }]);
    expect(check('youtube', 'x', { width: 1920, height: 1080 })).toMatchObject([{ severity: 'warning', message: 'Video is wider than square (1920x1080); it will not be a Short.' }]);
    expect(check('youtube', 'x', { width: 1080, height: 1080 })).toEqual([]);
    expect(check('instagram', 'x', { width: 1900, height: 150 })).toMatchObject([{ field: 'aspectRatio', severity: 'error', code: 'ASPECT_RATIO_OUT_OF_RANGE' }]);
  });

  it('a cover time outside the video: an error on Instagram (2207057), a warning on TikTok', () => {
    expect(check('instagram', 'x', { durationSec: 30 }, { coverTimestampSec: 75 })).toMatchObject([{ field: 'cover', severity: 'error', message: 'Cover timestamp (75 s) is outside the video (0 to 30 s).' }]);
    expect(check('tiktok', 'x', { durationSec: 30 }, { coverTimestampSec: 30 })).toMatchObject([{ field: 'cover', severity: 'warning' }]);
    expect(check('youtube', 'x', { durationSec: 30 }, { coverTimestampSec: 75 })).toEqual([]);
  });

  it('a probe failure is one error on the file; text checks still run; errors come first', () => {
    const c = clip(`x ${tags(31)}`);
    const probe: ProbeResult = { ok: false, error: { code: 'PROBE_NOT_MP4', message: '/x/7.mp4 is not a readable MP4' } };
    const findings = validateClipForPlatform({ clip: c, probe, content: mapContent('instagram', c), platform: 'instagram' });
    expect(findings.map((f) => f.code)).toEqual(['HASHTAGS_TOO_MANY', 'PROBE_NOT_MP4']);
    const mixed = check('instagram', `x ${tags(31)}`, { width: 1920, height: 1080 });
    expect(mixed.map((f) => f.severity)).toEqual(['error', 'warning']);
  });
});

describe('edit lists', () => {
  it('refuses a clip with an edit list on Instagram only', () => {
    const probe: ProbeInfo = { ...GOOD, editList: true };
    const c = clip('hello');
    const ig = validateClipForPlatform({ clip: c, probe, content: { caption: 'hello', options: {} }, platform: 'instagram' });
    expect(ig.find((f) => f.code === 'EDIT_LIST_PRESENT')).toMatchObject({ severity: 'error', field: 'editList' });
    for (const platform of ['tiktok', 'youtube'] as const) {
      expect(validateClipForPlatform({ clip: c, probe, content: { caption: 'hello', options: {} }, platform }).some((f) => f.code === 'EDIT_LIST_PRESENT')).toBe(false);
    }
  });
});

describe('a container a lossless remux fixes', () => {
  it('says "remuxed for Instagram" as one warning instead of the two errors; other platforms say nothing', () => {
    const remuxable = { faststart: false, editList: true, remux: { ok: true } } as const;
    const ig = check('instagram', 'x', remuxable);
    expect(ig).toHaveLength(1);
    expect(ig[0]).toMatchObject({ field: 'container', severity: 'warning', code: 'CONTAINER_REMUXED' });
    expect(ig[0]!.message).toMatch(/remuxed for instagram/i);
    expect(ig[0]!.message).toContain('moov moved before mdat, edit list dropped, timing kept; not re-encoded');
    expect(check('instagram', 'x', { faststart: false, remux: { ok: true } })[0]!.message).toBe('Video remuxed for Instagram Reels (moov moved before mdat; not re-encoded).');
    expect(check('tiktok', 'x', remuxable)).toEqual([]);
    expect(check('youtube', 'x', remuxable)).toEqual([]);
  });

  it('keeps both errors, with the reason, when the remux cannot be lossless', () => {
    const ig = check('instagram', 'x', { faststart: false, editList: true, remux: { ok: false, reason: "its soun track's edit list trims 1 s at the start" } });
    expect(ig.map((f) => [f.code, f.severity])).toEqual([
      ['NOT_FASTSTART', 'error'],
      ['EDIT_LIST_PRESENT', 'error'],
    ]);
    expect(ig[1]!.hint).toContain("clipcast cannot remux it losslessly: its soun track's edit list trims 1 s at the start.");
  });
});
