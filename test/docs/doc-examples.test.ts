/**
 * The CLI examples in the README, docs/ and examples/ run as written, today and on any later day: the
 * ones that change nothing run for real in a fresh data dir; the others (they need accounts, a browser
 * or run until stopped) must name real commands and flags.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Splits a command line as a POSIX shell would for these examples (quotes, no expansions). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur || any) words.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur || any) words.push(cur);
  return words;
}

/** `npx clipcast …` commands in fenced sh blocks and inline code spans, continuation lines joined. */
function examples(file: string): { file: string; line: string; args: string[] }[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: { file: string; line: string; args: string[] }[] = [];
  for (const block of text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    const lines = block[1]!.replace(/\\\n\s*/g, ' ').split('\n');
    for (const raw of lines) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (line.startsWith('npx clipcast')) found.push({ file, line, args: shellWords(line).slice(2) });
    }
  }
  for (const span of text.matchAll(/`(npx clipcast [^`]+)`/g)) {
    if (!span[1]!.includes('…')) found.push({ file, line: span[1]!, args: shellWords(span[1]!).slice(2) });
  }
  return found;
}

const FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'examples/campaign/README.md'];
const ALL = FILES.flatMap(examples);

/** Commands that write nothing and need no account: run for real. */
function runnable(args: string[]): boolean {
  const [cmd, sub] = args;
  if (cmd === 'publish') return args.includes('--dry-run');
  if (cmd === 'validate' || cmd === 'providers') return true;
  if (cmd === 'ledger' && sub === 'verify') return true;
  return ['campaigns', 'posts', 'accounts', 'channels'].includes(cmd ?? '') && sub === 'list';
}

describe('CLI examples in the docs', () => {
  const harnesses: { cleanup(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const h of harnesses) await h.cleanup();
  });

  it('finds the examples (README, docs/, examples/)', () => {
    expect(ALL.filter((e) => e.file === 'README.md').length).toBeGreaterThan(8);
    expect(ALL.some((e) => e.file === 'examples/campaign/README.md')).toBe(true);
    // No example is pinned to a date: dates go stale, relative starts do not.
    expect(ALL.filter((e) => /\b20\d\d-\d\d-\d\d\b/.test(e.line)).map((e) => `${e.file}: ${e.line}`)).toEqual([]);
  });

  it.each(ALL.filter((e) => runnable(e.args)).map((e) => [`${e.file}: ${e.line}`, e] as const))('runs %s', async (_name, e) => {
    const h = await cliHarness();
    harnesses.push(h);
    const r = await h.run(...e.args);
    expect(r.code, `${e.line}\n${r.err}`).toBe(0);
  });

  it.each(ALL.filter((e) => !runnable(e.args)).map((e) => [`${e.file}: ${e.line}`, e] as const))('names real commands and flags: %s', async (_name, e) => {
    const h = await cliHarness();
    harnesses.push(h);
    // The command path is the leading words that are not flags, placeholders or paths.
    const path: string[] = [];
    for (const w of e.args) {
      if (w.startsWith('-') || w.startsWith('<') || /[/.:@]/.test(w)) break;
      path.push(w);
    }
    let help = '';
    while (path.length) {
      const r = await h.run(...path, '--help');
      if (r.code === 0 && !/Usage: clipcast (\[options\] \[command\]|\[options\])$/m.test(r.out.split('\n')[0] ?? '')) {
        help = r.out;
        break;
      }
      path.pop();
    }
    expect(help, `no command for: ${e.line}`).not.toBe('');
    const root = (await h.run('--help')).out;
    for (const flag of e.args.filter((w) => /^--[a-z]/.test(w)).map((w) => w.split('=')[0]!)) {
      expect(help.includes(flag) || root.includes(flag), `${flag} in: ${e.line}`).toBe(true);
    }
  });
});
