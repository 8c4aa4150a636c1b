#!/usr/bin/env node
// The clipcast CLI: runs the built code (dist/, made by `npm install` through `prepare`), or the
// TypeScript sources through tsx in a development checkout without a build.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
let runCli;
if (existsSync(dist)) {
  ({ runCli } = await import(dist.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import(new URL('../src/cli/main.ts', import.meta.url).href));
}
process.exitCode = await runCli(process.argv.slice(2));
