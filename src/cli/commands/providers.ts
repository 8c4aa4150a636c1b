import type { Command } from 'commander';
import { listProviders } from '../../core/rules/providers.js';
import type { CliContext } from '../cli-context.js';

/** `providers [--json]`: the platforms with their limits and features (the seed's /publishing/providers). */
export function registerProviders(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  program
    .command('providers')
    .description('the platforms clipcast publishes to, with their limits and features')
    .action(() =>
      run(async (ctx) => {
        const providers = listProviders();
        ctx.print({ providers }, () =>
          providers.flatMap((p) => [
            `${p.name} (${p.platform}), API ${p.api_version}: ${p.documentation}`,
            `  features: ${p.features.join(', ')}`,
            ...Object.entries(p.limits)
              .filter(([, v]) => v !== null)
              .map(([k, v]) => `  ${k}: ${String(v)}`),
          ]),
        );
      }),
    );
}
