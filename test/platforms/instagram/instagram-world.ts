import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../src/core/clock.js';
import type { PostContent, StepResult } from '../../../src/core/ports/platform-adapter.js';
import { createMediaHandler } from '../../../src/media/media-handler.js';
import { MediaUrlSigner } from '../../../src/media/signed-url.js';
import { createInstagramAdapter, type InstagramAdapter } from '../../../src/platforms/instagram/instagram-adapter.js';
import { sandboxInstagramConfig, type InstagramConfig } from '../../../src/platforms/instagram/instagram-config.js';
import type { InstagramFlavour } from '../../../src/platforms/instagram/instagram-credentials.js';
import { createInstagramEmulator, type InstagramEmulator } from '../../../src/sandbox/instagram/instagram-emulator.js';
import type { InstagramEmulatorKnobs } from '../../../src/sandbox/instagram/instagram-emulator-knobs.js';
import { MemoryPost } from '../../helpers/memory-context.js';
import { minimalMp4 } from '../../../src/sandbox/instagram/instagram-emulator-mp4.js';

/** An emulator, a clip served by the signed media handler, an adapter and a post, on one fake clock. */
export interface World {
  clock: FakeClock;
  emulator: InstagramEmulator;
  adapter: InstagramAdapter;
  config: InstagramConfig;
  post: MemoryPost;
  file: { path: string; size: number; sha256: string };
  mediaRequests: { range: string | undefined }[];
  newPost(content?: Partial<PostContent>): MemoryPost;
  close(): Promise<void>;
}

/** Builds a {@link World}. The clock starts on 2026-06-01 (v25.0 current, v19.0 retired). */
export async function createWorld(options: { flavour?: InstagramFlavour; knobs?: Partial<InstagramEmulatorKnobs>; config?: Parameters<typeof sandboxInstagramConfig>[1]; bytes?: number; mp4?: { editList?: boolean; mdatFirst?: boolean; durationMs?: number } } = {}): Promise<World> {
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 9));
  const emulator = await createInstagramEmulator({ clock, processingMs: 20_000, knobs: options.knobs });
  const dir = await mkdtemp(join(tmpdir(), 'clipcast-ig-'));
  const data = minimalMp4(randomBytes(options.bytes ?? 300_000), options.mp4?.durationMs ?? 12_000, options.mp4);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const path = join(dir, `${sha256}.mp4`);
  await writeFile(path, data);
  const mediaRequests: { range: string | undefined }[] = [];
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const signer = new MediaUrlSigner({ secret: 's'.repeat(32), publicBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  const handler = createMediaHandler({ signer, clock, resolve: (key) => (key === sha256 ? path : undefined) });
  server.on('request', (req, res) => {
    mediaRequests.push({ range: req.headers.range });
    void handler(req, res);
  });
  const config = sandboxInstagramConfig(emulator.url, options.config);
  const adapter = createInstagramAdapter({ config, clock });
  const account = emulator.createSandboxAccount('acme', { flavour: options.flavour ?? 'facebook' });
  const newPost = (content: Partial<PostContent> = {}) =>
    new MemoryPost(
      { id: 'acct_1', platform: 'instagram', handle: account.handle, externalId: account.externalId, credentials: account.credentials },
      { path, size: data.length, sha256, durationSec: 12, width: 1080, height: 1920, publicUrl: signer.sign(sha256, clock.now() + 86_400_000) },
      { caption: 'Hello #reels', coverTimestampSec: 1.5, options: {}, ...content },
      clock,
    );
  return {
    clock, emulator, adapter, config, post: newPost(), file: { path, size: data.length, sha256 }, mediaRequests, newPost,
    async close() {
      await emulator.close();
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One engine-like step: run, apply the state change, wait for the emulator's background fetches, advance the clock by the delay. */
export async function step(world: World, post: MemoryPost = world.post): Promise<StepResult> {
  const result = await world.adapter.step(post.context());
  if (result.status === 'published') post.state = 'published';
  else {
    post.state = result.next;
    await world.emulator.idle();
    if (result.delayMs) world.clock.advance(result.delayMs);
  }
  await world.emulator.idle();
  return result;
}

/** Steps until published (throws the first PublishError). */
export async function drive(world: World, post: MemoryPost = world.post, maxSteps = 50): Promise<Extract<StepResult, { status: 'published' }>> {
  for (let i = 0; i < maxSteps; i++) {
    const result = await step(world, post);
    if (result.status === 'published') return result;
  }
  throw new Error('not published within maxSteps');
}

/** A Graph error body, for `status` faults. */
export function graphErrorBody(code: number, subcode?: number): unknown {
  return { error: { message: `(#${code}) injected`, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'x' } };
}
