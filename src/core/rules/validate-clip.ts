import type { LoadedClip } from '../clips/cliper-campaign.js';
import { countHashtags, countMentions } from '../clips/extract-hashtags.js';
import { PLATFORM_NAMES } from '../platform-id.js';
import type { PlatformId } from '../platform-id.js';
import type { PostContent } from '../ports/platform-adapter.js';
import type { ProbeResult } from '../clips/probe-result.js';
import { PLATFORM_RULES, youtubeTagsLength } from './platform-rules.js';
import type { RangeRule, RuleSeverity, TextRule } from './platform-rules.js';
import { LENGTH_UNIT_NAMES, textLength } from './text-length.js';

/**
 * One thing a platform would refuse (`error`) or treat other than intended (`warning`).
 * `message` is the short, stable text the HTTP API returns (e.g. `Too many hashtags (31). Maximum is 30.`);
 * `hint` says which clip and field, the limit and the fix, for people.
 */
export interface Finding {
  platform: PlatformId;
  clipId: number;
  /** `caption`, `title`, `tags`, `hashtags`, `mentions`, `duration`, `file`, `size`, `width`, `height`, `aspectRatio`, `fps`, `videoCodec`, `audioCodec`, `bitrate`, `faststart`, `editList`, `container` (a remux), `cover`. */
  field: string;
  severity: 'error' | 'warning';
  /** Stable code, e.g. `HASHTAGS_TOO_MANY`. */
  code: string;
  message: string;
  hint: string;
}

/** What {@link validateClipForPlatform} checks. */
export interface ValidateClipInput {
  clip: LoadedClip;
  probe: ProbeResult;
  /** The mapped content (see `mapContent`), overrides included. */
  content: PostContent;
  platform: PlatformId;
}

/**
 * Checks one clip and its mapped content against one platform's rules (platform-rules.ts), before any
 * upload. Returns every finding, errors first; an empty list means the platform should accept it.
 *
 * @example
 * ```ts
 * const findings = validateClipForPlatform({ clip, probe, content: mapContent('instagram', clip), platform: 'instagram' });
 * findings[0]?.message; // 'Too many hashtags (31). Maximum is 30.'
 * ```
 */
