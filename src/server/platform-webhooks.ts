import { verifyWebhookSignature } from '../platforms/instagram/instagram-webhooks.js';
import { verifyTikTokWebhook } from '../platforms/tiktok/tiktok-webhook.js';
import type { WebhookSinks } from './server-parts.js';

/** Options of {@link platformWebhookSinks}; a platform whose secret is absent stays off (501). */
export interface PlatformWebhookOptions {
  /** The TikTok app's client_secret (signs `TikTok-Signature`). */
  tiktokClientSecret?: string;
  /** Replay tolerance for TikTok's timestamp. Default 300 s. */
  tiktokToleranceSec?: number;
  /** The Meta (Instagram / Facebook) app secret (signs `X-Hub-Signature-256`). */
  metaAppSecret?: string;
  /** The verify token configured in Meta's dashboard (subscription handshake). */
  metaVerifyToken?: string;
  sink: WebhookSinks['sink'];
}

/**
 * Webhook verification with the platforms' own verifiers (`verifyTikTokWebhook`,
 * `verifyWebhookSignature`), both constant-time over the raw body.
 *
 * @example
 * ```ts
 * buildServer({ app, webhooks: platformWebhookSinks({ tiktokClientSecret, metaAppSecret, metaVerifyToken, sink: (e) => engine.onWebhook(e) }) });
 * ```
 */
export function platformWebhookSinks(options: PlatformWebhookOptions): WebhookSinks {
  const { tiktokClientSecret, metaAppSecret, metaVerifyToken } = options;
  return {
    sink: options.sink,
    ...(tiktokClientSecret
      ? {
          tiktok: {
            verify: (rawBody, signatureHeader, nowMs) =>
              verifyTikTokWebhook({ headers: { 'tiktok-signature': signatureHeader }, rawBody, clientSecret: tiktokClientSecret, nowMs, ...(options.tiktokToleranceSec ? { toleranceSec: options.tiktokToleranceSec } : {}) }).ok,
          },
        }
      : {}),
    ...(metaAppSecret && metaVerifyToken ? { meta: { verifyToken: metaVerifyToken, verify: (rawBody, signatureHeader) => verifyWebhookSignature(rawBody, signatureHeader, metaAppSecret) } } : {}),
  };
}
