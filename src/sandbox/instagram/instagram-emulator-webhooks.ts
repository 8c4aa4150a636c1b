import { createHmac, randomInt } from 'node:crypto';
import { request } from 'undici';
import type { Clock } from '../../core/clock.js';

/** One notification the emulator tried to deliver. */
export interface WebhookDelivery {
  body: string;
  attempts: number;
  delivered: boolean;
  lastStatus: number;
  nextAttemptAt: number;
}

/**
 * Meta's side of webhooks (§9), for tests of the receiving side: the GET verification handshake and
 * `X-Hub-Signature-256` signed POSTs, retried on non-200 with growing gaps (clock-driven, up to 36 h).
 * There is no publish-completion event, as on Meta.
 *
 * @example
 * ```ts
 * const hooks = new WebhookSender(clock, appSecret);
 * await hooks.verify('http://127.0.0.1:3000/webhooks/instagram', 'my-verify-token');
 * await hooks.send(url, { object: 'instagram', entry: [] });
 * ```
 */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly appSecret: string,
  ) {}

  /** The handshake: true when the callback echoed `hub.challenge` with 200. */
  async verify(callbackUrl: string, verifyToken: string): Promise<{ ok: boolean; status: number }> {
    const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
    const url = new URL(callbackUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.challenge', challenge);
    url.searchParams.set('hub.verify_token', verifyToken);
    const res = await request(url, { method: 'GET' });
    const text = await res.body.text();
    return { ok: res.statusCode === 200 && text === challenge, status: res.statusCode };
  }

  /** Signs and POSTs `payload` to `callbackUrl` (raw body bytes are what is signed). */
  async send(callbackUrl: string, payload: unknown, options: { signWith?: string } = {}): Promise<WebhookDelivery> {
    const delivery: WebhookDelivery = { body: JSON.stringify(payload), attempts: 0, delivered: false, lastStatus: 0, nextAttemptAt: this.clock.now() };
    this.deliveries.push(delivery);
    await this.#attempt(callbackUrl, delivery, options.signWith ?? this.appSecret);
    return delivery;
  }

  /** Retries the failed deliveries that are due on the clock (Meta retries for up to 36 h). */
  async retryDue(callbackUrl: string): Promise<void> {
    for (const d of this.deliveries) {
      if (!d.delivered && d.attempts > 0 && this.clock.now() >= d.nextAttemptAt) await this.#attempt(callbackUrl, d, this.appSecret);
    }
  }

  async #attempt(callbackUrl: string, d: WebhookDelivery, secret: string): Promise<void> {
    d.attempts += 1;
    const sig256 = createHmac('sha256', secret).update(d.body).digest('hex');
    const sig1 = createHmac('sha1', secret).update(d.body).digest('hex');
    try {
      const res = await request(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig256}`, 'x-hub-signature': `sha1=${sig1}` },
        body: d.body,
      });
      await res.body.dump();
      d.lastStatus = res.statusCode;
      d.delivered = res.statusCode === 200;
    } catch {
      d.lastStatus = 0;
    }
    // Backoff: 1 min, 2, 4 … (capped by the 36 h window, after which Meta drops it).
    d.nextAttemptAt = this.clock.now() + Math.min(2 ** (d.attempts - 1) * 60_000, 36 * 3_600_000);
  }
}
