import type { AccountRecord, NewCampaign } from '../../src/core/ports/store.js';
import type { PlatformId } from '../../src/core/platform-id.js';
import { newId } from '../../src/store/ids.js';

/** An account row with placeholder encrypted credentials. */
export function accountFixture(platform: PlatformId, handle: string, now: number, extra: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: newId('acct', now),
    platform,
    handle,
    externalId: null,
    displayName: null,
    isMain: true,
    active: true,
    status: 'ok',
    tokenExpiresAt: null,
    credentialsEnc: 'v1.placeholder',
    keyVersion: 1,
    sandbox: true,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

/** A campaign of `clips` clips on the given accounts, `intervalMs` apart from `start`. */
export function campaignFixture(accounts: AccountRecord[], clips: number, start: number, intervalMs = 60_000, fingerprint = newId('fp')): NewCampaign {
  const campaignId = newId('camp', start);
  const clipRows = Array.from({ length: clips }, (_, i) => ({
    id: newId('clip', start),
    campaignId,
    clipId: i + 1,
    mediaSha256: `${i}`.padStart(64, '0'),
    mediaPath: `/media/${i}.mp4`,
    size: 1000 + i,
    probe: { durationSec: 3 },
    copy: `Clip ${i + 1} #test`,
    metadata: {},
  }));
  return {
    campaign: { id: campaignId, name: 'test campaign', sourceDir: '/src', clipsFileSha256: 'abc', fingerprint, startAt: start, intervalText: '1m', timezone: 'UTC', orderBy: 'file', windowText: null, backend: 'direct' },
    clips: clipRows,
    posts: clipRows.flatMap((clip, i) =>
      accounts.map((a) => ({
        id: newId('post', start),
        campaignId,
        clipRowId: clip.id,
        clipId: clip.clipId,
        accountId: a.id,
        platform: a.platform,
        scheduledAt: start + i * intervalMs,
        timezone: 'UTC',
        content: { caption: clip.copy, options: {} },
      })),
    ),
  };
}
