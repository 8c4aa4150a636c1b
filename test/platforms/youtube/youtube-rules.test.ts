import { describe, expect, it } from 'vitest';
import type { MediaInfo } from '../../../src/core/ports/platform-adapter.js';
import { PublishError } from '../../../src/core/publish-error.js';
import { classifyOAuthError, classifyYouTubeError } from '../../../src/platforms/youtube/youtube-errors.js';
import { planYouTubeUpload, whyNotAShort, youtubeTagLength } from '../../../src/platforms/youtube/youtube-metadata.js';
import { nextYouTubeQuotaReset, youtubeCallCost, youtubePostQuota, youtubeQuotaDay, youtubeQuotaModelAt, youtubeUploadsPerDay } from '../../../src/platforms/youtube/youtube-quota.js';
import { contentOf } from './youtube-fixtures.js';

const media: MediaInfo = { path: '/x.mp4', size: 10, sha256: 'a', durationSec: 30, width: 1080, height: 1920 };

function invalidOf(fn: () => unknown): PublishError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PublishError) return error;
    throw error;
  }
  throw new Error('expected a PublishError');
}

describe('youtube metadata plan', () => {
  it('builds snippet and status with the documented defaults', () => {
    const plan = planYouTubeUpload(contentOf(), media, {}, '22');
    expect(plan.resource).toEqual({
      snippet: { title: 'Why the bridge sang #Shorts', description: 'Why the bridge sang\n\n#engineering #Shorts', categoryId: '22', tags: ['engineering', 'talk clip'] },
      status: { privacyStatus: 'public', selfDeclaredMadeForKids: false, containsSyntheticMedia: false },
    });
    expect(plan.notifySubscribers).toBe(false);
    expect(plan.notShort).toBeUndefined();
  });

  it('requires selfDeclaredMadeForKids from the options or the account default', () => {
    const content = { ...contentOf(), options: {} };
    const error = invalidOf(() => planYouTubeUpload(content, media, {}, '22'));
    expect([error.kind, error.platformCode]).toEqual(['invalid', 'selfDeclaredMadeForKids']);
    expect(error.message).toMatch(/selfDeclaredMadeForKids is required/);
    expect(planYouTubeUpload(content, media, { selfDeclaredMadeForKids: true }, '22').resource.status['selfDeclaredMadeForKids']).toBe(true);
  });

  it('enforces publishAt only with private, and names bad option values', () => {
    expect(invalidOf(() => planYouTubeUpload(contentOf({ publishAt: '2026-12-01T17:00:00Z' }), media, {}, '22')).message).toMatch(/requires privacyStatus "private"/);
    const ok = planYouTubeUpload(contentOf({ publishAt: '2026-12-01T17:00:00Z', privacyStatus: 'private' }), media, {}, '22');
    expect(ok.resource.status['publishAt']).toBe('2026-12-01T17:00:00.000Z');
    expect(invalidOf(() => planYouTubeUpload(contentOf({ privacyStatus: 'friends' }), media, {}, '22')).message).toMatch(/public, unlisted, private/);
    expect(invalidOf(() => planYouTubeUpload(contentOf({ categoryId: 42 }), media, {}, '22')).platformCode).toBe('categoryId');
    expect(invalidOf(() => planYouTubeUpload(contentOf({ notifySubscribers: 'yes' }), media, {}, '22')).platformCode).toBe('notifySubscribers');
  });

  it('checks title, description bytes and the tag rule; strips < and >', () => {
    expect(youtubeTagLength(['Foo-Baz'])).toBe(7);
    expect(youtubeTagLength(['Foo Baz'])).toBe(9);
    expect(youtubeTagLength(['a', 'b c'])).toBe(1 + 1 + 5);
    expect(invalidOf(() => planYouTubeUpload(contentOf({}, { title: 'x'.repeat(101) }), media, {}, '22')).platformCode).toBe('title');
    expect(invalidOf(() => planYouTubeUpload(contentOf({}, { caption: 'é'.repeat(2501) }), media, {}, '22')).platformCode).toBe('caption');
    expect(invalidOf(() => planYouTubeUpload(contentOf({}, { tags: Array.from({ length: 60 }, () => 'ten chars') }), media, {}, '22')).platformCode).toBe('tags');
    const derived = planYouTubeUpload(contentOf({}, { title: undefined, caption: `<b>${'y'.repeat(150)}</b>` }), media, {}, '22');
    expect(derived.resource.snippet['title']).toBe(`b${'y'.repeat(99)}`);
    expect(derived.resource.snippet['description']).not.toMatch(/[<>]/);
  });

  it('says when a clip will not be a Short and why', () => {
    expect(whyNotAShort({ width: 1080, height: 1080, durationSec: 180 })).toBeUndefined();
    expect(whyNotAShort({ width: 1920, height: 1080, durationSec: 30 })).toMatch(/wider than tall \(1920×1080\)/);
    expect(whyNotAShort({ width: 1080, height: 1920, durationSec: 181 })).toMatch(/longer than 3 minutes/);
  });
});

