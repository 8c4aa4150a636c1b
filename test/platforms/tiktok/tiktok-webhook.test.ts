import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { revokeTikTokToken } from '../../../src/platforms/tiktok/tiktok-oauth.js';
import { verifyTikTokWebhook } from '../../../src/platforms/tiktok/tiktok-webhook.js';
import { signTikTokWebhook } from '../../../src/sandbox/tiktok/tiktok-emulator-webhooks.js';
import { tiktokWorld, type TikTokWorld } from './tiktok-fixtures.js';

let world: TikTokWorld | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await world?.close();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  world = undefined;
  receiver = undefined;
});

/** A receiver that keeps each raw body and its headers, answering 200 (or `status`). */
async function listen(status = 200): Promise<{ url: string; got: { headers: IncomingHttpHeaders; body: Buffer }[] }> {
  const got: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(got.length === 1 ? status : 200).end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver!.address() as AddressInfo).port}/hooks/tiktok`, got };
}

describe('TikTok webhooks', () => {
  it('the emulator signs publish events; the helper verifies them and parses content (big post id exact)', async () => {
    const hook = await listen();
    world = await tiktokWorld({ webhookUrl: hook.url });
    const post = world.post(await world.clip(1000), { privacy_level: 'PUBLIC_TO_EVERYONE' });
    const result = await world.run(post);
    await world.emulator.idle();
    const verdicts = hook.got.map((d) => verifyTikTokWebhook({ headers: d.headers, rawBody: d.body, clientSecret: world!.config.clientSecret, nowMs: world!.clock.now() }));
    expect(verdicts.every((v) => v.ok)).toBe(true);
    const events = verdicts.map((v) => (v.ok ? v.event : undefined));
    expect(events.map((e) => e?.event)).toEqual(['post.publish.complete', 'post.publish.publicly_available']);
    expect(events[0]!.content).toEqual({ publish_id: post.remote.publishId, publish_type: 'DIRECT_POST' });
    expect(events[1]!.content.post_id).toBe(result.remoteId); // int64 in a JSON string, parsed losslessly
    expect(events[0]!.user_openid).toBe(post.account.externalId);
  });

  it('rejects a forged signature, a stale timestamp, and malformed headers', async () => {
    const hook = await listen();
    world = await tiktokWorld({ webhookUrl: hook.url });
    const media = await world.clip(1000);
    world.emulator.webhooks.faults.badSignature = 1;
    world.emulator.failNextProcessing('spam_risk_text');
    await world.run(world.post(media)).catch(() => undefined);
    world.emulator.webhooks.faults.stale = { count: 1, bySec: 301 };
    world.emulator.failNextProcessing('file_format_check_failed');
    await world.run(world.post(media)).catch(() => undefined);
    await world.emulator.idle();
    expect(hook.got).toHaveLength(2);
    const secret = world.config.clientSecret;
    const now = world.clock.now();
    const [forged, stale] = hook.got.map((d) => verifyTikTokWebhook({ headers: d.headers, rawBody: d.body, clientSecret: secret, nowMs: now }));
    expect(forged).toEqual({ ok: false, reason: 'bad_signature' });
    expect(stale).toEqual({ ok: false, reason: 'stale_timestamp' });
    // The stale one verifies with a wider tolerance: only its age was wrong.
    expect(verifyTikTokWebhook({ headers: hook.got[1]!.headers, rawBody: hook.got[1]!.body, clientSecret: secret, nowMs: now, toleranceSec: 600 }).ok).toBe(true);
    const body = '{"event":"x","content":"{}"}';
    const good = signTikTokWebhook(secret, body, Math.floor(now / 1000));
    expect(verifyTikTokWebhook({ headers: { 'Tiktok-Signature': good }, rawBody: body, clientSecret: secret, nowMs: now }).ok).toBe(true);
    expect(verifyTikTokWebhook({ headers: { 'tiktok-signature': good }, rawBody: `${body} `, clientSecret: secret, nowMs: now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyTikTokWebhook({ headers: {}, rawBody: body, clientSecret: secret, nowMs: now })).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyTikTokWebhook({ headers: { 'tiktok-signature': 't=1,s=zz' }, rawBody: body, clientSecret: secret, nowMs: now })).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verifyTikTokWebhook({ headers: { 'tiktok-signature': good }, rawBody: body, clientSecret: 'other', nowMs: now })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('retries a delivery the receiver refused, and can send duplicates (at-least-once)', async () => {
    const hook = await listen(500);
    world = await tiktokWorld({ webhookUrl: hook.url, webhookRetryBaseMs: 1 });
    world.emulator.webhooks.faults.duplicate = 1;
    await world.run(world.post(await world.clip(1000)));
    await world.emulator.idle();
    const deliveries = world.emulator.webhooks.deliveries;
    expect(deliveries.map((d) => d.event)).toEqual(['post.publish.complete', 'post.publish.complete']);
    expect(deliveries.every((d) => d.delivered)).toBe(true);
    expect(hook.got).toHaveLength(3); // one refused (500) and retried, plus the duplicate
    expect(hook.got[0]!.body.equals(hook.got[2]!.body)).toBe(true);
  });

  it('revoking sends authorization.removed with reason 5', async () => {
    const hook = await listen();
    world = await tiktokWorld({ webhookUrl: hook.url });
    const account = world.emulator.createSandboxAccount('gone');
    await revokeTikTokToken(world.config, String(account.credentials.accessToken), world.clock);
    await world.emulator.idle();
    const v = verifyTikTokWebhook({ headers: hook.got[0]!.headers, rawBody: hook.got[0]!.body, clientSecret: world.config.clientSecret, nowMs: world.clock.now() });
    expect(v.ok && v.event.event).toBe('authorization.removed');
    expect(v.ok && v.event.content.reason).toBe(5);
  });
});
