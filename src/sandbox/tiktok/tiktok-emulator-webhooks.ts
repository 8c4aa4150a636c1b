import { createHmac } from 'node:crypto';
import { request } from 'undici';
import type { Clock } from '../../core/clock.js';

/** One webhook the emulator sent (or tried to). */
export interface WebhookDelivery {
  event: string;
  body: string;
  signature: string;
  attempts: number;
  /** Last HTTP status the receiver answered (0 when unreachable). */
  status: number;
  delivered: boolean;
}

/** Faults for the next deliveries (consumed one per delivery). */
export interface WebhookFaults {
  /** Send the next N events twice (at-least-once delivery). */
  duplicate: number;
  /** Sign the next N events with a timestamp this many seconds in the past. */
  stale: { count: number; bySec: number };
  /** Sign the next N events with the wrong key. */
  badSignature: number;
}

/**
 * Signs a webhook body as TikTok does: `t=<unix s>,s=<hex HMAC-SHA256(client_secret, t + "." + body)>`.
 *
 * @example
 * ```ts
 * const header = signTikTokWebhook('secret', '{"event":"post.publish.complete"}', 1762939200);
 * ```
 */
export function signTikTokWebhook(secret: string, body: string, timestampSec: number): string {
  const s = createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
  return `t=${timestampSec},s=${s}`;
}

/**
 * Sends signed webhooks to the configured URL, retrying with exponential backoff (real timers,
 * much shorter than TikTok's 72 h), and keeps a log tests inspect.
 */
export class TikTokWebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  readonly faults: WebhookFaults = { duplicate: 0, stale: { count: 0, bySec: 0 }, badSignature: 0 };
  #pending = new Set<Promise<void>>();

  constructor(
    private readonly options: { url: string | undefined; clientKey: string; clientSecret: string; retries: number; retryBaseMs: number },
    private readonly clock: Clock,
  ) {}

  /** Builds the envelope (with `content` a JSON string, given as text to keep big ids exact) and sends it. */
  send(event: string, userOpenId: string, contentJson: string): void {
    if (!this.options.url) return;
    const createTime = Math.floor(this.clock.now() / 1000);
    const body = JSON.stringify({ client_key: this.options.clientKey, event, create_time: createTime, user_openid: userOpenId, content: contentJson });
    let t = createTime;
    if (this.faults.stale.count > 0) {
      this.faults.stale.count -= 1;
      t -= this.faults.stale.bySec;
    }
    let key = this.options.clientSecret;
    if (this.faults.badSignature > 0) {
      this.faults.badSignature -= 1;
      key = `${key}-forged`;
    }
    const copies = this.faults.duplicate > 0 ? 2 : 1;
    if (copies === 2) this.faults.duplicate -= 1;
    for (let i = 0; i < copies; i++) {
      const delivery: WebhookDelivery = { event, body, signature: signTikTokWebhook(key, body, t), attempts: 0, status: 0, delivered: false };
      this.deliveries.push(delivery);
      const p = this.#deliver(delivery).finally(() => this.#pending.delete(p));
      this.#pending.add(p);
    }
  }

  /** Resolves when every delivery in flight (retries included) has settled. */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }

  async #deliver(d: WebhookDelivery): Promise<void> {
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.options.retryBaseMs * 2 ** (attempt - 1)).unref());
      d.attempts += 1;
      try {
        const res = await request(this.options.url!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'tiktok-signature': d.signature },
          body: d.body,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        await res.body.dump();
        d.status = res.statusCode;
        // Only HTTP 200 counts as delivered.
        if (res.statusCode === 200) {
          d.delivered = true;
          return;
        }
      } catch {
        d.status = 0;
      }
    }
  }
}
