import type { App } from '../src/app/open-app.js';
import type { PlatformId } from '../src/core/platform-id.js';
import type { AccountRecord, NewCampaign } from '../src/core/ports/store.js';
import { accountFixture } from '../test/helpers/store-data.js';

/**
 * Seeds `count` posts into the app's store as one campaign on one account per platform (default TikTok
 * and YouTube), the way a campaign of `count / platforms` clips would be planned: one clip every
 * `spacingMs` (default 4 h) from `start` (default now).
 *
 * @example
 * ```ts
 * await seedPosts(app, 10_000);
 * await seedPosts(app, 10_000, { platforms: ['tiktok', 'instagram', 'youtube'], start, spacingMs: 260_000 });
 * ```
 */
export async function seedPosts(app: App, count: number, options: { platforms?: readonly PlatformId[]; start?: number; spacingMs?: number } = {}): Promise<void> {
  const now = app.clock.now();
  const start = options.start ?? now;
  const spacingMs = options.spacingMs ?? 4 * 3_600_000;
  const accounts: AccountRecord[] = (options.platforms ?? ['tiktok', 'youtube']).map((platform) =>
    accountFixture(platform, `@bench_${platform}`, now, { credentialsEnc: app.secrets.encrypt('{}', 'bench'), keyVersion: app.secrets.currentVersion }),
  );
  for (const a of accounts) await app.store.insertAccount(a);
  const campaignId = app.newId('camp');
  const clips = Array.from({ length: Math.ceil(count / accounts.length) }, (_, i) => ({
    id: app.newId('clip'),
    campaignId,
    clipId: i + 1,
    mediaSha256: `${i}`.padStart(64, '0'),
    mediaPath: `/media/${i}.mp4`,
    size: 5_000_000 + i,
    probe: { durationSec: 30, width: 1080, height: 1920 },
    copy: `Clip ${i + 1}: the moment everyone talks about #clips #shorts #viral`,
    metadata: { viral_score: i % 100 },
  }));
  const input: NewCampaign = {
    campaign: { id: campaignId, name: 'bench', sourceDir: '/bench', clipsFileSha256: 'bench', fingerprint: app.newId('fp'), startAt: start, intervalText: `${Math.round(spacingMs / 60_000)}m`, timezone: 'UTC', orderBy: 'file', windowText: null, backend: 'direct' },
    clips,
    posts: clips.flatMap((clip, i) =>
      accounts.map((a) => ({
        id: app.newId('post'),
        campaignId,
        clipRowId: clip.id,
        clipId: clip.clipId,
        accountId: a.id,
        platform: a.platform,
        scheduledAt: start + i * spacingMs,
        timezone: 'UTC',
        content: { caption: clip.copy, options: { privacy_level: 'SELF_ONLY' } },
      })),
    ).slice(0, count),
  };
  await app.store.createCampaign(input, now);
}
