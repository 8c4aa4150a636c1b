import type { Command } from 'commander';
import { countEnvelopes } from '../../secrets/envelope-columns.js';
import { keySourceOf } from '../../secrets/key-check.js';
import { rotateKeys } from '../../secrets/rotate-keys.js';
import { table } from '../format.js';
import type { CliContext } from '../cli-context.js';

/** `keys status`, `keys rotate`: the secret keys credentials are encrypted with (never printed, only fingerprints). */
export function registerKeys(
  program: Command,
  run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>,
): void {
  const keys = program
    .command('keys')
    .description('the secret keys that encrypt credentials (fingerprints only)');
  keys
    .command('status')
    .description('key versions, fingerprints and states, and where the key comes from')
    .action(() =>
      run(async (ctx) => {
        const app = await ctx.app();
        const rows = await app.store.db
          .selectFrom('secret_keys')
          .selectAll()
          .orderBy('version', 'desc')
          .execute();
        const stale = await countEnvelopes(app.store.db, app.secrets.currentVersion);
        const source = keySourceOf(ctx.config()).name;
        const list = rows.map((r) => ({
          version: r.version,
          fingerprint: r.fingerprint,
          state: r.state,
          retired_at: r.retired_at ? new Date(r.retired_at).toISOString() : null,
        }));
        ctx.print(
          {
            source,
            current_version: app.secrets.currentVersion,
            keys: list,
            envelopes_under_older_keys: stale,
          },
          () => [
            `Secret key from ${source}; new envelopes use version ${app.secrets.currentVersion}.`,
            ...table([
              ['version', 'fingerprint', 'state'],
              ...list.map((k) => [String(k.version), k.fingerprint, k.state]),
            ]),
            ...(stale
              ? [`${stale} envelope(s) still under an older key: run clipcast keys rotate to finish.`]
              : []),
          ],
        );
      }),
    );
  keys
    .command('rotate')
    .description(
      're-encrypt every credential under a new key, then retire the old one (safe to re-run after a crash, and while workers run)',
    )
    .action(() =>
      run(async (ctx) => {
        const app = await ctx.app();
        const config = ctx.config();
        const result = await rotateKeys({
          store: app.store,
          source: keySourceOf(config),
          ...(config.secretKey ? { envValue: config.secretKey } : {}),
          box: app.secrets,
          now: () => app.clock.now(),
        });
        ctx.print(result, () => [
          `${result.resumed ? 'Finished the rotation' : 'Rotated'}: ${result.reencrypted} envelope(s) re-encrypted under key version ${result.version} (fingerprint ${result.fingerprint}).`,
          result.retired.length
            ? `Retired key version(s) ${result.retired.join(', ')}.`
            : 'No key left to retire.',
          ...(config.secretKey
            ? [
                `CLIPCAST_SECRET_KEY may now hold only "${result.version}:<new key>" (here and for every worker).`,
              ]
            : []),
        ]);
      }),
    );
}
