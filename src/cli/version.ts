import { readFileSync } from 'node:fs';

/**
 * clipcast's version, read from the package.json it ships with (`src/cli/` and `dist/cli/` are both two
 * levels below it), so `clipcast --version` never drifts from the published package.
 *
 * @example
 * ```ts
 * packageVersion(); // '0.1.0'
 * ```
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
