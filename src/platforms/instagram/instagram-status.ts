import type { StepResult } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';
import { containerError } from './instagram-errors.js';
import { paced, resetContainer, type StepEnv } from './instagram-remote.js';

/**
 * The processing step: one `GET /{container-id}`. IN_PROGRESS polls again about once a minute within
 * Meta's advised window (`maxWaitMs`, 5 min), then only reconciles later with growing gaps (never a
 * publish attempt before FINISHED); FINISHED moves
 * to publishing; ERROR and EXPIRED end with a clear error (a new container next time when that can help).
 *
 * @example
 * ```ts
 * const result = await pollContainer(env); // { status: 'continue', next: 'processing', delayMs: 60000 }
 * ```
 */
export async function pollContainer(env: StepEnv, onPublished: () => Promise<StepResult>): Promise<StepResult> {
  const { ctx, creds, client, config, remote } = env;
  const id = remote.containerId!;
  const status = await client.getContainer(creds.flavour, creds.accessToken, id);
  const now = ctx.clock.now();
  switch (status.status_code) {
    case 'FINISHED':
      await ctx.checkpoint({ event: { type: 'instagram_container_finished', data: { containerId: id, polls: remote.polls ?? 0 } } });
      return { status: 'continue', next: 'publishing', delayMs: paced(env, 0) };
    case 'PUBLISHED':
      return onPublished();
    case 'ERROR': {
      const error = containerError(status.status, id);
      await resetContainer(env, `ERROR ${error.platformCode ?? ''}`.trim());
      throw error;
    }
    case 'EXPIRED':
      await resetContainer(env, 'EXPIRED');
      throw new PublishError(`Instagram container ${id} expired (not published within 24 h); a new container will be made`, {
        platform: 'instagram', code: 'INSTAGRAM_CONTAINER_EXPIRED', kind: 'retryable',
      });
    default: {
      if (remote.containerMode === 'resumable' && status.video_status?.uploading_phase?.status !== 'complete' && !remote.uploaded) {
        return { status: 'continue', next: 'uploading', delayMs: 0 };
      }
      const polls = (remote.polls ?? 0) + 1;
      const started = remote.pollStartedAt ?? now;
      const waited = now - started;
      const { intervalMs, backoff, maxIntervalMs, maxWaitMs, lateIntervalMs, maxLateIntervalMs } = config.poll;
      if (waited >= maxWaitMs) {
        // Past Meta's advised window: no more polling. The container lives 24 h, so reconcile it later
        // with growing gaps (FINISHED then publishes, EXPIRED makes a new container).
        const late = (remote.lateChecks ?? 0) + 1;
        const delayMs = Math.min(maxLateIntervalMs, lateIntervalMs * 2 ** (late - 1));
        await ctx.checkpoint({
          remote: { polls, pollStartedAt: started, lateChecks: late },
          ...(late === 1 ? { event: { type: 'instagram_poll_window_over', data: { containerId: id, polls, waitedMs: waited } } } : {}),
        });
        return { status: 'continue', next: 'processing', delayMs: paced(env, delayMs), note: `container ${id} not ready within the ${Math.round(maxWaitMs / 60_000)} min polling window; reconciling in ${Math.round(delayMs / 60_000)} min (check ${late})` };
      }
      const delayMs = Math.min(maxIntervalMs, Math.round(intervalMs * backoff ** Math.max(0, polls - 1)));
      await ctx.checkpoint({ remote: { polls, pollStartedAt: started } });
      return { status: 'continue', next: 'processing', delayMs: paced(env, delayMs), note: `container ${id} still IN_PROGRESS (poll ${polls})` };
    }
  }
}
