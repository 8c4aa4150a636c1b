import type { Command } from 'commander';
import { pruneMedia } from '../../media/prune-media.js';
import type { CliContext } from '../cli-context.js';

/** `media prune [--dry-run]`: removes stored clips no live campaign uses. */
export function registerMedia(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  const media = program.command('media').description('the clips clipcast keeps in its data dir');
  media
    .command('prune')
    .description('remove stored clips that no post still needs (published or cancelled, or left by an interrupted import) and stale .tmp files')
    .option('--dry-run', 'only list what would be removed')
    .option('--grace <minutes>', 'keep files touched this recently (another publish may be importing them)', '60')
    .action((flags: { dryRun?: boolean; grace: string }) =>
      run(async (ctx) => {
        const grace = Number(flags.grace);
        if (!Number.isFinite(grace) || grace < 0) {
          const { InputError } = await import('../../core/input-error.js');
          throw new InputError('GRACE_INVALID', `--grace "${flags.grace}" is not a number of minutes`, 'e.g. --grace 60 (or 0 to ignore how recent a file is)', '--grace');
        }
        const app = await ctx.app();
        const result = await pruneMedia(app.media.root, await app.store.mediaInUse(), { now: app.clock.now(), graceMs: grace * 60_000, dryRun: !!flags.dryRun });
        ctx.print({ dryRun: !!flags.dryRun, removed: result.removed, bytes: result.bytes, kept: result.kept }, () => [
          ...result.removed.map((f) => `  ${flags.dryRun ? 'would remove' : 'removed'} ${f.path} (${(f.size / 1e6).toFixed(1)} MB)`),
          `${flags.dryRun ? 'Would remove' : 'Removed'} ${result.removed.length} file(s), ${(result.bytes / 1e6).toFixed(1)} MB; kept ${result.kept}.`,
        ]);
      }),
    );
}
