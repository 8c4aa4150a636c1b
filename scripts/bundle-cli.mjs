// Bundles the CLI into dist/bin/ (run by `npm run build` after tsc).
//
// Why: Node loads an ES module file by file, and a cold `clipcast campaigns list` spent most of its
// start-up resolving and compiling the ~260 files of Kysely and the ~90 of clipcast itself. One bundle,
// split at each command's dynamic import so a command still loads only its own code, starts in about a
// third of the time (`npm run bench -- cli`).
//
// What stays outside the bundle: native addons (better-sqlite3), packages that find files of their own
// at run time (fastify's and pino's plugins, the Swagger UI assets, undici's WebAssembly) and the server
// stack, which loads only for `serve`. They are imported from node_modules as before.
//
// The chunks sit in dist/bin/, at the same depth as dist/cli/, so the few paths clipcast computes from
// its own location (package.json, examples/, dist/web/) resolve the same from either build.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/** Pure-JS dependencies with many small files, compiled into the bundle. */
const BUNDLED = new Set(['kysely', 'commander', 'mp4box', 'luxon', 'zod', '@clack/prompts']);
const external = Object.keys(pkg.dependencies)
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

// `--outdir DIR` (the CLI bench builds its own copy); default dist/bin/.
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? new URL(process.argv[at + 1].replace(/\/?$/, '/'), `file://${process.cwd()}/`).pathname : new URL('dist/bin/', root).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root.pathname,
  entryPoints: ['src/cli/main.ts', 'src/app/process-flags.ts'],
  entryNames: '[name]',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external,
  // CommonJS dependencies (commander) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __clipcastRequire } from 'node:module'; const require = __clipcastRequire(import.meta.url);" },
  legalComments: 'eof', // the bundled packages' licence notices travel with their code
  logLevel: 'warning',
});
