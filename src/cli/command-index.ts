import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';

/** What a command's action hands to the CLI: the work to do with the run's context. */
export type CliRun = (fn: (ctx: CliContext) => Promise<void>) => Promise<void>;

/** A command module's registration: adds its command(s) with their options and actions to `program`. */
export type RegisterCommand = (program: Command, run: CliRun) => void;

/** One top-level command as `clipcast --help` lists it, and how to load its module. */
export interface CommandEntry {
  /** The top-level command name (`clipcast <name> …`). */
  name: string;
  /** How the help lists it: name, `[options]` and arguments, exactly as commander prints the real command. */
  term: string;
  /** The real command's description (a test keeps the two equal). */
  description: string;
  /** Imports the module that registers it (and its heavy dependencies) only when it runs. */
  load(): Promise<RegisterCommand>;
}

/*
 * Start-up time: `clipcast --help` and a read-only command must not load the server, the platforms or
 * the sandbox. Every top-level command is listed here with its help line; the CLI imports only the
 * module of the command being run (see main.ts). Several commands may share a module (it registers
 * them all); to add a command, add its entry here (in the order `--help` lists them) and export its
 * register function from its file under commands/.
 */
const accounts = async () => (await import('./commands/accounts.js')).registerAccounts;
const campaigns = async () => (await import('./commands/campaigns.js')).registerCampaigns;
const posts = async () => (await import('./commands/posts.js')).registerPosts;
const publish = async () => (await import('./commands/publish.js')).registerPublish;
const providers = async () => (await import('./commands/providers.js')).registerProviders;
const runtime = async () => (await import('./commands/runtime.js')).registerRuntime;
const server = async () => (await import('./commands/server.js')).registerServer;
const channels = async () => (await import('./commands/channels.js')).registerChannels;
const ledger = async () => (await import('./commands/ledger.js')).registerLedger;
const keys = async () => (await import('./commands/keys.js')).registerKeys;
const media = async () => (await import('./commands/media.js')).registerMedia;

/** Every top-level command, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'publish', term: 'publish [options] <dir>', description: 'turn a CLIPER folder into a campaign: one post per clip and account at planned times', load: publish },
  { name: 'validate', term: 'validate [options] <dir>', description: "check every clip against each platform's rules; writes nothing", load: publish },
  { name: 'accounts', term: 'accounts', description: 'the accounts clipcast publishes to', load: accounts },
  { name: 'campaigns', term: 'campaigns', description: 'campaigns created by publish', load: campaigns },
  { name: 'posts', term: 'posts', description: 'posts: one clip on one account at one time', load: posts },
  { name: 'ledger', term: 'ledger', description: 'the append-only, MAC-chained history', load: ledger },
  { name: 'keys', term: 'keys', description: 'the secret keys that encrypt credentials (fingerprints only)', load: keys },
  { name: 'providers', term: 'providers', description: 'the platforms clipcast publishes to, with their limits and features', load: providers },
  { name: 'worker', term: 'worker [options]', description: 'publish due posts until stopped (SIGINT/SIGTERM leave in-flight posts resumable)', load: runtime },
  { name: 'sandbox', term: 'sandbox [options]', description: 'run the built-in emulators of TikTok, Instagram, YouTube and Postiz until stopped', load: runtime },
  { name: 'demo', term: 'demo [options]', description: 'publish the bundled example campaign to the sandbox of all three platforms, no accounts needed', load: runtime },
  { name: 'serve', term: 'serve [options]', description: 'run the HTTP API (OpenAPI at /docs) and, unless --no-worker, the worker in the same process', load: server },
  { name: 'apikeys', term: 'apikeys', description: 'API keys for the HTTP API (stored hashed; shown once)', load: server },
  { name: 'webhooks', term: 'webhooks', description: 'outgoing notifications (post.published, post.failed, post.deferred, account.needs_reauth, post.stuck)', load: server },
  { name: 'media', term: 'media', description: 'the clips clipcast keeps in its data dir', load: media },
  { name: 'channels', term: 'channels', description: "the Postiz server's channels (CLIPCAST_POSTIZ_URL, CLIPCAST_POSTIZ_API_KEY); `channels sync` imports them as accounts", load: channels },
];

/**
 * The command `argv` runs (its first word that is not a global option), or the one `help <name>` asks
 * about; undefined for `--help`, `--version` or no command.
 */
export function commandOf(argv: readonly string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]!;
    if (a === '--') {
      words.push(...argv.slice(i + 1, i + 3));
      break;
    }
    if (a === '--home') i++; // the global option's value
    else if (!a.startsWith('-')) words.push(a);
    else if (words.length) break; // a command's own option: the command is known
  }
  return words[0] === 'help' ? words[1] : words[0];
}
