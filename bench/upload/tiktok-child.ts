/**
 * Bench child: publishes one file to the TikTok emulator through the real adapter (creator_info,
 * Direct Post init, every chunk PUT streamed from disk, status/fetch) and reports its wall time and
 * its own peak RSS. Args: emulatorUrl, file, credentials JSON.
 */
import { stat } from 'node:fs/promises';
import { systemClock } from '../../src/core/clock.js';
import { createTikTokAdapter } from '../../src/platforms/tiktok/tiktok-adapter.js';
import { sandboxTikTokConfig } from '../../src/platforms/tiktok/tiktok-config.js';
import { MemoryPost } from '../../test/helpers/memory-context.js';
import { childReport } from '../lib/measure.js';

const [url, file, credentialsJson] = process.argv.slice(2) as [string, string, string];
const size = (await stat(file)).size;
const adapter = createTikTokAdapter({ config: sandboxTikTokConfig(url, { clientKey: 'sbx_clipcast_key', clientSecret: 'sbx_clipcast_secret' }), clock: systemClock });
const post = new MemoryPost(
  { id: 'bench', platform: 'tiktok', handle: 'bench', externalId: null, credentials: JSON.parse(credentialsJson) as Record<string, string | number> },
  { path: file, size, sha256: '', durationSec: 30, width: 1080, height: 1920 },
  { caption: 'bench', options: { privacy_level: 'SELF_ONLY' } },
  systemClock,
);
const started = process.hrtime.bigint();
// The emulator answers instantly (processingMs 0), so no poll delay is waited out.
const result = await post.runToEnd(adapter);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
childReport({ seconds, remoteId: result.remoteId, chunks: Math.floor(size / 10_000_000), checkpoints: post.checkpoints });
