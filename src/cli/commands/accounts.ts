import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { CREDENTIAL_SPECS } from '../../core/accounts/credential-fields.js';
import { InputError } from '../../core/input-error.js';
import { parsePlatformId, platformGuess, PLATFORM_IDS } from '../../core/platform-id.js';
import { table } from '../format.js';
import type { CliContext } from '../cli-context.js';
import { registerConnect } from './connect.js';
import { parseMadeForKids } from './publish.js';

interface AddFlags {
  platform: string;
  handle: string;
  externalId?: string;
  displayName?: string;
  main?: boolean;
  credentialsFile?: string;
  credentialsStdin?: boolean;
}

/** `accounts add|list|remove`. Credentials come from a file, stdin or a hidden prompt, never from a flag value. */
export function registerAccounts(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  const accounts = program.command('accounts').description('the accounts clipcast publishes to');
  registerConnect(accounts, run);
  accounts
    .command('add')
    .description('add an account; credentials from --credentials-file, --credentials-stdin (JSON) or a hidden prompt')
    .requiredOption('--platform <platform>', `one of ${PLATFORM_IDS.join(', ')} (any case)`)
    .requiredOption('--handle <handle>', 'the account handle, e.g. @mychannel')
    .option('--external-id <id>', 'the platform\'s id of the account (fallback id)')
    .option('--display-name <name>', 'a name to show')
    .option('--main', 'make it the main account of its platform')
    .option('--credentials-file <path>', 'a JSON file with the credential fields')
    .option('--credentials-stdin', 'read the credential JSON from standard input')
    .action((flags: AddFlags) =>
      run(async (ctx) => {
        const platform = parsePlatformId(flags.platform);
        if (!platform) throw new InputError('PLATFORM_UNSUPPORTED', `platform "${flags.platform}" is not supported`, `${platformGuess(flags.platform)}use one of ${PLATFORM_IDS.join(', ')}`, '--platform');
        const credentials = await readCredentials(ctx, platform, flags);
        const app = await ctx.app();
        const view = await app.accounts.add({ platform, handle: flags.handle, externalId: flags.externalId ?? null, displayName: flags.displayName ?? null, ...(flags.main ? { isMain: true } : {}), credentials });
        ctx.print({ account: view }, () => `Added ${view.platform} account ${view.handle} (${view.id})${view.isMain ? ' as main' : ''}; credentials stored encrypted (${view.credentialFields.join(', ')}).`);
      }),
    );
  accounts
    .command('list')
    .description('list accounts (never shows a secret)')
    .action(() =>
      run(async (ctx) => {
        const list = await (await ctx.app()).accounts.list();
        ctx.print({ accounts: list }, () =>
          list.length
            ? table([['id', 'platform', 'handle', 'main', 'status', 'sandbox', 'credentials'], ...list.map((a) => [a.id, a.platform, a.handle, a.isMain ? 'yes' : '', a.status, a.sandbox ? 'yes' : '', a.credentialFields.join(',')])])
            : ['No accounts yet. Add one with: clipcast accounts add --platform tiktok --handle @me --credentials-file creds.json'],
        );
      }),
    );
  accounts
    .command('set')
    .description('set an account\'s publishing defaults')
    .argument('<account>', 'account id or platform:@handle')
    .option('--made-for-kids <bool>', 'YouTube: the channel\'s videos are made for kids (true) or not (false); required before a campaign is created')
    .action((spec: string, flags: { madeForKids?: string }) =>
      run(async (ctx) => {
        if (flags.madeForKids === undefined) throw new InputError('SETTING_MISSING', 'nothing to set', 'pass --made-for-kids true|false', '--made-for-kids');
        const view = await (await ctx.app()).accounts.setDefaults(spec, { selfDeclaredMadeForKids: parseMadeForKids(flags.madeForKids) });
        ctx.print({ account: view }, () => `${view.platform} account ${view.handle} (${view.id}): made for kids = ${parseMadeForKids(flags.madeForKids!) ? 'yes' : 'no'}.`);
      }),
    );
  accounts
    .command('remove')
    .description('remove an account (refused while it has posts waiting)')
    .argument('<account>', 'account id or platform:@handle')
    .action((spec: string) =>
      run(async (ctx) => {
        const removed = await (await ctx.app()).accounts.remove(spec);
        ctx.print({ removed: { id: removed.id, platform: removed.platform, handle: removed.handle } }, () => `Removed ${removed.platform} account ${removed.handle} (${removed.id}).`);
      }),
    );
}

async function readCredentials(ctx: CliContext, platform: keyof typeof CREDENTIAL_SPECS, flags: AddFlags): Promise<Record<string, unknown>> {
  const parse = (text: string, where: string): Record<string, unknown> => {
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new InputError('CREDENTIALS_MALFORMED', `${where} is not a JSON object of credential fields`, CREDENTIAL_SPECS[platform].help, where);
  };
  if (flags.credentialsFile) {
    const text = await readFile(flags.credentialsFile, 'utf8').catch(() => {
      throw new InputError('CREDENTIALS_FILE_MISSING', `cannot read ${flags.credentialsFile}`, 'check the path given to --credentials-file', '--credentials-file');
    });
    return parse(text, flags.credentialsFile);
  }
  if (flags.credentialsStdin) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return parse(text, 'standard input');
  }
  if (!ctx.isTTY) {
    throw new InputError('CREDENTIALS_MISSING', 'no credentials given', 'pass --credentials-file creds.json or --credentials-stdin (a prompt needs a terminal)', '--credentials-file');
  }
  return promptHidden(ctx, CREDENTIAL_SPECS[platform].required);
}

async function promptHidden(ctx: CliContext, fields: readonly string[]): Promise<Record<string, string>> {
  const { openPrompter } = await import('../interactive/prompts.js');
  const prompter = await openPrompter(ctx);
  const out: Record<string, string> = {};
  for (const field of fields) out[field] = await prompter.secret({ message: `${field} (hidden)`, check: (v) => (v ? undefined : `${field} is required`) });
  return out;
}
