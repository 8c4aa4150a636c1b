/**
 * Bad input from a user: a folder, file, clip, field or flag that cannot be used as it is. The message
 * names the thing; `hint` says the fix. Shells print both and exit non-zero; nothing has been written.
 *
 * @example
 * ```ts
 * throw new InputError('INTERVAL_INVALID', `--interval "4x" is not a duration`, 'use 30m, 4h, 1d, 1h30m or 2w');
 * ```
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    /** Stable code, e.g. `CLIPS_FILE_MALFORMED`. */
    readonly code: string,
    message: string,
    /** How to fix it. */
    readonly hint?: string,
    /** The file, clip, field or flag concerned. */
    readonly subject?: string,
  ) {
    super(message);
  }
}

/** True when `error` is an {@link InputError}. */
export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
