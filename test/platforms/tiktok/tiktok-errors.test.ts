import { afterEach, describe, expect, it } from 'vitest';
import { TikTokClient } from '../../../src/platforms/tiktok/tiktok-client.js';
import { MIB5, publishError, tiktokWorld, type TikTokWorld } from './tiktok-fixtures.js';

let world: TikTokWorld;
afterEach(async () => world?.close());

const INIT = '/v2/post/publish/video/init/';

describe('TikTok errors, limits and faults against the emulator', () => {
  it('429 on init with Retry-After → rate_limited with that delay; the intent is cleared', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(100_000));
    await world.step(post);
    world.emulator.server.faults.add({ method: 'POST', path: INIT, fault: { kind: 'status', status: 429, retryAfterSec: 7, body: { data: {}, error: { code: 'rate_limit_exceeded', message: '', log_id: 'x' } } } });
    const err = await publishError(() => world.step(post));
    expect(err.kind).toBe('rate_limited');
    expect(err.code).toBe('TIKTOK_RATE_LIMITED');
    expect(err.retryAfterMs).toBe(7_000);
    expect(post.remote.initIntentAt).toBeNull();
    await world.run(post);
    expect(world.emulator.published()).toHaveLength(1);
  });

  it('enforces 6 inits per minute per token (sliding window) with a Retry-After', async () => {
    world = await tiktokWorld();
    const account = world.emulator.createSandboxAccount('busy');
    const client = new TikTokClient(world.config, world.clock);
    const source = { source: 'FILE_UPLOAD' as const, video_size: 1000, chunk_size: 1000, total_chunk_count: 1 };
    const info = { title: '', privacy_level: 'SELF_ONLY', disable_duet: false, disable_comment: false, disable_stitch: false, video_cover_timestamp_ms: 0, brand_content_toggle: false, brand_organic_toggle: false, is_aigc: false };
    for (let i = 0; i < 6; i++) {
      await client.initDirect(String(account.credentials.accessToken), info, source);
      world.clock.advance(5_000);
    }
    const err = await publishError(() => client.initDirect(String(account.credentials.accessToken), info, source));
    expect(err.kind).toBe('rate_limited');
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(30_000); // the first of the six leaves the window 60 s after it
    world.clock.advance(30_000);
    await expect(client.initDirect(String(account.credentials.accessToken), info, source)).resolves.toHaveProperty('publishId');
  });

  it('5xx on init → retryable; 5xx on a chunk → retryable, then the same chunk again', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(2 * MIB5 + 3));
    await world.step(post);
    world.emulator.server.faults.add({ method: 'POST', path: INIT, fault: { kind: 'status', status: 503 } });
    const initErr = await publishError(() => world.step(post));
    expect(initErr.kind).toBe('retryable');
    expect(initErr.status).toBe(503);
    world.emulator.server.faults.add({ method: 'PUT', path: '/upload/video/', after: 1, fault: { kind: 'status', status: 502 } });
    const chunkErr = await publishError(() => world.step(post));
    expect(chunkErr.kind).toBe('retryable');
    expect(post.upload!.bytesAcked).toBe(MIB5);
    await world.run(post);
    const [published] = world.emulator.published();
    expect(world.emulator.uploadTask(published!.publishId)!.ranges.map((r) => r.first)).toEqual([0, MIB5]);
  });

  it('a processing failure is invalid with a clear message naming the reason', async () => {
    world = await tiktokWorld();
    world.emulator.failNextProcessing('frame_rate_check_failed');
    const post = world.post(await world.clip(100_000));
    const err = await publishError(() => world.run(post));
    expect(err.kind).toBe('invalid');
    expect(err.code).toBe('TIKTOK_FAILED_FRAME_RATE_CHECK_FAILED');
    expect(err.message).toMatch(/frame rate is outside 23–60 fps/);
    expect(world.emulator.published()).toHaveLength(0);
  });

  it("TikTok's internal processing failure is retryable and the retry makes a fresh init", async () => {
    world = await tiktokWorld();
    world.emulator.failNextProcessing('internal');
    const post = world.post(await world.clip(100_000));
    const err = await publishError(() => world.run(post));
    expect(err.kind).toBe('retryable');
    expect(post.remote.publishId).toBeNull();
    await world.run(post);
    expect(world.emulator.state.publishes.size).toBe(2);
    expect(world.emulator.published()).toHaveLength(1);
  });

  it('unknown fail reasons are surfaced as-is, not retried; auth_removed needs reauth', async () => {
    world = await tiktokWorld();
    const media = await world.clip(1000);
    world.emulator.failNextProcessing('some_new_reason');
    const a = await publishError(() => world.run(world.post(media)));
    expect(a.kind).toBe('invalid');
    expect(a.message).toContain('some_new_reason');
    world.emulator.failNextProcessing('auth_removed');
    expect((await publishError(() => world.run(world.post(media)))).kind).toBe('needs_reauth');
  });

  it('the daily post cap → quota with deferUntil (creator_info answers it with HTTP 200, init with 403)', async () => {
    world = await tiktokWorld({ dailyPostCap: 1, processingMs: 0 });
    const media = await world.clip(50_000);
    const first = world.post(media, { privacy_level: 'SELF_ONLY' }, 'capped');
    await world.run(first);
    const second = world.post(media, { privacy_level: 'SELF_ONLY' }, 'capped');
    const err = await publishError(() => world.step(second));
    expect(err.kind).toBe('quota');
    expect(err.code).toBe('TIKTOK_DAILY_POST_CAP');
    expect(err.status).toBe(200);
    expect(err.deferUntil).toBe(world.clock.now() + 86_400_000);
    // A post that passed creator_info before the cap filled meets it at init (403).
    world.emulator.settings.dailyPostCap = 2;
    const third = world.post(media, { privacy_level: 'SELF_ONLY' }, 'capped');
    await world.step(third);
    await world.run(world.post(media, { privacy_level: 'SELF_ONLY' }, 'capped'));
    const atInit = await publishError(() => world.step(third));
    expect(atInit.kind).toBe('quota');
    expect(atInit.status).toBe(403);
    expect(atInit.deferUntil).toBe(world.clock.now() + 86_400_000);
  });

  it('an unaudited client may post SELF_ONLY only: the emulator refuses others, the adapter explains', async () => {
    world = await tiktokWorld({ audited: false });
    const media = await world.clip(50_000);
    await world.run(world.post(media, { privacy_level: 'SELF_ONLY' }));
    expect(world.emulator.published()[0]!.privacyLevel).toBe('SELF_ONLY');
    // Adapter configured as audited (wrongly): TikTok's 403 is classified with the audit explanation.
    const err = await publishError(() => world.run(world.post(media, { privacy_level: 'PUBLIC_TO_EVERYONE' })));
    expect(err.kind).toBe('invalid');
    expect(err.status).toBe(403);
    expect(err.code).toBe('TIKTOK_UNAUDITED_CLIENT');
    expect(err.message).toMatch(/audit/);
    expect(world.emulator.published()).toHaveLength(1);
  });

  it('an adapter configured as unaudited refuses non-SELF_ONLY before any init', async () => {
    world = await tiktokWorld({}, { audited: false });
    const media = await world.clip(1000);
    const err = await publishError(() => world.step(world.post(media, { privacy_level: 'MUTUAL_FOLLOW_FRIENDS' })));
    expect(err.code).toBe('TIKTOK_UNAUDITED_CLIENT');
    expect(world.emulator.requestCount(INIT)).toBe(0);
  });

  it('the unaudited app: a 6th distinct creator in 24 h is refused', async () => {
    world = await tiktokWorld({ audited: false, processingMs: 0 });
    const media = await world.clip(1000);
    for (let i = 0; i < 5; i++) await world.run(world.post(media));
    const err = await publishError(() => world.run(world.post(media)));
    expect(err.kind).toBe('quota');
    expect(err.code).toBe('TIKTOK_ACTIVE_USER_CAP');
  });

  it("privacy must be one the creator offers; the message names them", async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(1000), { privacy_level: 'PUBLIC_TO_EVERYONE' }, 'private_one', { privateAccount: true });
    const err = await publishError(() => world.step(post));
    expect(err.kind).toBe('invalid');
    expect(err.message).toContain('FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY');
  });

  it('duration over max_video_post_duration_sec is refused before upload', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(1000, 200), { privacy_level: 'SELF_ONLY' }, 'short_limit', { maxVideoPostDurationSec: 180 });
    const err = await publishError(() => world.step(post));
    expect(err.code).toBe('TIKTOK_DURATION_TOO_LONG');
    expect(err.message).toMatch(/200 s .* 180 s/);
  });

  it("interactions the creator disabled are forced off; the cover comes from coverTimestampSec", async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(1000), { privacy_level: 'SELF_ONLY', disable_duet: false }, 'strict', { commentDisabled: true, stitchDisabled: true });
    await world.step(post);
    expect(post.remote.postInfo).toMatchObject({ disable_comment: true, disable_stitch: true, disable_duet: false, video_cover_timestamp_ms: 1500, brand_content_toggle: false, is_aigc: false });
  });

  it('validates options, naming the option and the allowed values', async () => {
    world = await tiktokWorld();
    const media = await world.clip(1000);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ privacy_level: 'EVERYONE' }, /privacy_level must be one of PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, SELF_ONLY/],
      [{ privacy_level: 'SELF_ONLY', disable_duet: 'yes' }, /disable_duet must be true or false/],
      [{ privacy_level: 'SELF_ONLY', mode: 'draft' }, /mode must be 'direct' or 'inbox'/],
      [{ privacy_level: 'SELF_ONLY', video_cover_timestamp_ms: -1 }, /video_cover_timestamp_ms/],
      [{ privacy_level: 'SELF_ONLY', brand_content_toggle: true }, /branded content cannot be private/],
      [{ privacy_level: 'SELF_ONLY', colour: 'red' }, /"colour" is unknown; allowed: privacy_level/],
    ];
    for (const [options, message] of cases) {
      const err = await publishError(() => world.step(world.post(media, options)));
      expect(err.kind).toBe('invalid');
      expect(err.message).toMatch(message);
    }
  });

  it('an expired token → needs_reauth; revoked → needs_reauth; no token in any message', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(1000));
    world.emulator.expireAllTokens();
    const err = await publishError(() => world.step(post));
    expect(err.kind).toBe('needs_reauth');
    expect(err.code).toBe('TIKTOK_ACCESS_TOKEN_INVALID');
    expect(err.status).toBe(401);
    const refreshErr = await publishError(() => world.adapter.refreshCredentials(post.account, Number.POSITIVE_INFINITY));
    expect(refreshErr.kind).toBe('needs_reauth');
    const other = world.post(await world.clip(1000));
    world.emulator.revokeToken(String(other.account.credentials.accessToken));
    const revoked = await publishError(() => world.step(other));
    expect(revoked.kind).toBe('needs_reauth');
    for (const e of [err, refreshErr, revoked]) {
      expect(JSON.stringify(e.toJSON()) + e.message).not.toContain(String(post.account.credentials.accessToken));
      expect(e.message).not.toContain(String(post.account.credentials.refreshToken));
      expect(e.message).not.toContain(world.config.clientSecret);
    }
  });

  it('a missing scope → needs_reauth before any call', async () => {
    world = await tiktokWorld();
    const post = world.post(await world.clip(1000));
    post.account = { ...post.account, credentials: { ...post.account.credentials, scope: 'user.info.basic,video.upload' } };
    const err = await publishError(() => world.step(post));
    expect(err.kind).toBe('needs_reauth');
    expect(err.message).toContain('video.publish');
  });

  it('PULL_FROM_URL outside the verified prefixes → invalid url_ownership_unverified', async () => {
    world = await tiktokWorld({ verifiedUrlPrefixes: ['https://media.example.com/clips/'] }, { pullFromUrl: true });
    const media = await world.clip(1000);
    const post = world.post({ ...media, publicUrl: 'https://cdn.elsewhere.example/clip.mp4' });
    await world.step(post);
    const err = await publishError(() => world.step(post));
    expect(err.code).toBe('TIKTOK_URL_UNVERIFIED');
    expect(err.status).toBe(403);
  });
});
