#!/usr/bin/env node
// The clipcast CLI. An installed package runs dist/. In a git checkout (src/ present) it runs dist/ when
// that build is up to date with every source file (start-up ~4× faster than compiling on the fly), and
// otherwise the TypeScript sources through tsx, so it never runs a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20).
module.enableCompileCache?.();

const src = new URL('../src/', import.meta.url);
const dist = new URL('../dist/', import.meta.url);

/** True when every src/**.ts has its dist/**.js written after it (a few hundred stats, ~5 ms). */
function distIsCurrent(dir = '') {
  for (const entry of readdirSync(new URL(dir, src), { withFileTypes: true })) {
    const rel = dir + entry.name;
    if (entry.isDirectory()) {
      if (!distIsCurrent(`${rel}/`)) return false;
    } else if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) {
      const built = statSync(new URL(rel.replace(/\.ts$/, '.js'), dist), { throwIfNoEntry: false });
      if (!built || built.mtimeMs < statSync(new URL(rel, src)).mtimeMs) return false;
    }
  }
  return true;
}

const main = existsSync(new URL('cli/main.js', dist)) && (!existsSync(src) || process.env.CLIPCAST_FROM_SOURCE !== '1' && distIsCurrent()) ? new URL('cli/main.js', dist) : undefined;
let runCli;
// Before any HTTP request: undici's WebAssembly parser stays on V8's baseline compiler (about 35 MB less
// peak RSS per process; see src/app/process-flags.ts).
if (main) {
  (await import(new URL('app/process-flags.js', dist).href)).useBaselineWasm();
  ({ runCli } = await import(main.href));
} else if (existsSync(src)) {
  const { register } = await import('tsx/esm/api');
  register();
  (await import(new URL('app/process-flags.ts', src).href)).useBaselineWasm();
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
