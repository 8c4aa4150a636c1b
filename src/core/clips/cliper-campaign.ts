/**
 * What clipcast reads from a CLIPER output folder (see `reference/cliper-output.md`).
 *
 * Terminology:
 * - **clips file**: `copys/clips_copys.json`, the captions and metadata CLIPER wrote;
 * - **clip file**: one `.mp4` (`7.mp4`, `viral/7.mp4`, `clip_007_9x16_subs.mp4`);
 * - **problem**: something wrong with one clip or with the folder's completeness, reported instead of
 *   thrown, so the rest of the campaign can still be used.
 *
 * @example
 * ```ts
 * const campaign: CliperCampaign = await loadCliperFolder('output/My video');
 * for (const clip of campaign.clips) console.log(clip.clipId, clip.file, clip.hashtags);
 * ```
 */
export interface CliperCampaign {
  /** Absolute path of the output folder. */
  root: string;
  /** Absolute path of the clips file. */
  clipsFile: string;
  /** sha256 (hex) of the clips file bytes, to notice a changed file. */
  clipsFileSha256: string;
  /** The source video's name (`video_id`), or the folder name when the file has none. */
  videoId: string;
  /** `generated_at` as ISO 8601, or null when absent or unparseable (see {@link parseGeneratedAt}). */
  generatedAt: string | null;
  /** `generated_at` exactly as written. */
  generatedAtRaw: string | null;
  style: string | null;
  model: string | null;
  /** One entry per clip listed in the clips file, in file order. */
  clips: LoadedClip[];
  problems: ClipProblem[];
  /** Every other top-level field, kept as is (`total_clips`, `classification_metadata`, ...). */
  extra: Record<string, unknown>;
}

/** One clip listed in the clips file. */
export interface LoadedClip {
  clipId: number;
  /** Absolute path of the clip file, or null when none (or more than one) was found. */
  file: string | null;
  /** The style sub-folder the file is in (`viral`, ...), or null when it sits at the root. */
  styleFolder: string | null;
  /** The caption as CLIPER wrote it, hashtags included. */
  copy: string;
  /** Hashtags found in the copy, without `#`, in order, first spelling of each (case-insensitive). */
  hashtags: string[];
  metadata: ClipMetadata;
  /** Every other per-clip field (`opening_words`, ...), kept as is. */
  extra: Record<string, unknown>;
}

/** CLIPER's per-clip `metadata`; everything optional (clipcast never requires it). */
export interface ClipMetadata {
  sentiment?: string;
  /** 0-1. */
  sentimentScore?: number;
  /** 1-10. */
  engagementScore?: number;
  /** 1-10; the key for `--order viral`. */
  viralPotential?: number;
  /** Seconds; the default cover frame / thumbnail offset. */
  suggestedThumbnailTimestamp?: number;
  /** 2-5 topics; used as YouTube tags. */
  primaryTopics?: string[];
  /** `very_high`, `high`, `medium`, `low`. */
  hookStrength?: string;
  /** Unknown metadata fields, kept as is. */
  extra?: Record<string, unknown>;
}

/**
 * Something wrong with one clip (or with the campaign's completeness). `error`: the clip cannot be
 * published as it is; `warning`: it can, but the user should know.
 */
export interface ClipProblem {
  clipId: number | null;
  file?: string;
  /** Stable code, e.g. `CLIP_FILE_MISSING`; see {@link CLIP_PROBLEM_CODES}. */
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

/**
 * The problem codes the loader reports.
 *
 * @example
 * ```ts
 * campaign.problems.filter((p) => p.code === CLIP_PROBLEM_CODES.fileMissing);
 * ```
 */
export const CLIP_PROBLEM_CODES = Object.freeze({
  /** Listed in the clips file, no file found (error). */
  fileMissing: 'CLIP_FILE_MISSING',
  /** A clip file whose id is not in the clips file (warning: it has no caption and is left out). */
  fileUnlisted: 'CLIP_FILE_UNLISTED',
  /** Two or more files for one id (error: clipcast does not guess). */
  fileDuplicate: 'CLIP_FILE_DUPLICATE',
  /** Two entries with the same clip_id in the clips file (error). */
  idDuplicate: 'CLIP_ID_DUPLICATE',
  /** An .mp4 whose name is not `<id>.mp4` nor `clip_<id>_….mp4` (warning, ignored). */
  fileUnrecognized: 'CLIP_FILE_UNRECOGNIZED',
  /** `generation_metadata.missing_clips` is not empty (warning). */
  generationIncomplete: 'CLIPS_GENERATION_INCOMPLETE',
  /** The clips file lists no clips (warning: nothing to publish). */
  clipsEmpty: 'CLIPS_EMPTY',
  /** `total_clips` differs from the number of clips listed (warning). */
  countMismatch: 'CLIPS_COUNT_MISMATCH',
  /** A metadata field of the wrong type; it is dropped (warning). */
  metadataInvalid: 'CLIP_METADATA_INVALID',
  /** The copy is empty or only spaces (warning: the post goes out without a caption). */
  copyEmpty: 'CLIP_COPY_EMPTY',
  /** `generated_at` is not a timestamp clipcast can read (warning; kept raw). */
  generatedAtUnparsed: 'CLIPS_GENERATED_AT_UNPARSED',
});
