import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

/** Long-running and environment commands: worker, sandbox, demo, serve, providers, apikeys, webhooks. */
export function registerRuntime(_program: Command, _run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {}
