import { PLATFORM_IDS, PLATFORM_NAMES } from '../../core/platform-id.js';
import type { CliContext } from '../cli-context.js';
import { folderProblem } from './publish-questions.js';
import { openPrompter, PromptCancelled, type Prompter } from './prompts.js';

type Action = 'publish' | 'upcoming' | 'accounts' | 'worker' | 'dashboard' | 'quit';

/**
 * `clipcast` alone on a terminal: a menu of the common tasks. Each choice asks what it needs (every
 * answer checked as given) and runs the same command a user would type, so the menu adds no second
 * path; it shows the command line it runs. Ctrl-C or "Quit" leaves.
 *
 * @param runCommand - runs `clipcast …argv` in this process and returns its exit code.
 */
export async function runMenu(ctx: CliContext, runCommand: (argv: string[]) => Promise<number>): Promise<number> {
  const prompter = await openPrompter(ctx);
  for (;;) {
    let action: Action;
    try {
      action = await prompter.select<Action>({
        message: 'clipcast: what would you like to do?',
        choices: [
          { value: 'publish', label: 'Publish a folder', hint: 'plan a CLIPER folder as posts' },
          { value: 'upcoming', label: 'See what is coming up', hint: 'the next scheduled posts' },
          { value: 'accounts', label: 'Accounts and connect', hint: 'list, connect or add an account' },
          { value: 'worker', label: 'Run the worker', hint: 'publish due posts until Ctrl-C' },
          { value: 'dashboard', label: 'Open the dashboard', hint: 'start clipcast serve and print its URL' },
          { value: 'quit', label: 'Quit' },
        ],
      });
    } catch (error) {
      if (error instanceof PromptCancelled) return 0;
      throw error;
    }
    if (action === 'quit') return 0;
    try {
      const argv = await argvFor(action, prompter);
      if (!argv) continue;
      ctx.out.write(`$ clipcast ${argv.map(quote).join(' ')}\n`);
      if (action === 'dashboard') ctx.out.write('The dashboard is at the URL it prints (path /). Ctrl-C stops it and comes back here.\n');
      if (action === 'worker') ctx.out.write('Ctrl-C stops the worker (posts in flight stay resumable) and comes back here.\n');
      await runCommand(argv);
    } catch (error) {
      if (!(error instanceof PromptCancelled)) throw error;
    }
  }
}

/** The command line a menu choice runs, after asking what it needs; undefined to go back to the menu. */
async function argvFor(action: Exclude<Action, 'quit'>, prompter: Prompter): Promise<string[] | undefined> {
  switch (action) {
    case 'publish': {
      const dir = await prompter.text({ message: 'CLIPER output folder', placeholder: 'output/my-video', check: folderProblem });
      // `publish` asks the rest (zone, start, interval, targets), shows the plan and asks to confirm.
      return ['publish', dir];
    }
    case 'upcoming':
      return ['posts', 'list', '--state', 'scheduled', '--limit', '20'];
    case 'accounts': {
      const what = await prompter.select({
        message: 'Accounts',
        choices: [
          { value: 'list', label: 'List accounts' },
          { value: 'connect', label: 'Connect an account in the browser (OAuth)' },
          { value: 'connect-sandbox', label: 'Connect a sandbox account (clipcast sandbox running)' },
          { value: 'add', label: 'Add an account with credentials (hidden prompt)' },
          { value: 'back', label: 'Back' },
        ],
      });
      if (what === 'back') return undefined;
      if (what === 'list') return ['accounts', 'list'];
      const platform = await prompter.select({ message: 'Platform', choices: PLATFORM_IDS.map((p) => ({ value: p, label: PLATFORM_NAMES[p] })) });
      if (what === 'connect') return ['accounts', 'connect', platform];
      if (what === 'connect-sandbox') return ['accounts', 'connect', platform, '--sandbox'];
      const handle = await prompter.text({ message: 'Account handle', placeholder: '@mychannel', check: (v) => (/^@?[\w.-]+$/.test(v) ? undefined : 'a handle is letters, digits, ".", "_" or "-", e.g. @mychannel') });
      return ['accounts', 'add', '--platform', platform, '--handle', handle];
    }
    case 'worker':
      return ['worker'];
    case 'dashboard':
      return ['serve'];
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
