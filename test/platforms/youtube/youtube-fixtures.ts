import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../src/core/clock.js';
import type { AdapterAccount, Credentials, MediaInfo, PostContent } from '../../../src/core/ports/platform-adapter.js';
import { MemoryPost } from '../../helpers/memory-context.js';

const made: string[] = [];
// Every temp dir made here goes when the test file is done (registered once per file's module).
afterAll(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A temp dir, removed when the test file is done. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'clipcast-yt-'));
  made.push(dir);
  return dir;
}

/** Writes `size` random bytes as an .mp4 and returns its MediaInfo (vertical, 30 s by default). */
export async function makeClip(dir: string, size: number, shape: Partial<MediaInfo> = {}): Promise<MediaInfo> {
  const bytes = randomBytes(size);
  const path = join(dir, `clip-${randomBytes(4).toString('hex')}.mp4`);
  await writeFile(path, bytes);
  return { path, size, sha256: createHash('sha256').update(bytes).digest('hex'), durationSec: 30, width: 1080, height: 1920, ...shape };
}

/** An adapter account from sandbox credentials. */
export function accountOf(sandbox: { handle: string; externalId: string; credentials: Credentials }): AdapterAccount {
  return { id: 'acc_yt', platform: 'youtube', handle: sandbox.handle, externalId: sandbox.externalId, credentials: sandbox.credentials };
}

/** A post's content with the required YouTube option set. */
export function contentOf(options: Record<string, unknown> = {}, extra: Partial<PostContent> = {}): PostContent {
  return { caption: 'Why the bridge sang\n\n#engineering #Shorts', title: 'Why the bridge sang #Shorts', tags: ['engineering', 'talk clip'], options: { selfDeclaredMadeForKids: false, ...options }, ...extra };
}

/** A MemoryPost in `uploading`. */
export function postOf(account: AdapterAccount, media: MediaInfo, content: PostContent, clock: Clock): MemoryPost {
  const post = new MemoryPost(account, media, content, clock);
  post.state = 'uploading';
  return post;
}

/** Runs one step expecting a throw; returns the error. */
export async function stepError(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the step to throw');
}
