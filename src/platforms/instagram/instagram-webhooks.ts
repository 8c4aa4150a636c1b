import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Answers Meta's webhook verification GET (§9.1): the raw `hub.challenge` with 200 when
 * `hub.mode=subscribe` and `hub.verify_token` matches (compared in constant time), else 403.
 *
 * @example
 * ```ts
 * const { status, body } = verifyWebhookChallenge(new URL(req.url, 'http://x').searchParams, verifyToken);
 * res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
 * ```
 */
export function verifyWebhookChallenge(query: URLSearchParams, verifyToken: string): { status: 200 | 403; body: string } {
  const challenge = query.get('hub.challenge');
  const ok = query.get('hub.mode') === 'subscribe' && challenge !== null && safeEqual(query.get('hub.verify_token') ?? '', verifyToken);
  return ok ? { status: 200, body: challenge } : { status: 403, body: 'Forbidden' };
}

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the exact raw body, keyed with
 * the app secret, in constant time (§9.2).
 *
 * @example
 * ```ts
 * if (!verifyWebhookSignature(rawBody, req.headers['x-hub-signature-256'], appSecret)) return reply.code(401);
 * ```
 */
export function verifyWebhookSignature(rawBody: Buffer | string, header: string | string[] | undefined, appSecret: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^sha256=([0-9a-f]{64})$/i.exec(value?.trim() ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!.toLowerCase(), 'hex'));
}

function safeEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'clipcast-compare').update(a).digest();
  const hb = createHmac('sha256', 'clipcast-compare').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