describe('youtube quota calculator', () => {
  it('prices calls under the three models', () => {
    expect(youtubeCallCost('videos.insert', 'buckets2026')).toEqual({ bucket: 'inserts', amount: 1 });
    expect(youtubeCallCost('videos.insert', 'units100')).toEqual({ bucket: 'units', amount: 100 });
    expect(youtubeCallCost('videos.insert', 'legacy1600')).toEqual({ bucket: 'units', amount: 1600 });
    expect(youtubeCallCost('thumbnails.set', 'buckets2026')).toEqual({ bucket: 'units', amount: 50 });
    expect(youtubePostQuota({ thumbnail: true, playlist: true, polls: 4 }, 'buckets2026')).toEqual({ inserts: 1, units: 104 });
    expect(youtubeUploadsPerDay('legacy1600')).toBe(6);
    expect(youtubeUploadsPerDay('buckets2026')).toBe(100);
  });

  it('picks the model by date', () => {
    expect(youtubeQuotaModelAt(Date.UTC(2025, 10, 1))).toBe('legacy1600');
    expect(youtubeQuotaModelAt(Date.UTC(2026, 0, 15))).toBe('units100');
    expect(youtubeQuotaModelAt(Date.UTC(2026, 5, 1, 7, 0))).toBe('buckets2026');
  });

  it('resets at midnight America/Los_Angeles across both DST transitions', () => {
    expect(new Date(nextYouTubeQuotaReset(Date.UTC(2026, 6, 1, 12))).toISOString()).toBe('2026-07-02T07:00:00.000Z');
    expect(new Date(nextYouTubeQuotaReset(Date.UTC(2026, 0, 10, 12))).toISOString()).toBe('2026-01-11T08:00:00.000Z');
    // 8 Mar 2026 (spring forward): the day is 23 h long
    expect(new Date(nextYouTubeQuotaReset(Date.UTC(2026, 2, 8, 9))).toISOString()).toBe('2026-03-09T07:00:00.000Z');
    // 1 Nov 2026 (fall back): 25 h long
    expect(new Date(nextYouTubeQuotaReset(Date.UTC(2026, 10, 1, 8))).toISOString()).toBe('2026-11-02T08:00:00.000Z');
    expect(youtubeQuotaDay(Date.UTC(2026, 0, 2, 7, 59))).toBe('2026-01-01');
  });
});

describe('youtube error classification', () => {
  const envelope = (code: number, reason: string, domain = 'global') => JSON.stringify({ error: { code, message: 'm', errors: [{ reason, domain, message: 'm' }] } });
  const now = Date.UTC(2026, 6, 1, 12);
  it('maps status + reason to kinds', () => {
    const c = (status: number, reason: string, domain?: string) => classifyYouTubeError(status, envelope(status, reason, domain), { what: 'x', now });
    expect(c(403, 'quotaExceeded', 'youtube.quota')).toMatchObject({ kind: 'quota', deferUntil: Date.UTC(2026, 6, 2, 7) });
    expect(c(400, 'uploadLimitExceeded', 'youtube.video')).toMatchObject({ kind: 'quota', deferUntil: now + 86_400_000 });
    expect(c(401, 'authError').kind).toBe('needs_reauth');
    expect(c(403, 'insufficientPermissions').kind).toBe('needs_reauth');
    expect(c(403, 'rateLimitExceeded', 'usageLimits')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(c(503, 'backendError').kind).toBe('retryable');
    expect(c(400, 'invalidTitle')).toMatchObject({ kind: 'invalid', code: 'YOUTUBE_REJECTED_INVALID_TITLE' });
    expect(classifyYouTubeError(429, '', { what: 'x', now, retryAfter: '7' })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
  });

  it('invalid_grant → needs_reauth; the raw body never shows in the message', () => {
    const error = classifyOAuthError(400, JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }), 'refresh');
    expect([error.kind, error.code]).toEqual(['needs_reauth', 'YOUTUBE_INVALID_GRANT']);
    expect(Object.keys(error)).not.toContain('raw');
    expect(JSON.stringify(error)).not.toContain('error_description');
  });
});
