/** docs/configuration.md stays complete: every variable the code reads and every config.json key is in it. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

const ROOT = resolve(import.meta.dirname, '../..');
const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|js)$/.test(name) ? [p] : [];
  });
}

describe('docs/configuration.md', () => {
  it('documents every CLIPCAST_* environment variable the code reads', () => {
    const names = new Set<string>();
    for (const f of [...sourceFiles(join(ROOT, 'src')), join(ROOT, 'bin/clipcast.js')]) {
      // The sandbox's own knobs are for tests and benches, not for users.
      if (f.includes(`${join('src', 'sandbox')}`)) continue;
      for (const m of readFileSync(f, 'utf8').matchAll(/\bCLIPCAST_[A-Z0-9_]+\b/g)) names.add(m[0]);
    }
    expect(names.size).toBeGreaterThan(10);
    const missing = [...names].filter((n) => !doc.includes(`\`${n}\``)).sort();
    expect(missing).toEqual([]);
  });

  it('documents every config.json key', () => {
    const config = loadConfig({ CLIPCAST_HOME: '/nonexistent-clipcast-home' });
    const keys = Object.keys(config).filter((k) => k !== 'home');
    const missing = keys.filter((k) => !doc.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ CLIPCAST_HOME: '/nonexistent-clipcast-home', CLIPCAST_PUBLIC_URL: '', CLIPCAST_LOG_LEVEL: '' });
    expect(config.publicUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });
});