export function validateClipForPlatform(input: ValidateClipInput): Finding[] {
  const { clip, probe, content, platform } = input;
  const rules = PLATFORM_RULES[platform];
  const where = `Clip ${clip.clipId} on ${PLATFORM_NAMES[platform]}`;
  const findings: Finding[] = [];
  const add = (field: string, severity: RuleSeverity, code: string, message: string, fix: string) => {
    findings.push({ platform, clipId: clip.clipId, field, severity, code, message, hint: `${where}, ${field}: ${fix}` });
  };

  const captionField = platform === 'youtube' ? 'description' : 'caption';
  checkText(content.caption, rules.caption, captionField, add);
  if (rules.title) {
    if (content.title === undefined || content.title.trim() === '') add('title', 'error', 'TITLE_REQUIRED', 'Title is required.', 'give the post a title (a title override), or a copy to derive it from.');
    else checkText(content.title, rules.title, 'title', add);
  }
  if (rules.tags && content.tags) {
    const total = youtubeTagsLength(content.tags);
    if (total > rules.tags.maxTotal) add('tags', rules.tags.severity, 'TAGS_TOO_LONG', `Tags too long (${total} characters). Maximum is ${rules.tags.maxTotal}.`, `the tags count ${total} characters as ${PLATFORM_NAMES[platform]} counts them (commas, +2 for a tag with a space); drop tags to fit ${rules.tags.maxTotal}.`);
  }
  const hashtags = countHashtags(content.caption);
  if (rules.hashtags.max !== null && hashtags > rules.hashtags.max) {
    add('hashtags', rules.hashtags.severity, 'HASHTAGS_TOO_MANY', `Too many hashtags (${hashtags}). Maximum is ${rules.hashtags.max}.`, `remove ${hashtags - rules.hashtags.max} hashtag${hashtags - rules.hashtags.max === 1 ? '' : 's'} (maximum ${rules.hashtags.max}), or pass a caption override.`);
  }
  const mentions = countMentions(content.caption);
  if (rules.mentions.max !== null && mentions > rules.mentions.max) {
    add('mentions', rules.mentions.severity, 'MENTIONS_TOO_MANY', `Too many mentions (${mentions}). Maximum is ${rules.mentions.max}.`, `remove ${mentions - rules.mentions.max} @mention${mentions - rules.mentions.max === 1 ? '' : 's'} (maximum ${rules.mentions.max}), or pass a caption override.`);
  }

  if (!probe.ok) {
    add('file', 'error', probe.error.code, probe.error.message, 'export the clip again as MP4 (H.264 + AAC, faststart).');
    return sortFindings(findings);
  }
  checkRange(probe.durationSec, rules.durationSec, 'duration', 's', 'Video too short', 'Video too long', 'trim or re-export the clip to fit.', add, 'DURATION');
  if (rules.durationSoftSec) {
    const soft = rules.durationSoftSec;
    if ((soft.max !== null && probe.durationSec > soft.max) || (soft.min !== null && probe.durationSec < soft.min)) {
      const bound = soft.max !== null && probe.durationSec > soft.max ? `longer than ${soft.max} s` : `shorter than ${soft.min} s`;
      add('duration', soft.severity, 'DURATION_OUTSIDE_RECOMMENDED', `Video is ${bound} (${fmt(probe.durationSec)} s).`, `${soft.reason}.`);
    }
  }
  if (rules.fileSizeMaxBytes && probe.size > rules.fileSizeMaxBytes.max) {
    add('size', rules.fileSizeMaxBytes.severity, 'FILE_TOO_LARGE', `File too large (${bytes(probe.size)}). Maximum is ${bytes(rules.fileSizeMaxBytes.max)}.`, 're-encode the clip at a lower bitrate.');
  }
  checkRange(probe.width, rules.width, 'width', 'px', 'Video width too small', 'Video width too large', 'scale the clip, e.g. to 1080x1920.', add, 'WIDTH');
  checkRange(probe.height, rules.height, 'height', 'px', 'Video height too small', 'Video height too large', 'scale the clip, e.g. to 1080x1920.', add, 'HEIGHT');
  if (probe.height > 0) {
    const ratio = probe.width / probe.height;
    const ar = rules.aspectRatio;
    if ((ar.min !== null && ratio < ar.min) || (ar.max !== null && ratio > ar.max)) {
      const message = platform === 'youtube' ? `Video is wider than square (${probe.width}x${probe.height}); it will not be a Short.` : `Aspect ratio ${fmt(ratio)}:1 is outside ${ar.min ?? 0}:1 to ${ar.max ?? '∞'}:1.`;
      add('aspectRatio', ar.severity, 'ASPECT_RATIO_OUT_OF_RANGE', message, 'export the clip vertical (9:16, e.g. 1080x1920).');
    } else if (rules.preferVertical && ratio > 1) {
      add('aspectRatio', rules.preferVertical, 'ASPECT_RATIO_NOT_VERTICAL', `Video is landscape (${probe.width}x${probe.height}); 9:16 is recommended.`, 'export the clip vertical (9:16, e.g. 1080x1920); it may be cropped or padded.');
    }
  }
  if (rules.fps) checkRange(probe.fps, rules.fps, 'fps', 'fps', 'Frame rate too low', 'Frame rate too high', 're-encode the clip at 30 fps.', add, 'FPS');
  if (rules.videoCodecs && !rules.videoCodecs.allowed.some((c) => probe.videoCodec.startsWith(c))) {
    add('videoCodec', rules.videoCodecs.severity, 'VIDEO_CODEC_UNSUPPORTED', `Video codec ${probe.videoCodec} is not supported. Use ${rules.videoCodecs.names}.`, `re-encode the video as ${rules.videoCodecs.names}.`);
  }
  if (rules.audioCodecs && probe.audioCodec !== null && !rules.audioCodecs.allowed.some((c) => probe.audioCodec?.startsWith(c))) {
    add('audioCodec', rules.audioCodecs.severity, 'AUDIO_CODEC_UNSUPPORTED', `Audio codec ${probe.audioCodec} is not supported. Use ${rules.audioCodecs.names}.`, `re-encode the audio as ${rules.audioCodecs.names}.`);
  }
  if (rules.bitrateMax && probe.bitrate > rules.bitrateMax.max) {
    add('bitrate', rules.bitrateMax.severity, 'BITRATE_TOO_HIGH', `Bitrate too high (${mbps(probe.bitrate)}). Maximum is ${mbps(rules.bitrateMax.max)}.`, `re-encode the clip under ${mbps(rules.bitrateMax.max)}.`);
  }
  const notFaststart = rules.faststart !== null && !probe.faststart;
  const editList = rules.editList !== null && probe.editList;
  if ((notFaststart || editList) && probe.remux?.ok) {
    // A lossless remux at import fixes both (moov first, edit lists dropped, nothing re-encoded): say so.
    const what = [notFaststart ? 'moov moved before mdat' : '', editList ? 'edit list dropped, timing kept' : ''].filter(Boolean).join(', ');
    add('container', 'warning', 'CONTAINER_REMUXED', `Video remuxed for ${PLATFORM_NAMES[platform]} (${what}; not re-encoded).`, `the ${PLATFORM_NAMES[platform]} post gets a remuxed copy stored next to the original, which the other platforms keep; to skip it, re-export with ffmpeg -movflags +faststart -use_editlist 0.`);
  } else {
    const why = probe.remux && !probe.remux.ok ? ` clipcast cannot remux it losslessly: ${probe.remux.reason}.` : '';
    if (notFaststart) add('faststart', rules.faststart!, 'NOT_FASTSTART', 'Video is not faststart (moov after mdat).', `re-export with the moov atom first (ffmpeg -movflags +faststart).${why}`);
    if (editList) add('editList', rules.editList!, 'EDIT_LIST_PRESENT', 'Video has an edit list, which this platform refuses.', `re-export without edit lists (ffmpeg -use_editlist 0 -movflags +faststart).${why}`);
  }
  const cover = content.coverTimestampSec;
  if (rules.coverInsideVideo && cover !== undefined && (cover < 0 || cover >= probe.durationSec)) {
    add('cover', rules.coverInsideVideo, 'COVER_OUTSIDE_VIDEO', `Cover timestamp (${fmt(cover)} s) is outside the video (0 to ${fmt(probe.durationSec)} s).`, 'pick a cover time inside the clip, or none (the first frame).');
  }
  return sortFindings(findings);
}

