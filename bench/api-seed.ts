import type { App } from '../src/app/open-app.js';
import type { AccountRecord, NewCampaign } from '../src/core/ports/store.js';
import { accountFixture } from '../test/helpers/store-data.js';

/**
 * Seeds `count` posts (half TikTok, half YouTube, one campaign) into the app's store, the way a
 * campaign of `count / 2` clips on two accounts would be planned.
 *
 * @example
 * ```ts
 * await seedPosts(app, 10_000);
 * ```
 */
export async function seedPosts(app: App, count: number): Promise<void> {
  const now = app.clock.now();
  const accounts: AccountRecord[] = (['tiktok', 'youtube'] as const).map((platform) =>
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
    campaign: { id: campaignId, name: 'bench', sourceDir: '/bench', clipsFileSha256: 'bench', fingerprint: app.newId('fp'), startAt: now, intervalText: '4h', timezone: 'UTC', orderBy: 'file', windowText: null, backend: 'direct' },
    clips,
    posts: clips.flatMap((clip, i) =>
      accounts.map((a) => ({
        id: app.newId('post'),
        campaignId,
        clipRowId: clip.id,
        clipId: clip.clipId,
        accountId: a.id,
        platform: a.platform,
        scheduledAt: now + i * 4 * 3_600_000,
        timezone: 'UTC',
        content: { caption: clip.copy, options: { privacy_level: 'SELF_ONLY' } },
      })),
    ).slice(0, count),
  };
  await app.store.createCampaign(input, now);
}
