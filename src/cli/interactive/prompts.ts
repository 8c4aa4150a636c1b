import type { Readable, Writable } from 'node:stream';
import type { CliContext } from '../cli-context.js';
import { withoutColors } from '../colors.js';

/** The user left a prompt (Ctrl-C or Escape): the command stops, nothing written. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled: nothing written');
    this.name = 'PromptCancelled';
  }
}

/** One choice of a list prompt. */
export interface Choice<T> {
  value: T;
  label: string;
  hint?: string;
}

/**
 * Questions on the terminal, each answer checked as it is given: a `check` returns the problem (with
 * the fix) and the question is asked again. Built on `@clack/prompts`, loaded only when a prompt runs.
 */
export interface Prompter {
  text(q: { message: string; placeholder?: string; initial?: string; fallback?: string; check?: (value: string) => string | undefined }): Promise<string>;
  secret(q: { message: string; check?: (value: string) => string | undefined }): Promise<string>;
  select<T>(q: { message: string; choices: Choice<T>[]; initial?: T }): Promise<T>;
  multiselect<T>(q: { message: string; choices: Choice<T>[]; initial?: T[] }): Promise<T[]>;
  confirm(q: { message: string; initial?: boolean }): Promise<boolean>;
  note(text: string, title?: string): void;
}

/** The prompter on the run's terminal streams. Throws if the run is not on a terminal (never prompt off one). */
export async function openPrompter(ctx: Pick<CliContext, 'isTTY' | 'input' | 'out' | 'color'>): Promise<Prompter> {
  if (!ctx.isTTY) throw new Error('a prompt needs a terminal');
  const clack = await import('@clack/prompts');
  const io = { input: ctx.input as Readable, output: withoutColors(ctx.out, ctx.color) as Writable };
  function answer<T>(value: T | symbol): Exclude<T, symbol> {
    if (clack.isCancel(value) || typeof value === 'symbol') throw new PromptCancelled();
    return value as Exclude<T, symbol>;
  }
  const validate = (check?: (value: string) => string | undefined, fallback?: string) => (check ? (v: string | undefined) => check((v ?? '').trim() || (fallback ?? '')) : undefined);
  return {
    async text(q) {
      const v = answer(await clack.text({ ...io, message: q.message, ...(q.placeholder ? { placeholder: q.placeholder } : {}), ...(q.initial ? { initialValue: q.initial } : {}), ...(q.fallback ? { defaultValue: q.fallback } : {}), validate: validate(q.check, q.fallback) }));
      return (v ?? '').trim() || (q.fallback ?? '');
    },
    async secret(q) {
      return answer(await clack.password({ ...io, message: q.message, validate: validate(q.check) })).trim();
    },
    async select(q) {
      return answer(await clack.select({ ...io, message: q.message, options: q.choices as never, ...(q.initial !== undefined ? { initialValue: q.initial } : {}) })) as never;
    },
    async multiselect(q) {
      return answer(await clack.multiselect({ ...io, message: q.message, options: q.choices as never, required: true, ...(q.initial ? { initialValues: q.initial } : {}) })) as never;
    },
    async confirm(q) {
      return answer(await clack.confirm({ ...io, message: q.message, initialValue: q.initial ?? false }));
    },
    note(text, title) {
      clack.note(text, title, { output: io.output });
    },
  };
}
