import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../src/core/clock.js';
import type { MediaInfo } from '../../../src/core/ports/platform-adapter.js';
import { PublishError } from '../../../src/core/publish-error.js';
import { createTikTokAdapter, type TikTokAdapter } from '../../../src/platforms/tiktok/tiktok-adapter.js';
import { sandboxTikTokConfig, type TikTokConfig } from '../../../src/platforms/tiktok/tiktok-config.js';
import { createTikTokEmulator, type TikTokEmulator, type TikTokEmulatorOptions } from '../../../src/sandbox/tiktok/tiktok-emulator.js';
import { MemoryPost } from '../../helpers/memory-context.js';

/** 5 MiB, the smallest multi-chunk chunk size. */
export const MIB5 = 5 * 1024 * 1024;

/** One test's world: a fake clock, a TikTok emulator, an adapter aimed at it, and clip files. */
export interface TikTokWorld {
  clock: FakeClock;
  emulator: TikTokEmulator;
  config: Readonly<TikTokConfig>;
  adapter: TikTokAdapter;
  dir: string;
  /** A file of `bytes` random bytes, with its media info. */
  clip(bytes: number, durationSec?: number): Promise<MediaInfo>;
  /** A post for a fresh sandbox account (or the given handle). */
  post(media: MediaInfo, options?: Record<string, unknown>, handle?: string, fixture?: Parameters<TikTokEmulator['createSandboxAccount']>[1]): MemoryPost;
  /** Runs one step and moves the post to the state it names (no clock change). */
  step(post: MemoryPost): Promise<Awaited<ReturnType<TikTokAdapter['step']>>>;
  /** Runs steps until published, advancing the clock by each delay. */
  run(post: MemoryPost): ReturnType<MemoryPost['runToEnd']>;
  close(): Promise<void>;
}

/**
 * Builds a world. Chunking is scaled down (chunks of 5 MiB, single chunk up to 6 MiB) so multi-chunk
 * uploads need only ~16 MiB files; the emulator's rules are the real ones.
 */
export async function tiktokWorld(options: TikTokEmulatorOptions = {}, configOverrides: Partial<TikTokConfig> = {}): Promise<TikTokWorld> {
  const clock = new FakeClock(Date.UTC(2026, 10, 20, 9, 0, 0));
  const emulator = await createTikTokEmulator({ clock, processingMs: 10_000, ...options });
  const config = sandboxTikTokConfig(emulator.url, { clientKey: emulator.settings.clientKey, clientSecret: emulator.settings.clientSecret, chunkSize: MIB5, singleChunkMaxBytes: 6 * 1024 * 1024, ...configOverrides });
  const adapter = createTikTokAdapter({ config, clock });
  const dir = await mkdtemp(join(tmpdir(), 'clipcast-tiktok-'));
  let n = 0;
  return {
    clock,
    emulator,
    config,
    adapter,
    dir,
    async clip(bytes, durationSec = 30) {
      const data = randomBytes(bytes);
      const path = join(dir, `clip-${++n}.mp4`);
      await writeFile(path, data);
      return { path, size: bytes, sha256: createHash('sha256').update(data).digest('hex'), durationSec, width: 1080, height: 1920 };
    },
    post(media, options = { privacy_level: 'SELF_ONLY' }, handle, fixture) {
      const account = emulator.createSandboxAccount(handle ?? `creator_${++n}`, fixture);
      return new MemoryPost(
        { id: `acct_${account.handle}`, platform: 'tiktok', handle: account.handle, externalId: account.externalId, credentials: account.credentials },
        media,
        { caption: 'Three tips for better sleep #health @someone', coverTimestampSec: 1.5, options },
        clock,
      );
    },
    async step(post) {
      const result = await adapter.step(post.context());
      if (result.status === 'continue') post.state = result.next;
      else post.state = 'published';
      return result;
    },
    run(post) {
      return post.runToEnd(adapter, { advance: (ms) => clock.advance(ms) });
    },
    async close() {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` and returns the PublishError it throws (fails the test when it does not). */
export async function publishError(fn: () => Promise<unknown>): Promise<PublishError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof PublishError) return error;
    throw error;
  }
  throw new Error('expected a PublishError, nothing was thrown');
}

/** Copies a post's durable state into a brand-new MemoryPost, as a restarted worker would load it. */
export function restart(post: MemoryPost): MemoryPost {
  const next = new MemoryPost(post.account, post.media, post.content, post.clock, post.scheduledAt, post.postId);
  next.state = post.state;
  next.remote = structuredClone(post.remote);
  next.upload = post.upload ? { ...post.upload } : null;
  next.events = [...post.events];
  return next;
}