type Add = (field: string, severity: RuleSeverity, code: string, message: string, fix: string) => void;

function checkText(text: string, rule: TextRule, field: string, add: Add): void {
  const label = field[0]!.toUpperCase() + field.slice(1);
  const length = textLength(text, rule.unit);
  const unit = LENGTH_UNIT_NAMES[rule.unit];
  if (length > rule.max) {
    add(field, rule.severity, `${field.toUpperCase()}_TOO_LONG`, `${label} too long (${length} ${unit}). Maximum is ${rule.max}.`, `shorten it by ${length - rule.max} ${unit} (maximum ${rule.max}, counted in ${rule.unit === 'utf16' ? 'UTF-16 code units: an emoji can count 2' : rule.unit === 'utf8Bytes' ? 'UTF-8 bytes: accents count 2, emojis 4' : 'Unicode code points'}), or pass a shorter override.`);
  }
  const bad = (rule.forbidden ?? []).filter((ch) => text.includes(ch));
  if (bad.length > 0) {
    add(field, rule.severity, `${field.toUpperCase()}_FORBIDDEN_CHARACTERS`, `${label} contains ${bad.join(' and ')}, which is not allowed.`, `remove ${bad.join(' and ')} from the ${field}.`);
  }
}

function checkRange(value: number, rule: RangeRule, field: string, unit: string, low: string, high: string, fix: string, add: Add, code: string): void {
  if (rule.min !== null && value < rule.min) add(field, rule.severity, `${code}_TOO_LOW`, `${low} (${fmt(value)} ${unit}). Minimum is ${rule.min} ${unit}.`, fix);
  if (rule.max !== null && value > rule.max) add(field, rule.severity, `${code}_TOO_HIGH`, `${high} (${fmt(value)} ${unit}). Maximum is ${rule.max} ${unit}.`, fix);
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);
const mbps = (bps: number) => `${fmt(bps / 1_000_000)} Mbps`;
function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${fmt(n / 1024 ** 3)} GB`;
  return `${fmt(n / 1024 ** 2)} MB`;
}
