import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandOf } from '../../src/cli/command-index.js';
import { cliHarness } from '../helpers/cli.js';

describe('the CLI command index (lazy loading)', () => {
  it('lists every command exactly as its module registers it: name, help term, description, order', async () => {
    const program = new Command('clipcast');
    const loaded = new Set<unknown>();
    for (const entry of COMMANDS) {
      if (loaded.has(entry.load)) continue;
      loaded.add(entry.load);
      (await entry.load())(program, async () => {});
    }
    const help = new Help();
    const real = program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: c.description() }));
    expect(COMMANDS.map(({ name, term, description }) => ({ name, term, description }))).toEqual(real);
  });

  it('finds the command past global options, and the one `help` asks about', () => {
    expect(commandOf(['--json', '--home', '/tmp/x', 'campaigns', 'list'])).toBe('campaigns');
    expect(commandOf(['--home', 'posts', 'providers'])).toBe('providers');
    expect(commandOf(['help', 'publish'])).toBe('publish');
    expect(commandOf(['--help'])).toBeUndefined();
    expect(commandOf([])).toBeUndefined();
    expect(commandOf(['publish', '--platforms', 'tiktok', 'dir'])).toBe('publish');
  });

  it('--help lists every command; a typo gets a "did you mean"; a command runs from its lazily loaded module', async () => {
    const h = await cliHarness();
    try {
      const help = await h.run('--help');
      expect(help.code).toBe(0);
      for (const c of COMMANDS) expect(help.out).toContain(c.term);
      const typo = await h.run('campaings', 'list');
      expect(typo.code).toBe(2);
      expect(typo.err).toContain('Did you mean campaigns?');
      const sub = await h.run('help', 'posts');
      expect(sub.out).toContain('reschedule [options] <id> <when>');
      const providers = await h.run('--json', 'providers');
      expect(providers.code).toBe(0);
      expect(providers.json<{ providers: { platform: string }[] }>().providers.map((p) => p.platform).sort()).toEqual(['instagram', 'tiktok', 'youtube']);
    } finally {
      await h.cleanup();
    }
  });
});
