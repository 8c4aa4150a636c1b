#!/usr/bin/env node
// The clipcast CLI. An installed package runs the bundle in dist/bin/ (scripts/bundle-cli.mjs). In a git
// checkout (src/ present) it runs that bundle when it was built after every source file was last changed,
// and otherwise the TypeScript sources through tsx, so it never runs a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20).
module.enableCompileCache?.();

const src = new URL('../src/', import.meta.url);
const bundle = new URL('../dist/bin/', import.meta.url);

/** True when no src/**.ts changed after `built` (a few hundred stats, ~5 ms). */
function unchangedSince(built, dir = src) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory() ? !unchangedSince(built, url) : entry.name.endsWith('.ts') && statSync(url).mtimeMs > built) return false;
  }
  return true;
}

const built = statSync(new URL('main.js', bundle), { throwIfNoEntry: false })?.mtimeMs;
const main = built !== undefined && (!existsSync(src) || (process.env.CLIPCAST_FROM_SOURCE !== '1' && unchangedSince(built))) ? new URL('main.js', bundle) : undefined;
let runCli;
// Before any HTTP request: the V8 flags every clipcast process runs with (WebAssembly on the baseline
// compiler, a fixed heap growing factor; see src/app/process-flags.ts).
if (main) {
  (await import(new URL('process-flags.js', bundle).href)).applyProcessFlags();
  ({ runCli } = await import(main.href));
} else if (existsSync(src)) {
  const { register } = await import('tsx/esm/api');
  register();
  (await import(new URL('app/process-flags.ts', src).href)).applyProcessFlags();
  ({ runCli } = await import(new URL('cli/main.ts', src).href));
} else {
  process.stderr.write('clipcast is not built: run npm install (or npm run build)\n');
  process.exit(1);
}
try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  // Commands report their own errors; this is the last line of defence: one line, never a stack trace.
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
