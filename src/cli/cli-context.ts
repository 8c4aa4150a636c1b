import { isInputError } from '../core/input-error.js';
import { NotFoundError, StateConflictError } from '../core/ports/store.js';
import { loadConfig, type ClipcastConfig } from '../config/load-config.js';
import type { App } from '../app/open-app.js';
import type { Logger } from '../core/ports/notifier.js';
import { colorsEnabled, palette } from './colors.js';

/** Exit codes: 0 ok, 1 failure (bad input, refused change, remote failure), 2 usage (a flag is wrong). */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2 });

/** What every command gets: output helpers and the app, opened on first use. */
export interface CliContext {
  json: boolean;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  isTTY: boolean;
  /** Where prompts read keys (stdin unless a test passes its own). */
  input: NodeJS.ReadableStream;
  /** Colours on `out` (NO_COLOR, FORCE_COLOR, a terminal). */
  color: boolean;
  env: NodeJS.ProcessEnv;
  config(): Readonly<ClipcastConfig>;
  app(): Promise<App>;
  /** The app for a command that only reads: on a machine with no data dir, an empty in-memory one (nothing is created). */
  readApp(): Promise<App>;
  /** The log of a long-running command: readable lines on a terminal; JSON when piped, with --json, or when configured. */
  logger(level?: string): Promise<Logger & { flush(): void }>;
  /** Prints `data` as JSON with --json, else the human lines. */
  print(data: unknown, human: () => string | string[]): void;
  close(): Promise<void>;
}

/** Builds the context of one CLI run. */
export function createCliContext(options: { json: boolean; env?: NodeJS.ProcessEnv; out?: NodeJS.WritableStream; err?: NodeJS.WritableStream; input?: NodeJS.ReadableStream; isTTY?: boolean; home?: string }): CliContext {
  const env = options.env ?? process.env;
  const out = options.out ?? process.stdout;
  const isTTY = options.isTTY ?? Boolean((process.stdout as { isTTY?: boolean }).isTTY && process.stdin.isTTY);
  let config: Readonly<ClipcastConfig> | undefined;
  let app: Promise<App> | undefined;
  const ctx: CliContext = {
    json: options.json,
    out,
    err: options.err ?? process.stderr,
    isTTY,
    input: options.input ?? process.stdin,
    color: !options.json && colorsEnabled(env, isTTY),
    env,
    config: () => (config ??= loadConfig(env, options.home ? { home: options.home } : {})),
    // The store and its driver load with the first command that needs them (start-up time).
    // The platforms' apps configured in the environment (CLIPCAST_TIKTOK_CLIENT_KEY…) let an account leave its app out.
    app: () => (app ??= openCliApp(ctx, {})),
    readApp: () => (app ??= openCliApp(ctx, { readOnlyIfMissing: true })),
    async logger(level) {
      const { createLogger } = await import('../worker/pino-logger.js');
      const format = ctx.config().logFormat;
      const pretty = format === 'pretty' || (format === 'auto' && isTTY && !options.json);
      return createLogger(level ?? ctx.config().logLevel, 2, pretty ? { format: 'pretty', color: colorsEnabled(env, isTTY) } : {});
    },
    print(data, human) {
      if (options.json) out.write(`${JSON.stringify(data, null, 2)}\n`);
      else {
        const lines = human();
        out.write(`${Array.isArray(lines) ? lines.join('\n') : lines}\n`);
      }
    },
    async close() {
      // An app that failed to open has already been reported (and closed what it opened).
      if (app) await app.then((a) => a.close(), () => undefined);
    },
  };
  return ctx;
}

/** Prints an error the way every command does and returns the exit code. Never prints a secret: messages are built secret-free. */
export function reportError(ctx: Pick<CliContext, 'err' | 'json' | 'out'> & { color?: boolean }, error: unknown): number {
  const paint = palette(ctx.color ?? false);
  if (isInputError(error)) {
    const usage = error.subject?.startsWith('--') ?? false;
    if (ctx.json) ctx.out.write(`${JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint ?? null, subject: error.subject ?? null } }, null, 2)}\n`);
    ctx.err.write(`${paint.red('error:')} ${error.message}\n${error.hint ? `  ${paint.yellow('fix:')} ${error.hint}\n` : ''}`);
    return usage ? EXIT.usage : EXIT.failure;
  }
  if (error instanceof NotFoundError || error instanceof StateConflictError) {
    if (ctx.json) ctx.out.write(`${JSON.stringify({ error: { code: error.name, message: error.message } }, null, 2)}\n`);
    ctx.err.write(`${paint.red('error:')} ${error.message}\n`);
    return EXIT.failure;
  }
  if (error instanceof Error && error.name === 'PromptCancelled') {
    ctx.err.write('Cancelled: nothing written.\n');
    return EXIT.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (ctx.json) ctx.out.write(`${JSON.stringify({ error: { code: 'FAILED', message } }, null, 2)}\n`);
  ctx.err.write(`${paint.red('error:')} ${message}\n`);
  return EXIT.failure;
}

async function openCliApp(ctx: CliContext, options: { readOnlyIfMissing?: boolean }): Promise<App> {
  const [{ openApp }, { platformAppsFromEnv }] = await Promise.all([import('../app/open-app.js'), import('../app/platform-apps.js')]);
  return openApp(ctx.config(), { ...options, apps: platformAppsFromEnv(ctx.env) });
}
