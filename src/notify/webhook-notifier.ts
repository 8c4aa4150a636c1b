import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';
import type { Clock } from '../core/clock.js';
import type { Logger, NotificationType, Notifier } from '../core/ports/notifier.js';
import type { Secrets } from '../core/ports/secrets.js';
import type { Store, WebhookEndpointRecord } from '../core/ports/store.js';
import { describeNetworkError } from '../http/http.js';

/** Options of {@link WebhookNotifier}. */
export interface WebhookNotifierOptions {
  store: Store;
  secrets: Secrets;
  clock: Clock;
  logger: Logger;
  makeId: (prefix: string) => string;
  /** Attempts before a delivery is marked failed (default 10). */
  maxAttempts?: number;
  /** First retry delay (default 5 s), doubling, capped at 1 h. */
  baseDelayMs?: number;
  /** Per request timeout (default 10 s). */
  timeoutMs?: number;
}

/**
 * Outgoing notifications: a log line each, and a signed webhook per subscribed endpoint, stored first
 * and delivered (and retried with backoff) by {@link WebhookNotifier.deliverDue}.
 *
 * Each request carries `Clipcast-Event`, `Clipcast-Delivery` and
 * `Clipcast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 *
 * @example
 * ```ts
 * const notifier = new WebhookNotifier({ store, secrets, clock, logger, makeId });
 * await notifier.notify('post.published', { postId });
 * await notifier.deliverDue();
 * ```
 */
export class WebhookNotifier implements Notifier {
  constructor(private readonly o: WebhookNotifierOptions) {}

  async notify(type: NotificationType, payload: Record<string, unknown>): Promise<void> {
    const queued = await this.o.store.enqueueWebhookDeliveries(type, { type, at: new Date(this.o.clock.now()).toISOString(), data: payload }, this.o.clock.now(), () => this.o.makeId('whd'));
    this.o.logger.info({ notification: type, ...payload, webhooks: queued }, `notification ${type}`);
  }

  /** Sends every delivery that is due; returns how many were delivered. */
  async deliverDue(limit = 50): Promise<number> {
    const due = await this.o.store.dueWebhookDeliveries(this.o.clock.now(), limit);
    if (!due.length) return 0;
    const endpoints = new Map((await this.o.store.listWebhookEndpoints()).map((e) => [e.id, e]));
    let delivered = 0;
    for (const d of due) {
      const endpoint = endpoints.get(d.endpointId);
      if (!endpoint) continue;
      const attempt = d.attempt + 1;
      const { status, error } = await this.#send(endpoint, d.id, d.eventType, JSON.stringify(d.payload));
      const ok = status !== null && status >= 200 && status < 300;
      const now = this.o.clock.now();
      const max = this.o.maxAttempts ?? 10;
      const delay = Math.min(3_600_000, (this.o.baseDelayMs ?? 5_000) * 2 ** (attempt - 1));
      await this.o.store.finishWebhookDelivery(d.id, {
        state: ok ? 'delivered' : attempt >= max ? 'failed' : 'pending',
        attempt,
        nextAttemptAt: ok ? now : now + delay,
        lastStatus: status,
        lastError: ok ? null : (error ?? `HTTP ${status}`),
        deliveredAt: ok ? now : null,
      });
      if (ok) delivered += 1;
      else this.o.logger.warn({ delivery: d.id, endpoint: endpoint.url, attempt, status, error }, 'webhook delivery failed; will retry');
    }
    return delivered;
  }

  async #send(endpoint: WebhookEndpointRecord, deliveryId: string, eventType: string, body: string): Promise<{ status: number | null; error?: string }> {
    const secret = this.o.secrets.decrypt(endpoint.secretEnc, `webhook:${endpoint.id}`);
    const t = Math.floor(this.o.clock.now() / 1000);
    try {
      const res = await request(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'clipcast-event': eventType,
          'clipcast-delivery': deliveryId,
          'clipcast-signature': signWebhook(secret, t, body),
        },
        body,
        headersTimeout: this.o.timeoutMs ?? 10_000,
        bodyTimeout: this.o.timeoutMs ?? 10_000,
      });
      await res.body.dump();
      return { status: res.statusCode };
    } catch (error) {
      return { status: null, error: describeNetworkError(error) };
    }
  }
}

/** A new per-endpoint secret (shown once to the user). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** The `Clipcast-Signature` header value for a body sent at unix time `t`. */
export function signWebhook(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Verifies a `Clipcast-Signature` header in constant time, within `toleranceSec` of `nowSec`. */
export function verifyWebhookSignature(secret: string, header: string, body: string, nowSec: number, toleranceSec = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(nowSec - t) > toleranceSec || !parts.v1) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
