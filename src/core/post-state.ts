/**
 * A post's life (see DESIGN.md "A post's life").
 *
 * scheduled → preparing → uploading → processing → publishing → published;
 * any active state → retry_wait | needs_reauth | deferred | failed; scheduled/deferred → cancelled.
 */
export const POST_STATES = [
  'scheduled',
  'preparing',
  'uploading',
  'processing',
  'publishing',
  'published',
  'retry_wait',
  'deferred',
  'needs_reauth',
  'failed',
  'cancelled',
] as const;

/** One of {@link POST_STATES}. */
export type PostState = (typeof POST_STATES)[number];

/** States a post never leaves. */
export const FINAL_STATES: ReadonlySet<PostState> = new Set(['published', 'failed', 'cancelled']);

/** States in which a worker is (or was, before a crash) running a step. */
export const ACTIVE_STATES: ReadonlySet<PostState> = new Set(['preparing', 'uploading', 'processing', 'publishing']);

/** True when the post will never change again. */
export function isFinalState(state: PostState): boolean {
  return FINAL_STATES.has(state);
}
