/**
 * `npm run bench -- upload [CASE…]`: every platform's upload case, each in `bench/upload/<case>.ts`
 * exporting `run(): Promise<UploadBenchLine[]>`. Prints one JSON line per case.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { buildBenchChildren, type UploadBenchLine } from './lib/measure.js';

export async function run(args: string[]): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'upload');
  const cases = (await readdir(dir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('-child.ts'))
    .map((f) => f.slice(0, -3))
    .filter((c) => args.length === 0 || args.includes(c));
  await buildBenchChildren();
  for (const name of cases) {
    const mod = (await import(join(dir, `${name}.ts`))) as { run(): Promise<UploadBenchLine[]> };
    for (const line of await mod.run()) console.log(JSON.stringify(line));
  }
}
