import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { HttpProblem } from './problem.js';

/** How deep links are looked for under a source folder (CLIPER writes `copys/` and style folders). */
const MAX_DEPTH = 3;
/** Entries looked at, at most, per request: a huge tree is refused rather than walked. */
const MAX_ENTRIES = 5_000;

/**
 * The folders the API may read campaigns from. A request's `sourceDir` is resolved first (`..`,
 * symlinks, via `realpath`), then checked; a folder that is missing, not a folder or outside every root
 * gets the same answer, so the API cannot be used to probe the server's file system. Inside an accepted
 * folder, a symlink leading outside the roots (a clips file or clip pointing at `/etc/…`) is refused too.
 *
 * @example
 * ```ts
 * const roots = new SourceRoots(['/srv/cliper-output']);
 * const dir = await roots.resolveFolder('/srv/cliper-output/My video'); // the real path
 * ```
 */
export class SourceRoots {
  constructor(private readonly roots: readonly string[]) {}

  /** The real path of `sourceDir`, or a 403 problem (the same for missing and not allowed). */
  async resolveFolder(sourceDir: string): Promise<string> {
    if (!isAbsolute(sourceDir)) {
      throw new HttpProblem(422, 'source-not-absolute', `sourceDir "${sourceDir}" is not an absolute path`, { hint: 'send the absolute path of the CLIPER folder on the server', errors: [{ path: 'body.sourceDir', message: 'not an absolute path' }] });
    }
    const roots = await this.#realRoots();
    const real = await realpath(sourceDir).catch(() => undefined);
    const isDir = real ? (await stat(real).catch(() => undefined))?.isDirectory() : false;
    if (!real || !isDir || !inside(real, roots)) throw unavailable();
    const escaping = await firstEscapingLink(real, roots);
    if (escaping) {
      throw new HttpProblem(403, 'source-link-outside', `${escaping} in sourceDir is a link to a place outside the source roots`, { hint: 'copy the file into the folder instead of linking to it', errors: [{ path: 'body.sourceDir', message: 'holds a link leading outside the source roots' }] });
    }
    return real;
  }

  async #realRoots(): Promise<string[]> {
    const found = await Promise.all(this.roots.map((r) => realpath(r).catch(() => undefined)));
    return found.filter((r): r is string => r !== undefined);
  }
}

function unavailable(): HttpProblem {
  return new HttpProblem(403, 'source-not-allowed', 'sourceDir is not a folder this server may read campaigns from', {
    hint: 'put the CLIPER output folder under one of the server’s source roots (CLIPCAST_SOURCE_ROOTS; default <CLIPCAST_HOME>/sources) and send its absolute path',
    errors: [{ path: 'body.sourceDir', message: 'not a folder under the source roots' }],
  });
}

function inside(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = relative(root, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** The first symlink under `dir` (relative path) whose target is outside `roots`, if any. */
async function firstEscapingLink(dir: string, roots: readonly string[]): Promise<string | undefined> {
  let seen = 0;
  const walk = async (folder: string, depth: number): Promise<string | undefined> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) throw new HttpProblem(422, 'source-too-large', `sourceDir holds more than ${MAX_ENTRIES} entries`, { hint: 'point at one CLIPER video folder (output/<video name>/)' });
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await realpath(path).catch(() => undefined);
        // A dangling link cannot be read; only a link that resolves outside matters.
        if (target && !inside(target, roots)) return relative(dir, path);
        if (target && depth < MAX_DEPTH && (await lstat(target).catch(() => undefined))?.isDirectory()) {
          const found = await walk(target, depth + 1);
          if (found) return found;
        }
      } else if (entry.isDirectory() && depth < MAX_DEPTH) {
        const found = await walk(path, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(dir, 0);
}
