import { open } from 'node:fs/promises';
import { createFile, MP4BoxBuffer } from 'mp4box';
import type { Movie, Track } from 'mp4box';
import type { ProbeFailure, ProbeResult } from '../core/clips/probe-result.js';
import { checkRemux } from './remux-mp4.js';

export type { ProbeFailure, ProbeInfo, ProbeResult } from '../core/clips/probe-result.js';

/** Options of {@link probeMp4}. */
export interface ProbeOptions {
  /** Bytes read per chunk. Default 64 KiB. */
  chunkSize?: number;
  /** Stop after reading this many bytes without a complete `moov`. Default 64 MiB. */
  maxBytesRead?: number;
}

/**
 * Reads an MP4's `moov` in chunks with mp4box (skipping `mdat` by seeking, so a faststart file costs a
 * few KB of reads whatever its size) and reports duration, size, codecs, fps, bitrate and faststart;
 * when `moov` is not first or a track has an edit list, whether a lossless remux can fix it (`remux`).
 * A missing, empty, corrupt or non-MP4 file gives `{ ok: false, error }`.
 *
 * @example
 * ```ts
 * const probe = await probeMp4('output/talk/7.mp4');
 * if (probe.ok) console.log(probe.width, probe.height, probe.durationSec, probe.faststart);
 * else console.error(probe.error.message);
 * ```
 */
export async function probeMp4(file: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const maxBytesRead = options.maxBytesRead ?? 64 * 1024 * 1024;
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'PROBE_NOT_FOUND' : 'PROBE_UNREADABLE';
    return fail(code, `${file}: ${code === 'PROBE_NOT_FOUND' ? 'file not found' : (error as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return fail('PROBE_EMPTY', `${file} is empty (0 bytes); export the clip again`);
    const mp4 = createFile(false);
    let movie: Movie | null = null;
    let parseError: string | null = null;
    mp4.onReady = (info) => {
      movie = info;
    };
    mp4.onError = (_module, message) => {
      parseError = message;
    };
    let position = 0;
    let bytesRead = 0;
    while (movie === null && parseError === null && position < size && bytesRead < maxBytesRead) {
      const length = Math.min(chunkSize, size - position);
      const chunk = Buffer.alloc(length);
      const { bytesRead: n } = await handle.read(chunk, 0, length, position);
      if (n === 0) break;
      bytesRead += n;
      const buffer = MP4BoxBuffer.fromArrayBuffer(
        chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + n),
        position,
      );
      let next: number;
      try {
        next = mp4.appendBuffer(buffer, position + n >= size);
      } catch (error) {
        parseError = (error as Error).message;
        break;
      }
      // mp4box answers the next file position it needs; past a large mdat that is a seek, not a read.
      position = typeof next === 'number' && next > position ? next : position + n;
    }
    if (movie === null) mp4.flush();
    const info = movie as Movie | null;
    if (info === null || !info.hasMoov) {
      return fail(
        'PROBE_NOT_MP4',
        `${file} is not a readable MP4 (no complete moov box${parseError ? `: ${parseError}` : ''}); export the clip again as MP4`,
      );
    }
    const video = info.videoTracks[0];
    if (!video) return fail('PROBE_NO_VIDEO', `${file} has no video track`);
    const audio: Track | undefined = info.audioTracks[0];
    const sampleBytes = info.tracks.reduce((sum, track) => sum + (track.size > 0 ? track.size : 0), 0);
    if (sampleBytes > size) {
      return fail(
        'PROBE_TRUNCATED',
        `${file} is cut short: its tracks need ${sampleBytes} bytes of samples but the file has ${size}; export the clip again`,
      );
    }
    const durationSec = movieDuration(info, video);
    const fps = video.duration > 0 ? video.nb_samples / (video.duration / video.timescale) : 0;
    const faststart = info.isProgressive;
    const editList = hasEditList(mp4);
    return {
      ok: true,
      durationSec,
      width: video.video?.width ?? video.track_width,
      height: video.video?.height ?? video.track_height,
      videoCodec: video.codec,
      audioCodec: audio?.codec ?? null,
      fps: Math.round(fps * 1000) / 1000,
      bitrate: mediaBitrate(video, audio, size, durationSec),
      size,
      faststart,
      editList,
      // Only a file some platform would refuse is checked (one more read of its moov).
      ...(!faststart || editList ? { remux: await checkRemux(file) } : {}),
      bytesRead,
    };
  } catch (error) {
    return fail('PROBE_NOT_MP4', `${file} could not be read as MP4: ${(error as Error).message}`);
  } finally {
    await handle.close();
  }
}

/** Whether any track of the parsed file has an `edts/elst` box with entries. */
function hasEditList(mp4: unknown): boolean {
  const traks =
    (mp4 as { moov?: { traks?: { edts?: { elst?: { entries?: unknown[] } } }[] } }).moov?.traks ?? [];
  return traks.some((t) => (t.edts?.elst?.entries?.length ?? 0) > 0);
}

function movieDuration(info: Movie, video: Track): number {
  if (info.duration > 0 && info.timescale > 0) return info.duration / info.timescale;
  return video.timescale > 0 ? video.duration / video.timescale : 0;
}

function mediaBitrate(video: Track, audio: Track | undefined, size: number, durationSec: number): number {
  const tracks = (video.bitrate > 0 ? video.bitrate : 0) + (audio && audio.bitrate > 0 ? audio.bitrate : 0);
  if (tracks > 0) return Math.round(tracks);
  return durationSec > 0 ? Math.round((size * 8) / durationSec) : 0;
}

function fail(code: ProbeFailure['error']['code'], message: string): ProbeFailure {
  return { ok: false, error: { code, message } };
}
