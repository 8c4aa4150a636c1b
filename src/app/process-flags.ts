import { setFlagsFromString } from 'node:v8';

let applied = false;

/**
 * Sets the V8 flags every clipcast process runs with; call it first, before any HTTP request. Later
 * calls do nothing.
 *
 * @remarks
 * - `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly. V8 first compiles it with
 *   its baseline compiler (Liftoff) and then tiers hot functions up with TurboFan, whose compilation
 *   costs about 35 MB of peak RSS per process (measured: an idle process after one request, 97 MB →
 *   63 MB). llhttp only parses response heads here (bodies are streamed bytes), so the baseline code is
 *   plenty: the YouTube upload bench keeps its throughput and drops under 100 MB.
 * - `--heap-growing-percent=50`: after each full collection V8 lets the old generation grow to a factor
 *   of what survived before it collects again. On a host with more than a few GB of memory it allows up
 *   to 4× and picks the factor from how fast its last collections ran, so on a busy machine a worker whose
 *   live heap is 16 MB sometimes waited for 60 MB of old space (peak RSS 153–168 MB in the dispatch
 *   bench, 121–126 MB in the other runs of the same case). A fixed 1.5× keeps that peak the same on
 *   every run; a full collection of a heap this size takes a few milliseconds, every 15–30 s under
 *   load.
 *
 * @example
 * ```ts
 * applyProcessFlags(); // first thing in the CLI and in bench children
 * ```
 */
export function applyProcessFlags(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--heap-growing-percent=50');
}
