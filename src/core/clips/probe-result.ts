/**
 * What clipcast knows about a clip's MP4 file: the core's own type, filled by the media layer's probe
 * (`src/media/probe.ts`) and read by validation, planning and the store.
 */

/**
 * Whether a lossless remux (`moov` moved before `mdat`, edit lists dropped with the timing kept) can
 * fix a container a platform would refuse. `ok: false` says why not (e.g. an edit list that trims
 * content, which dropping would show).
 */
export type RemuxVerdict = { ok: true } | { ok: false; reason: string };

/** What clipcast needs to know about an MP4 to validate it against the platforms' rules. */
export interface ProbeInfo {
  ok: true;
  durationSec: number;
  width: number;
  height: number;
  /** RFC 6381 codec string of the first video track, e.g. `avc1.64001f` (H.264), `hvc1.…` (H.265). */
  videoCodec: string;
  /** Codec string of the first audio track, e.g. `mp4a.40.2` (AAC-LC), or null when silent. */
  audioCodec: string | null;
  /** Average frames per second of the video track. */
  fps: number;
  /**
   * Average media bitrate, bits per second: the sum of the video and audio tracks' bitrates (sample
   * bytes over track duration), so padding boxes do not count; file size over duration when unknown.
   */
  bitrate: number;
  /** File size in bytes. */
  size: number;
  /** True when `moov` comes before `mdat` (Instagram requires it). */
  faststart: boolean;
  /** True when a track carries an edit list (`elst`); Instagram refuses those (2207026). */
  editList: boolean;
  /**
   * Set when `faststart` is false or `editList` is true: whether a lossless remux can fix both.
   * Absent when the container needs no fix (or the probe did not check).
   */
  remux?: RemuxVerdict;
  /** Bytes the probe read (diagnostics: a faststart file costs about one chunk whatever its size). */
  bytesRead?: number;
}

/** Why a file could not be probed; a per-clip error, never a crash. */
export interface ProbeFailure {
  ok: false;
  error: { code: 'PROBE_NOT_FOUND' | 'PROBE_EMPTY' | 'PROBE_NOT_MP4' | 'PROBE_NO_VIDEO' | 'PROBE_TRUNCATED' | 'PROBE_UNREADABLE'; message: string };
}

/**
 * Result of probing a clip file.
 *
 * @example
 * ```ts
 * const probe: ProbeResult = await probeMp4('output/talk/7.mp4');
 * if (probe.ok && probe.remux?.ok) console.log('Instagram gets a remuxed copy');
 * ```
 */
export type ProbeResult = ProbeInfo | ProbeFailure;
