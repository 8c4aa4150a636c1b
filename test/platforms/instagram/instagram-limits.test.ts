import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../../src/core/publish-error.js';
import { createWorld, drive, graphErrorBody, step, type World } from './instagram-world.js';

let world: World;
afterEach(async () => world?.close());

async function failure(p: Promise<unknown>): Promise<PublishError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

describe('Instagram limits, throttling and auth faults', () => {
  it('HTTP 5xx is retryable; 429 honours Retry-After', async () => {
    world = await createWorld();
    world.emulator.server.faults.add({ method: 'POST', path: '/\\/media$/', fault: { kind: 'status', status: 503, body: graphErrorBody(2) } });
    expect((await failure(step(world))).kind).toBe('retryable');
    world.emulator.server.faults.add({ method: 'POST', path: '/\\/media$/', fault: { kind: 'status', status: 429, retryAfterSec: 42, body: 'slow down' } });
    const limited = await failure(step(world));
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 42_000 });
    await drive(world);
    expect(world.emulator.published()).toHaveLength(1);
  });

  it.each([4, 17, 32, 613, 80002])('throttling code %i is rate_limited whatever the HTTP status', async (code) => {
    world = await createWorld();
    world.emulator.server.faults.add({ method: 'POST', path: '/\\/media$/', fault: { kind: 'status', status: 400, body: graphErrorBody(code) } });
    const error = await failure(step(world));
    expect(error.kind).toBe('rate_limited');
    expect(error.code).toBe('INSTAGRAM_RATE_LIMITED');
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });

  it('4/2207051 (spam restriction) is not a rate limit; 9/2207042 is quota', async () => {
    world = await createWorld();
    world.emulator.server.faults.add({ method: 'POST', path: '/\\/media$/', fault: { kind: 'status', status: 400, body: graphErrorBody(4, 2207051) } });
    expect((await failure(step(world))).kind).toBe('invalid');
    world.emulator.server.faults.add({ method: 'POST', path: '/\\/media$/', fault: { kind: 'status', status: 400, body: graphErrorBody(9, 2207042) } });
    expect((await failure(step(world))).kind).toBe('quota');
  });

  it('usage headers near the budget: the adapter holds off before media_publish and paces polls', async () => {
    world = await createWorld();
    world.emulator.knobs.processingMs = 120_000; // still processing at the first poll (60 s)
    await step(world);
    await step(world);
    world.emulator.knobs.usageOverridePct = 95;
    const poll = await step(world);
    expect(poll).toMatchObject({ status: 'continue', next: 'processing' });
    expect((poll as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(world.config.usageSlowdownMs);
    await step(world); // FINISHED by now
    expect(world.post.state).toBe('publishing');
    const error = await failure(step(world));
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'INSTAGRAM_USAGE_HIGH', retryAfterMs: world.config.usageSlowdownMs });
    expect(world.emulator.published()).toHaveLength(0);
    world.emulator.knobs.usageOverridePct = 20;
    await drive(world);
    expect(world.emulator.published()).toHaveLength(1);
  });

  it('past the BUC budget Meta answers 80002 with a regain time: rate_limited', async () => {
    world = await createWorld({ knobs: { callBudget: 1 } });
    const created = await step(world); // call 1 = 100 %: the next step is paced by the regain time
    expect((created as { delayMs: number }).delayMs).toBe(60 * 60_000);
    await step(world); // rupload (not a Graph call)
    const error = await failure(step(world)); // call 2 > 100 %
    expect(error).toMatchObject({ kind: 'rate_limited', code: 'INSTAGRAM_RATE_LIMITED', platformCode: '80002', retryAfterMs: 60 * 60_000 });
  });

  it('quota used up → deferred (quota with deferUntil), not failed; published count stays at the quota', async () => {
    world = await createWorld({ knobs: { quotaTotal: 1 } });
    await drive(world);
    const second = world.newPost({ caption: 'second' });
    const error = await failure(drive(world, second));
    expect(error.kind).toBe('quota');
    expect(error.deferUntil).toBe(world.clock.now() + world.config.quotaRecheckMs);
    expect(world.emulator.published()).toHaveLength(1);
    expect(second.remote.publishIntentAt).toBeUndefined();
    // The window frees 24 h after the first publish; by then this container has expired too (24/2207008).
    world.clock.advance(86_400_000);
    const stale = await failure(drive(world, second));
    expect(stale).toMatchObject({ kind: 'retryable', platformCode: '24/2207008' });
    expect(second.remote.containerId).toBeNull();
    await drive(world, second);
    expect(world.emulator.published()).toHaveLength(2);
  });

  it('a token expired by the clock → needs_reauth without a call', async () => {
    world = await createWorld({ flavour: 'instagram' });
    world.clock.advance(61 * 86_400_000);
    const before = world.emulator.server.requests.length;
    expect((await failure(step(world))).kind).toBe('needs_reauth');
    expect(world.emulator.server.requests.length).toBe(before);
  });

  it('a token Meta expired (190/463) or revoked (190/467) → needs_reauth, token never in the message', async () => {
    world = await createWorld({ flavour: 'facebook' });
    const token = String(world.post.account.credentials.accessToken);
    world.emulator.expireToken(token);
    const expired = await failure(step(world));
    expect(expired).toMatchObject({ kind: 'needs_reauth', platformCode: '190/463' });
    expect(JSON.stringify(expired)).not.toContain(token);
    world.emulator.state.tokens.get(token)!.expiresAt = 0;
    world.emulator.revokeToken(token);
    const revoked = await failure(step(world));
    expect(revoked).toMatchObject({ kind: 'needs_reauth', platformCode: '190/467' });
    expect(revoked.message).not.toContain(token);
  });

  it('a token revoked mid-upload: rupload refuses (unauthorized user request) → needs_reauth', async () => {
    world = await createWorld({ flavour: 'facebook' });
    await step(world);
    world.emulator.revokeToken(String(world.post.account.credentials.accessToken));
    const error = await failure(step(world));
    expect(error).toMatchObject({ kind: 'needs_reauth', code: 'INSTAGRAM_UPLOAD_UNAUTHORIZED' });
  });
});
