import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { LedgerCheckpoint } from '../../store/ledger.js';
import type { CliContext } from '../cli-context.js';

/** The signed copy of the ledger head that `ledger verify` keeps in the data dir, apart from the database. */
export const CHECKPOINT_FILE = 'ledger.checkpoint';

/** `ledger verify`. */
export function registerLedger(
  program: Command,
  run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  program
    .command('ledger')
    .description('the append-only, MAC-chained history')
    .command('verify')
    .description(
      'recompute the keyed chain, check it against the signed head, the last checkpoint and the append-only triggers; report the first broken row or the missing rows',
    )
    .action(() =>
      run(async (ctx) => {
        const app = await ctx.app();
        const file = join(ctx.config().home, CHECKPOINT_FILE);
        const checkpoint = readCheckpoint(file);
        const result = await app.store.verifyLedger(checkpoint);
        if (result.ok) {
          // Move the checkpoint forward: a later truncation together with a rolled-back head row shows.
          const next = await app.store.ledgerCheckpoint(app.clock.now());
          if (next) {
            writeFileSync(`${file}.tmp`, `${JSON.stringify(next)}\n`, { mode: 0o600 });
            renameSync(`${file}.tmp`, file);
          }
        }
        ctx.print(result, () =>
          result.ok
            ? `Ledger intact: ${result.count} rows, every MAC follows from the row before and matches the signed head.`
            : `Ledger BROKEN: ${result.reason} (${result.count} rows verified before it).`,
        );
        if (!result.ok) process.exitCode = 1;
      }),
    );
}

function readCheckpoint(file: string): LedgerCheckpoint | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as LedgerCheckpoint;
    if (
      typeof v.n === 'number' &&
      typeof v.hash === 'string' &&
      typeof v.at === 'string' &&
      typeof v.mac === 'string'
    )
      return v;
  } catch {
    // fall through
  }
  throw new Error(
    `${file} is not a ledger checkpoint; it was damaged: move it away and run clipcast ledger verify again`,
  );
}
