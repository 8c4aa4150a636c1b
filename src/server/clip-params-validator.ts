import { z } from 'zod';
import type { LoadedClip } from '../core/clips/cliper-campaign.js';
import { parsePlatformId } from '../core/platform-id.js';
import { mapContent } from '../core/rules/caption-mapping.js';
import { validateClipForPlatform } from '../core/rules/validate-clip.js';
import type { ProbeInfo } from '../media/probe.js';
import { HttpProblem } from './problem.js';
import type { ClipValidator } from './server-parts.js';

/**
 * The `params` of `POST /publishing/validate`: the caption and whatever facts of the video the caller
 * knows. Checks that need a fact not given are skipped (never guessed). Unknown keys are ignored.
 */
export const clipParamsSchema = z.object({
  caption: z.string().optional().describe('The copy as CLIPER wrote it (TikTok/Instagram caption, YouTube description); alias `copy`'),
  copy: z.string().optional(),
  title: z.string().optional().describe('YouTube title; derived from the caption when absent, as clipcast publishes'),
  tags: z.array(z.string()).optional(),
  cover_timestamp_sec: z.number().optional(),
  duration_sec: z.number().nonnegative().optional(),
  width: z.number().int().nonnegative().optional(),
  height: z.number().int().nonnegative().optional(),
  fps: z.number().nonnegative().optional(),
  video_codec: z.string().optional().describe('RFC 6381, e.g. avc1.64001f'),
  audio_codec: z.string().nullable().optional(),
  bitrate: z.number().nonnegative().optional().describe('bits per second'),
  size: z.number().int().nonnegative().optional().describe('bytes'),
  faststart: z.boolean().optional(),
});

type Params = z.output<typeof clipParamsSchema>;

/** Which params a finding's field needs; a finding whose facts were not given is dropped. */
const NEEDS: Record<string, (keyof Params)[]> = {
  duration: ['duration_sec'],
  cover: ['duration_sec'],
  size: ['size'],
  width: ['width'],
  height: ['height'],
  aspectRatio: ['width', 'height'],
  fps: ['fps'],
  videoCodec: ['video_codec'],
  audioCodec: ['audio_codec'],
  bitrate: ['bitrate'],
  faststart: ['faststart'],
};

/**
 * Validates seed-style clip params with the core rules (`validateClipForPlatform`), the same checks
 * `clipcast validate` runs on a folder. Errors are what the platform would refuse; warnings what it
 * would treat other than intended.
 *
 * @example
 * ```ts
 * const validator = clipParamsValidator();
 * await validator.validate('instagram', { caption: '#a '.repeat(31) }); // errors: ['Too many hashtags (31). Maximum is 30.']
 * ```
 */
export function clipParamsValidator(): ClipValidator {
  return {
    validate(platformText, raw) {
      const platform = parsePlatformId(platformText);
      if (!platform) throw new HttpProblem(422, 'platform-unsupported', `platform "${platformText}" is not supported`);
      const parsed = clipParamsSchema.safeParse(raw);
      if (!parsed.success) {
        const errors = parsed.error.issues.map((i) => ({ path: `body.params.${i.path.join('.')}`, message: i.message }));
        throw new HttpProblem(400, 'validation', `${errors[0]?.path}: ${errors[0]?.message}`, { errors });
      }
      const p = parsed.data;
      const copy = p.caption ?? p.copy ?? '';
      const clip: LoadedClip = { clipId: 1, file: null, styleFolder: null, copy, hashtags: [], metadata: {}, extra: {} };
      const content = mapContent(platform, clip, {
        ...(p.title !== undefined ? { title: p.title } : {}),
        ...(p.tags !== undefined ? { tags: p.tags } : {}),
        ...(p.cover_timestamp_sec !== undefined ? { coverTimestampSec: p.cover_timestamp_sec } : {}),
      });
      // Facts not given take values no rule refuses; the findings about them are dropped below.
      const probe: ProbeInfo = {
        ok: true,
        durationSec: p.duration_sec ?? 10,
        width: p.width ?? 1080,
        height: p.height ?? 1920,
        videoCodec: p.video_codec ?? 'avc1.64001f',
        audioCodec: p.audio_codec === undefined ? 'mp4a.40.2' : p.audio_codec,
        fps: p.fps ?? 30,
        editList: false,
        bitrate: p.bitrate ?? 1_000_000,
        size: p.size ?? 1_000_000,
        faststart: p.faststart ?? true,
      };
      const findings = validateClipForPlatform({ clip, probe, content, platform }).filter((f) => (NEEDS[f.field] ?? []).every((k) => p[k] !== undefined));
      return { errors: findings.filter((f) => f.severity === 'error').map((f) => f.message), warnings: findings.filter((f) => f.severity === 'warning').map((f) => f.message) };
    },
  };
}
