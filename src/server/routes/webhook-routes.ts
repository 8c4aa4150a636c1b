import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { verifyWebhookChallenge } from '../../platforms/instagram/instagram-webhooks.js';
import { HttpProblem } from '../problem.js';
import type { ServerContext, ZodServer } from '../server-context.js';
import type { IncomingWebhook, WebhookSinks } from '../server-parts.js';
import { forgetWebhook, markWebhookSeen } from '../webhook-dedupe.js';

/** Largest webhook body accepted (platform events are small). */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

/**
 * Incoming platform webhooks, public but signed: TikTok (`TikTok-Signature: t=…,s=…`) and Meta
 * (`GET` verify-token challenge, then `X-Hub-Signature-256`). Bodies are kept raw (a content-type parser
 * scoped to these routes) because signatures cover the exact bytes; verification is the injected
 * verifier's, in constant time. A verified delivery is deduplicated by the sha256 of its body and handed
 * to the sink once; a repeat answers 200 without reaching the sink.
 *
 * @example
 * ```ts
 * server.register(async (scope) => registerWebhookRoutes(scope, ctx));
 * ```
 */
export function registerWebhookRoutes(server: ZodServer, ctx: ServerContext): void {
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  server.post('/webhooks/tiktok', { config: { public: true }, bodyLimit: WEBHOOK_BODY_LIMIT, schema: { tags: ['webhooks'], security: [], summary: 'TikTok events (signed)' } }, async (request, reply) => {
    const hooks = configured(ctx, 'tiktok');
    const raw = rawBody(request);
    const signature = headerOf(request, 'tiktok-signature');
    if (!signature || !hooks.tiktok?.verify(raw, signature, ctx.app.clock.now())) throw new HttpProblem(401, 'bad-signature', 'the TikTok-Signature header does not match the body');
    return deliver(ctx, hooks, 'tiktok', raw, reply);
  });

  server.get(
    '/webhooks/meta',
    {
      config: { public: true },
      schema: { tags: ['webhooks'], security: [], summary: 'Meta subscription handshake', querystring: z.object({ 'hub.mode': z.string().optional(), 'hub.challenge': z.string().max(200).optional(), 'hub.verify_token': z.string().max(500).optional() }) },
    },
    async (request, reply) => {
      const meta = configured(ctx, 'meta').meta;
      const query = new URLSearchParams(Object.entries(request.query).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const answer = meta ? verifyWebhookChallenge(query, meta.verifyToken) : { status: 403 as const, body: '' };
      if (answer.status !== 200) throw new HttpProblem(403, 'bad-verify-token', 'the subscription handshake does not carry this server’s verify token');
      return reply.code(200).type('text/plain').send(answer.body);
    },
  );

  server.post('/webhooks/meta', { config: { public: true }, bodyLimit: WEBHOOK_BODY_LIMIT, schema: { tags: ['webhooks'], security: [], summary: 'Meta (Instagram) notifications (signed)' } }, async (request, reply) => {
    const hooks = configured(ctx, 'meta');
    const raw = rawBody(request);
    const signature = headerOf(request, 'x-hub-signature-256');
    if (!signature || !hooks.meta?.verify(raw, signature)) throw new HttpProblem(401, 'bad-signature', 'the X-Hub-Signature-256 header does not match the body');
    return deliver(ctx, hooks, 'meta', raw, reply);
  });
}

async function deliver(ctx: ServerContext, hooks: WebhookSinks, source: IncomingWebhook['source'], raw: Buffer, reply: FastifyReply) {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'bad-json', 'the webhook body is not JSON');
  }
  const id = createHash('sha256').update(raw).digest('hex');
  if (!(await markWebhookSeen(ctx.app, source, id))) return reply.code(200).send({ received: true, duplicate: true });
  try {
    await hooks.sink({ source, id, receivedAt: ctx.app.clock.now(), body });
  } catch (error) {
    // Not processed: forget it so the platform's retry is taken, and answer 500 so it retries.
    await forgetWebhook(ctx.app, source, id);
    throw error;
  }
  return reply.code(200).send({ received: true, duplicate: false });
}

function configured(ctx: ServerContext, which: 'tiktok' | 'meta'): WebhookSinks {
  const hooks = ctx.parts.webhooks;
  if (!hooks || !hooks[which]) throw new HttpProblem(501, 'not-configured', `${which === 'tiktok' ? 'TikTok' : 'Meta'} webhooks are not configured on this server`);
  return hooks;
}

function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
