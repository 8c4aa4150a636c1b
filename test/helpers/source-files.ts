import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The repository's `src/` folder. */
export const SRC = resolve(import.meta.dirname, '../../src');

/** Every `.ts` file under `dir`, at any depth (tests that read the source as text). */
export async function sourceFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}
