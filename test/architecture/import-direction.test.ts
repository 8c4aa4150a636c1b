import { readdir, readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, sourceFiles } from '../helpers/source-files.js';

/**
 * Which top-level folders of src/ each folder may import from. The core owns the domain and its ports and
 * imports nothing outside itself; adapters (platforms, Postiz, store, media, notify) know the core and
 * shared infrastructure, never each other's implementations or the wiring; the wiring (app, worker) and
 * the shells (server, cli) sit on top. The emulators share no code with the clients they test.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  http: ['core'],
  config: ['core'],
  media: ['core'],
  secrets: ['core', 'store'],
  store: ['core'],
  platforms: ['core', 'http'],
  postiz: ['core', 'http'],
  notify: ['core', 'http'],
  dispatch: ['core'],
  sandbox: ['core'],
  app: ['core', 'config', 'http', 'media', 'secrets', 'store', 'platforms', 'postiz', 'notify', 'sandbox', 'worker', 'server', 'dispatch'],
  worker: ['core', 'app', 'dispatch', 'media', 'notify', 'sandbox'],
  server: ['core', 'app', 'config', 'media', 'platforms', 'postiz', 'store', 'secrets', 'notify', 'worker', 'sandbox', 'http'],
  cli: ['core', 'app', 'config', 'media', 'platforms', 'postiz', 'store', 'secrets', 'notify', 'worker', 'server', 'sandbox', 'http', 'dispatch'],
};

const topOf = (file: string) => relative(SRC, file).split('/')[0]!;

describe('import direction', () => {
  it('every import in src/ goes from a folder to one it may depend on, never back up a layer', async () => {
    const wrong: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const from = topOf(file);
      if (!(from in MAY_IMPORT)) continue; // src/index.ts: the package's public surface re-exports every layer
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const to = topOf(resolve(dirname(file), m[1]!));
        if (to !== from && !MAY_IMPORT[from]!.includes(to)) wrong.push(`${relative(SRC, file)} imports ${m[1]} (${from} -> ${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('knows every folder of src/, so a new one gets its rules written down', async () => {
    const dirs = (await readdir(SRC, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(dirs).toEqual(Object.keys(MAY_IMPORT).sort());
  });
});
