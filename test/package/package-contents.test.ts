/**
 * What `npm pack` ships: what runs and nothing that points outside it. (CI also installs the packed
 * tarball globally with --engine-strict and runs `clipcast demo` from it: see .ci/run.)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; engines: { node: string } };

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

describe('the npm package', () => {
  const files = packedFiles();
  const shipped = new Set(files);

  it('ships the CLI, the compiled library with types, the example campaign, the licence and the README', () => {
    for (const f of ['bin/clipcast.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/bin/main.js', 'examples/campaign/copys/clips_copys.json', 'LICENSE', 'README.md', 'package.json']) {
      expect(shipped.has(f), f).toBe(true);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('bench/'))).toEqual([]);
  });

  it('ships no source map (they would point at sources it does not ship)', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of files.filter((x) => x.endsWith('.js'))) {
      expect(readFileSync(join(ROOT, f), 'utf8'), f).not.toMatch(/sourceMappingURL/);
    }
  });

  it('resolves every relative import of the shipped JavaScript inside the package', () => {
    const missing: string[] = [];
    for (const f of files.filter((x) => x.startsWith('dist/') && x.endsWith('.js'))) {
      // Code lines only: TSDoc examples mention paths as the caller would write them.
      const text = readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l))
        .join('\n');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = normalize(join(dirname(f), m[1]!));
        if (!shipped.has(target)) missing.push(`${f} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('imports from the CLI bundle only Node built-ins and its own dependencies (no dev dependency reaches a user)', () => {
    const deps = new Set(Object.keys(pkg.dependencies as Record<string, string>));
    const foreign = new Set<string>();
    for (const f of files.filter((x) => x.startsWith('dist/bin/') && x.endsWith('.js'))) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      const specs = [
        ...text.matchAll(/^\s*(?:import|export)\b[^'"\n]*?\bfrom\s*["']([^"']+)["']/gm), // static imports
        ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm), // side-effect imports
        ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g), // dynamic imports
        ...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g), // CommonJS inside bundled packages
      ].map((m) => m[1]!);
      for (const spec of specs.filter((x) => !x.startsWith('.'))) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!spec.startsWith('node:') && !builtinModules.includes(name) && !deps.has(name)) foreign.add(`${f}: ${spec}`);
      }
    }
    expect([...foreign]).toEqual([]);
  });

  it('runs the bundle as an installed package does: bin/clipcast.js reads the version beside it', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'bin/clipcast.js'), '--version'], { encoding: 'utf8', env: { ...process.env, CLIPCAST_FROM_SOURCE: '' } });
    expect(out.trim()).toBe(pkg.version);
  });

  it('declares where it lives, its licence and the Node versions it supports', () => {
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toMatchObject({ type: 'git' });
    expect(typeof pkg.homepage).toBe('string');
    expect(pkg.bugs).toHaveProperty('url');
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('reports the version from package.json', async () => {
    const h = await cliHarness();
    try {
      const r = await h.run('--version');
      expect(r.out.trim()).toBe(pkg.version);
    } finally {
      await h.cleanup();
    }
  });
});
