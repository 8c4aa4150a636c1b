#!/usr/bin/env node
// The clipcast CLI. In a git checkout (src/ present, dev dependencies installed) it runs the TypeScript
// sources through tsx, so it never runs a stale build; an installed package runs dist/.
import { existsSync } from 'node:fs';

const src = new URL('../src/cli/main.ts', import.meta.url);
const dist = new URL('../dist/cli/main.js', import.meta.url);
let runCli;
// Before any HTTP request: undici's WebAssembly parser stays on V8's baseline compiler (about 35 MB less
// peak RSS per process; see src/app/process-flags.ts).
if (existsSync(src)) {
  const { register } = await import('tsx/esm/api');
  register();
  (await import(new URL('../src/app/process-flags.ts', import.meta.url).href)).useBaselineWasm();
  ({ runCli } = await import(src.href));
} else if (existsSync(dist)) {
  (await import(new URL('../dist/app/process-flags.js', import.meta.url).href)).useBaselineWasm();
  ({ runCli } = await import(dist.href));
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
