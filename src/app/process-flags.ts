import { setFlagsFromString } from 'node:v8';

let applied = false;

/**
 * Keeps V8 from optimizing WebAssembly with TurboFan in this process, before any HTTP request is made.
 *
 * @remarks
 * undici parses HTTP with llhttp compiled to WebAssembly. V8 first compiles it with its baseline
 * compiler (Liftoff) and then tiers hot functions up with TurboFan, whose compilation costs about 35 MB
 * of peak RSS per process (measured: an idle process after one request, 97 MB → 63 MB). llhttp only
 * parses response heads here (bodies are streamed bytes), so the baseline code is plenty: the YouTube
 * upload bench keeps its throughput and drops under 100 MB. Call it once at process start; later calls do
 * nothing.
 *
 * @example
 * ```ts
 * useBaselineWasm(); // first thing in the CLI and in bench children
 * ```
 */
export function useBaselineWasm(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--liftoff-only');
}
