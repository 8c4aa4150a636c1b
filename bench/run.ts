/**
 * `npm run bench [-- CASE…]`: runs the benchmark groups named (all when none), each printing JSON lines
 * with its figures next to a baseline measured in the same run.
 *
 * Groups live in `bench/<group>.ts` and export `run(args: string[]): Promise<void>`.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const available = (await readdir(here)).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3));
const [group, ...rest] = process.argv.slice(2);
const groups = group ? [group] : available;
for (const name of groups) {
  if (!available.includes(name)) {
    console.error(`unknown bench "${name}": choose one of ${available.join(', ')}`);
    process.exit(2);
  }
  const mod = (await import(join(here, `${name}.ts`))) as { run(args: string[]): Promise<void> };
  await mod.run(group ? rest : []);
}
