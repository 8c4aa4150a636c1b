import type { PublishContext, RemoteState } from '../../core/ports/platform-adapter.js';
import { PublishError } from '../../core/publish-error.js';
import type { InstagramClient } from './instagram-client.js';
import type { InstagramConfig } from './instagram-config.js';
import type { InstagramCredentials } from './instagram-credentials.js';

/**
 * The adapter's durable remote state (`ctx.remote`). `null` means "cleared" (checkpoints merge).
 *
 * Invariant that keeps a reel from being published twice: `publishIntentAt` is written before
 * `media_publish` is sent; while it is set without `mediaId`, the next step asks the container first
 * (`PUBLISHED` = done, find the media) and never publishes blindly.
 */
export interface InstagramRemote {
  containerId?: string | null;
  containerMode?: 'resumable' | 'url' | null;
  containerCreatedAt?: number | null;
  uploadUri?: string | null;
  uploaded?: boolean;
  uploadAttempts?: number;
  /** Offset the last upload attempt started from, and how many attempts in a row moved nothing. */
  uploadOffset?: number;
  uploadNoProgress?: number;
  pollStartedAt?: number | null;
  polls?: number;
  /** Reconcile checks made after the polling window. */
  lateChecks?: number;
  publishIntentAt?: number | null;
  publishAttempts?: number;
  containerResets?: number;
  mediaId?: string | null;
  permalink?: string | null;
}

/** Everything one step needs. */
export interface StepEnv {
  ctx: PublishContext;
  creds: InstagramCredentials;
  client: InstagramClient;
  config: InstagramConfig;
  remote: InstagramRemote;
}

/** Reads `ctx.remote` as {@link InstagramRemote}. */
export function readRemote(remote: Readonly<RemoteState>): InstagramRemote {
  return remote as InstagramRemote;
}

/** Forgets the container (expired, failed or never published) so the next step makes a new one. */
export async function resetContainer(env: StepEnv, reason: string): Promise<void> {
  await env.ctx.checkpoint({
    remote: {
      containerId: null, containerMode: null, containerCreatedAt: null, uploadUri: null, uploaded: false,
      uploadAttempts: 0, uploadOffset: 0, uploadNoProgress: 0, pollStartedAt: null, polls: 0, lateChecks: 0, publishIntentAt: null, containerResets: (env.remote.containerResets ?? 0) + 1,
    },
    upload: null,
    event: { type: 'instagram_container_reset', data: { containerId: env.remote.containerId ?? null, reason } },
  });
}

/**
 * Throws `rate_limited` when the latest usage headers say the budget is nearly used (before Meta
 * throttles), with the regain time Meta estimates or the configured hold-off.
 */
export function holdOffIfBusy(env: StepEnv, before: string): void {
  const usage = env.client.lastUsage;
  if (usage.maxPct < env.config.usageSlowdownPct && usage.regainMinutes === 0) return;
  const retryAfterMs = usage.regainMinutes > 0 ? usage.regainMinutes * 60_000 : env.config.usageSlowdownMs;
  throw new PublishError(`Instagram usage at ${usage.maxPct}% of the call budget; holding off before ${before}`, {
    platform: 'instagram', code: 'INSTAGRAM_USAGE_HIGH', kind: 'rate_limited', retryAfterMs,
  });
}

/** A step delay stretched to the usage hold-off when usage is high. */
export function paced(env: StepEnv, delayMs: number): number {
  const usage = env.client.lastUsage;
  if (usage.regainMinutes > 0) return Math.max(delayMs, usage.regainMinutes * 60_000);
  return usage.maxPct >= env.config.usageSlowdownPct ? Math.max(delayMs, env.config.usageSlowdownMs) : delayMs;
}
