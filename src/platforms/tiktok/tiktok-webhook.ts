import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseJsonLossless } from '../../http/http.js';

/** A verified TikTok webhook; `content` is parsed from its JSON-in-a-string form, big ids as strings. */
export interface TikTokWebhookEvent {
  client_key: string;
  event: string;
  create_time: number;
  user_openid: string;
  content: Record<string, unknown>;
}

/** Why a webhook was refused. */
export type TikTokWebhookRejection = 'missing_signature' | 'malformed_signature' | 'bad_signature' | 'stale_timestamp' | 'malformed_body';

/** Result of {@link verifyTikTokWebhook}. */
export type TikTokWebhookVerdict = { ok: true; event: TikTokWebhookEvent } | { ok: false; reason: TikTokWebhookRejection };

/**
 * Verifies a TikTok webhook (§13.4): header `TikTok-Signature: t=…,s=…` (any case), HMAC-SHA256 with
 * the app's client secret over `t + "." + rawBody`, lowercase hex, compared in constant time, and
 * |now − t| within the tolerance (TikTok gives no number; default 300 s). Pass the raw body bytes as
 * received, never re-serialized JSON.
 *
 * @example
 * ```ts
 * const verdict = verifyTikTokWebhook({ headers: req.headers, rawBody, clientSecret, nowMs: Date.now() });
 * if (!verdict.ok) return reply.code(401).send();
 * ```
 */
export function verifyTikTokWebhook(input: {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer | string;
  clientSecret: string;
  nowMs: number;
  toleranceSec?: number;
}): TikTokWebhookVerdict {
  let header: string | undefined;
  for (const [k, v] of Object.entries(input.headers)) if (k.toLowerCase() === 'tiktok-signature') header = Array.isArray(v) ? v[0] : v;
  if (!header) return { ok: false, reason: 'missing_signature' };
  const parts = new Map<string, string>();
  for (const element of header.split(',')) {
    const at = element.indexOf('=');
    if (at <= 0) return { ok: false, reason: 'malformed_signature' };
    parts.set(element.slice(0, at).trim(), element.slice(at + 1).trim());
  }
  const t = parts.get('t');
  const s = parts.get('s');
  if (!t || !/^\d{1,12}$/.test(t) || !s || !/^[0-9a-fA-F]{64}$/.test(s)) return { ok: false, reason: 'malformed_signature' };
  const body = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
  const expected = createHmac('sha256', input.clientSecret).update(`${t}.`).update(body).digest();
  const given = Buffer.from(s.toLowerCase(), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  if (Math.abs(input.nowMs / 1000 - Number(t)) > (input.toleranceSec ?? 300)) return { ok: false, reason: 'stale_timestamp' };
  try {
    const envelope = parseJsonLossless<Omit<TikTokWebhookEvent, 'content'> & { content: unknown }>(body.toString('utf8'));
    const content = typeof envelope.content === 'string' ? parseJsonLossless<Record<string, unknown>>(envelope.content) : ((envelope.content ?? {}) as Record<string, unknown>);
    return { ok: true, event: { ...envelope, content } };
  } catch {
    return { ok: false, reason: 'malformed_body' };
  }
}
