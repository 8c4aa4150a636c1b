import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../app/open-app.js';
import { InputError, isInputError } from '../../core/input-error.js';
import { PLATFORM_NAMES } from '../../core/platform-id.js';
import { parseInterval } from '../../core/plan/interval.js';
import { parseStartDate } from '../../core/plan/start-date.js';
import { validateTimezone } from '../../core/plan/time-zone.js';
import { systemZone } from '../format.js';
import type { Prompter } from './prompts.js';

/** The answers `publish` asks for on a terminal when flags are missing. */
export interface PublishAnswers {
  startDate?: string | undefined;
  interval?: string | undefined;
  timezone?: string | undefined;
  platforms?: string | undefined;
}

/** An InputError as the line a prompt shows under a rejected answer: the problem, then the fix. */
export function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (isInputError(error)) return `${error.message}${error.hint ? ` — ${error.hint}` : ''}`;
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Asks for each missing answer, checking it as it is given (a mistyped zone is caught at the zone, with
 * a "did you mean"); targets are picked from the accounts (none yet: an error saying how to add one).
 */
export async function askPublishAnswers(prompter: Prompter, app: App, answers: PublishAnswers): Promise<void> {
  const accounts = (await app.accounts.list()).filter((a) => a.status !== 'disabled');
  if (answers.platforms === undefined && !accounts.length) {
    throw new InputError('ACCOUNTS_NONE', 'no accounts to publish to yet', 'connect one first: clipcast accounts connect tiktok (or "Accounts and connect" in the clipcast menu); clipcast demo shows a run on the sandbox', '--platforms');
  }
  const now = app.clock.now();
  answers.timezone ??= await prompter.text({ message: 'Time zone of the start date and the daily window', fallback: systemZone(), placeholder: systemZone(), check: (v) => problemOf(() => validateTimezone(v)) });
  const zone = answers.timezone;
  answers.startDate ??= await prompter.text({ message: `First post (YYYY-MM-DD HH:mm in ${zone}, or now)`, fallback: 'now', placeholder: 'now', check: (v) => problemOf(() => parseStartDate(v, zone, now)) });
  answers.interval ??= await prompter.text({ message: 'Time between clips (30m, 4h, 1d, 1h30m, 2w)', fallback: '4h', placeholder: '4h', check: (v) => problemOf(() => parseInterval(v)) });
  if (answers.platforms === undefined) {
    const choices = accounts.map((a) => ({ value: `${a.platform}:${a.handle}`, label: `${PLATFORM_NAMES[a.platform as keyof typeof PLATFORM_NAMES] ?? a.platform} ${a.handle}`, hint: [a.isMain ? 'main' : '', a.sandbox ? 'sandbox' : '', a.status === 'needs_reauth' ? 'needs reconnect' : ''].filter(Boolean).join(', ') }));
    const picked = await prompter.multiselect({ message: 'Publish to (space to pick, enter to go on)', choices });
    answers.platforms = picked.join(',');
  }
}

/** The problem with a folder given to `publish`, or undefined when it holds a CLIPER clips file. */
export function folderProblem(dir: string): string | undefined {
  if (!dir) return 'give the CLIPER output folder (the one with copys/clips_copys.json)';
  if (!existsSync(dir)) return `${dir} does not exist`;
  if (statSync(dir).isFile()) return dir.endsWith('.json') ? undefined : `${dir} is a file: give the folder or its copys/clips_copys.json`;
  return existsSync(join(dir, 'copys', 'clips_copys.json')) ? undefined : `${dir} has no copys/clips_copys.json: is it a CLIPER output folder?`;
}
