import { Command, CommanderError, Help } from 'commander';
import { packageVersion } from './version.js';
import { createCliContext, EXIT, reportError, type CliContext } from './cli-context.js';
import { COMMANDS, commandOf } from './command-index.js';
import { applyProcessFlags } from '../app/process-flags.js';

/** I/O of one CLI run (tests pass their own streams). */
export interface CliIo {
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** Keys for prompts (default stdin). */
  in?: NodeJS.ReadableStream;
  env?: NodeJS.ProcessEnv;
  isTTY?: boolean;
}

/**
 * Runs the `clipcast` CLI with `argv` (without node and script) and returns the exit code:
 * 0 ok, 1 failure, 2 usage.
 *
 * @example
 * ```ts
 * const code = await runCli(['publish', 'output/talk', '--dry-run', '--start-date', 'now', '--interval', '4h', '--platforms', 'tiktok']);
 * ```
 */
export async function runCli(argv: string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  let code: number = EXIT.ok;
  const program = new Command('clipcast')
    .description('Publish CLIPER clips to TikTok, Instagram Reels and YouTube Shorts, exactly once.')
    .version(packageVersion())
    .option('--json', 'machine-readable output')
    .option('--home <dir>', 'data dir (default $CLIPCAST_HOME or ~/.clipcast)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) })
    .showHelpAfterError('(add --help for usage)');

  const run = async (fn: (ctx: CliContext) => Promise<void>): Promise<void> => {
    const opts = program.opts<{ json?: boolean; home?: string }>();
    const ctx = createCliContext({ json: !!opts.json, out, err, ...(io.env ? { env: io.env } : {}), ...(io.in ? { input: io.in } : {}), ...(io.isTTY !== undefined ? { isTTY: io.isTTY && !opts.json } : opts.json ? { isTTY: false } : {}), ...(opts.home ? { home: opts.home } : {}) });
    try {
      process.exitCode = undefined;
      await fn(ctx);
      code = typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
    } catch (error) {
      code = reportError(ctx, error);
    } finally {
      process.exitCode = undefined;
      await ctx.close();
    }
  };

  // Only the module of the command being run is imported; the others are listed by their help line
  // (so `--help` and "did you mean" see them all) and never run.
  const wanted = COMMANDS.find((c) => c.name === commandOf(argv));
  for (const entry of COMMANDS) {
    if (entry.load === wanted?.load && !program.commands.some((c) => c.name() === entry.name)) (await entry.load())(program, run);
    if (program.commands.some((c) => c.name() === entry.name)) continue;
    program.command(entry.name).description(entry.description).allowUnknownOption().allowExcessArguments();
  }
  if (commandOf(argv) === undefined) {
    // `clipcast` alone: the menu on a terminal; off one, never a prompt: the help, as a usage error.
    program.action(() =>
      run(async (ctx) => {
        if (!ctx.isTTY || ctx.json) {
          program.outputHelp({ error: true });
          process.exitCode = EXIT.usage;
          return;
        }
        const { runMenu } = await import('./interactive/menu.js');
        await runMenu(ctx, (args) => runCli([...(ctx.json ? ['--json'] : []), ...globalArgs(argv), ...args], io));
      }),
    );
  }
  const terms = new Map(COMMANDS.map((c) => [c.name, c.term]));
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => (cmd.parent === program ? terms.get(cmd.name()) : undefined) ?? help.subcommandTerm(cmd) });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return code;
}

/** The global options of `argv` (`--home <dir>`), passed on to the commands the menu runs. */
function globalArgs(argv: readonly string[]): string[] {
  const i = argv.indexOf('--home');
  if (i >= 0 && argv[i + 1]) return ['--home', argv[i + 1]!];
  const eq = argv.find((a) => a.startsWith('--home='));
  return eq ? [eq] : [];
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  applyProcessFlags(); // as bin/clipcast.js does: `node dist/cli/main.js` is the same process
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
