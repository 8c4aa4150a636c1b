import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { mulberry32 } from '../../src/sandbox/fault-plan.js';
import { currentWindow, maxPerWindow, nextPostAt, postEtas } from '../../src/postiz/postiz-pacer.js';
import { PostizLimiter } from '../../src/sandbox/postiz/postiz-limiter.js';
import { createPostizEmulator, type PostizEmulator } from '../../src/sandbox/postiz/postiz-emulator.js';
import { raw, TIKTOK_SETTINGS } from './postiz-fixtures.js';

const T0 = Date.UTC(2025, 11, 1, 9, 0, 0);
const HOUR = 3_600_000;

describe('postiz pacer', () => {
  it("trusts the server's X-RateLimit window: Remaining 0 waits for its reset, a lower Limit wins", () => {
    const server = { limit: 5, remaining: 1, resetAt: T0 + 20 * 60_000, at: T0 + 1_000 };
    // One left by the server's count (other clients spent the rest), none by our own history.
    expect(nextPostAt({ history: [T0], limit: 30, now: T0 + 2_000, server })).toBe(T0 + 2_000);
    expect(nextPostAt({ history: [T0, T0 + 2_000], limit: 30, now: T0 + 3_000, server })).toBe(T0 + 20 * 60_000 + 5_000);
    expect(nextPostAt({ history: [T0], limit: 30, now: T0 + 2_000, server: { ...server, remaining: 0 } })).toBe(T0 + 20 * 60_000 + 5_000);
    // After the server's reset its old figure no longer applies, but its lower limit does.
    const five = Array.from({ length: 5 }, (_, i) => T0 + HOUR + i);
    expect(nextPostAt({ history: five, limit: 30, now: T0 + HOUR + 10, server: { ...server, remaining: 0 } })).toBe(T0 + 2 * HOUR + 5_000);
  });

  it('lets 30 go in a window, then waits for the window end plus the margin', () => {
    const history = Array.from({ length: 30 }, (_, i) => T0 + i * 1000);
    expect(nextPostAt({ history: history.slice(0, 29), limit: 30, now: T0 + 29_000 })).toBe(T0 + 29_000);
    expect(nextPostAt({ history, limit: 30, now: T0 + 30_000 })).toBe(T0 + HOUR + 5_000);
    expect(currentWindow({ history, limit: 30, now: T0 + 30_000 })).toEqual({ start: T0, count: 30 });
    expect(nextPostAt({ history, limit: 30, now: T0 + 2 * HOUR })).toBe(T0 + 2 * HOUR);
  });

  it('never sends within the margin of a window end, and honours an announced block', () => {
    expect(nextPostAt({ history: [T0], limit: 30, now: T0 + HOUR - 2_000 })).toBe(T0 + HOUR + 5_000);
    expect(nextPostAt({ history: [T0], limit: 30, now: T0 + 10, blockedUntil: T0 + HOUR })).toBe(T0 + HOUR + 5_000);
    // History from before the block end no longer counts (the server resets the counter).
    const before = Array.from({ length: 30 }, (_, i) => T0 + i);
    expect(nextPostAt({ history: before, limit: 30, now: T0 + HOUR + 6_000, blockedUntil: T0 + HOUR })).toBe(T0 + HOUR + 6_000);
  });

  it('gives the ETA of the Nth queued submission', () => {
    const etas = postEtas({ history: [], limit: 30, now: T0 }, 65);
    expect(etas.slice(0, 30).every((t) => t === T0)).toBe(true);
    expect(etas[30]).toBe(T0 + HOUR + 5_000);
    expect(etas[60]).toBe(T0 + 2 * HOUR + 10_000);
    expect(etas).toHaveLength(65);
  });

  it('never exceeds the limit in any server window, whatever the arrival pattern (random, seeded)', () => {
    const random = mulberry32(7);
    for (let run = 0; run < 200; run++) {
      const limit = 1 + Math.floor(random() * 40);
      const history: number[] = [];
      let now = T0;
      for (let i = 0; i < 120; i++) {
        now += Math.floor(random() * 5 * 60_000);
        const at = nextPostAt({ history, limit, now });
        expect(at).toBeGreaterThanOrEqual(now);
        history.push(at);
        now = at;
      }
      expect(maxPerWindow(history)).toBeLessThanOrEqual(limit);
      // Replaying the history against the emulator's limiter never gets a refusal.
      const limiter = new PostizLimiter(limit);
      expect(history.every((t) => limiter.hit('org', t).allowed)).toBe(true);
    }
  });
});

describe('postiz pacer against the emulator (fake clock, real HTTP)', () => {
  let emu: PostizEmulator;
  afterEach(() => emu.close());

  it('30 then blocked without the pacer; with it, the same 60 requests never see a 429', async () => {
    const clock = new FakeClock(T0);
    emu = await createPostizEmulator({ clock });
    const ch = emu.addChannel({ identifier: 'tiktok' });
    const body = JSON.stringify({
      type: 'schedule', date: new Date(T0 + 2 * HOUR).toISOString(), shortLink: false, tags: [],
      posts: [{ integration: { id: ch.id }, value: [{ content: 'x', image: [{ id: 'm', path: 'https://x.test/a.mp4' }] }], settings: TIKTOK_SETTINGS }],
    });
    const post = () => raw(`${emu.url}/public/v1/posts`, { method: 'POST', headers: { authorization: emu.apiKey, 'content-type': 'application/json' }, body });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await post()).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses[30]).toBe(429);

    clock.advance(2 * HOUR); // the block is over
    const history: number[] = [];
    const paced: number[] = [];
    for (let i = 0; i < 60; i++) {
      const at = nextPostAt({ history, limit: 30, now: clock.now() });
      if (at > clock.now()) clock.set(at);
      history.push(clock.now());
      paced.push((await post()).status);
      clock.advance(30_000);
    }
    expect(paced.every((s) => s === 201)).toBe(true);
  });
});
