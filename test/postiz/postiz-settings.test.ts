import { describe, expect, it } from 'vitest';
import { postizConfig } from '../../src/postiz/postiz-config.js';
import { classifyPostizResponse, postizErrorMessage } from '../../src/postiz/postiz-errors.js';
import { postizTextLength, toPostizSettings } from '../../src/postiz/postiz-settings.js';
import { contentKey } from '../../src/postiz/postiz-submit.js';

const now = Date.UTC(2025, 11, 1);

describe('toPostizSettings', () => {
  it('fills every required TikTok field with real booleans, mapping our options', () => {
    expect(toPostizSettings('tiktok', { caption: 'c', options: {} })).toEqual({
      privacy_level: 'SELF_ONLY', duet: true, stitch: true, comment: true, autoAddMusic: 'no',
      brand_content_toggle: false, brand_organic_toggle: false, content_posting_method: 'DIRECT_POST', video_made_with_ai: false,
    });
    expect(toPostizSettings('tiktok', {
      caption: 'c', options: { privacyLevel: 'PUBLIC_TO_EVERYONE', allowDuet: false, allowStitch: false, allowComment: false, aiGenerated: true, postingMethod: 'upload' },
    })).toMatchObject({ privacy_level: 'PUBLIC_TO_EVERYONE', duet: false, stitch: false, comment: false, video_made_with_ai: true, content_posting_method: 'UPLOAD' });
  });

  it('names the option and the allowed values when one is wrong', () => {
    expect(() => toPostizSettings('tiktok', { caption: 'c', options: { privacyLevel: 'friends' } })).toThrow(
      'Postiz option "privacyLevel" must be one of PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, SELF_ONLY',
    );
    expect(() => toPostizSettings('tiktok', { caption: 'c', options: { allowDuet: 'false' } })).toThrow('"allowDuet" must be true or false');
    expect(() => toPostizSettings('instagram', { caption: 'c', options: { postType: 'carousel' } })).toThrow('"postType" must be one of reel, story');
    expect(() => toPostizSettings('instagram', { caption: 'c', options: { collaborators: ['a', 'b', 'c', 'd'] } })).toThrow('"collaborators"');
    expect(() => toPostizSettings('youtube', { caption: 'c', options: {} })).toThrow('"title" must be a YouTube title of 2 to 100 characters');
    expect(() => toPostizSettings('youtube', { caption: 'c', title: 'ok title', options: { privacy: 'secret' } })).toThrow('"privacy" must be one of public, private, unlisted');
    expect(() => toPostizSettings('tiktok', { caption: '&'.repeat(401), options: {} })).toThrow('"caption"');
  });

  it('maps Instagram post type, collaborators and trial reels, and YouTube title/privacy/tags', () => {
    expect(toPostizSettings('instagram', { caption: 'c', options: { collaborators: ['@one', 'two'], trialReel: true } })).toEqual({
      post_type: 'post', collaborators: [{ label: 'one' }, { label: 'two' }], is_trial_reel: true, graduation_strategy: 'MANUAL',
    });
    expect(toPostizSettings('instagram', { caption: 'c', options: { postType: 'story' } })).toEqual({ post_type: 'story' });
    expect(toPostizSettings('youtube', { caption: 'd', title: 'My clip', tags: ['a b'], options: { privacy: 'unlisted', madeForKids: true } })).toEqual({
      title: 'My clip', type: 'unlisted', selfDeclaredMadeForKids: 'yes', tags: [{ value: 'a b', label: 'a b' }],
    });
    expect(() => toPostizSettings('youtube', { caption: 'd', title: 'My clip', tags: Array.from({ length: 50 }, () => 'ten chars!'), options: {} })).toThrow('"tags"');
    expect(postizTextLength('a & b <c>')).toBe(19);
    expect(contentKey('<p>a &amp; b</p><p>c &lt;3</p>')).toBe(contentKey('a & b\nc <3'));
  });
});

describe('postiz errors and config', () => {
  it('classifies by status, reads every body shape, and scrubs the key', () => {
    const r429 = classifyPostizResponse(429, '{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}', { 'retry-after': '1800' }, { what: 'POST /posts', creates: true, now });
    expect(r429).toMatchObject({ kind: 'rate_limited', code: 'POSTIZ_RATE_LIMITED', retryAfterMs: 1_800_000 });
    expect(classifyPostizResponse(401, '{"msg":"Invalid API key"}', {}, { what: 'GET /x', creates: false, now })).toMatchObject({ kind: 'needs_reauth', code: 'POSTIZ_UNAUTHORIZED' });
    expect(classifyPostizResponse(401, '', {}, { what: 'GET /x', creates: false, now })).toMatchObject({ kind: 'needs_reauth' });
    expect(classifyPostizResponse(500, '{"statusCode":500,"message":"Internal server error"}', {}, { what: 'POST /posts', creates: true, now }).kind).toBe('unknown_outcome');
    expect(classifyPostizResponse(502, '<html>bad gateway</html>', {}, { what: 'GET /posts', creates: false, now }).kind).toBe('retryable');
    expect(classifyPostizResponse(402, '{"statusCode":402,"message":"limit"}', {}, { what: 'POST /posts', creates: true, now }).kind).toBe('quota');
    expect(classifyPostizResponse(413, 'PayloadTooLargeError', {}, { what: 'POST /posts', creates: true, now }).code).toBe('POSTIZ_PAYLOAD_TOO_LARGE');
    const leaky = classifyPostizResponse(400, '{"msg":"bad key ptz_SECRET"}', {}, { what: 'GET /x', creates: false, now, secrets: ['ptz_SECRET'] });
    expect(leaky.message).not.toContain('ptz_SECRET');
    expect(postizErrorMessage('{"statusCode":400,"message":["a","b"],"error":"Bad Request"}')).toBe('a; b');
    expect(postizErrorMessage('{"statusCode":400,"provider":"tiktok","name":"TT","message":"No video / images selected"}')).toBe('tiktok (TT): No video / images selected');
  });

  it('normalizes server URLs to a base path, with documented defaults', () => {
    expect(postizConfig({ serverUrl: 'http://h:4007/api/', apiKey: 'k' })).toMatchObject({ serverUrl: 'http://h:4007', basePath: '/api/public/v1', postsPerHour: 30, stuckAfterMs: 900_000 });
    expect(postizConfig({ serverUrl: 'https://api.postiz.com/public/v1', apiKey: 'k' })).toMatchObject({ serverUrl: 'https://api.postiz.com', basePath: '/public/v1' });
    expect(postizConfig({ serverUrl: 'http://h:3000', apiKey: 'k' }).basePath).toBe('auto');
    expect(() => postizConfig({ serverUrl: 'http://h', apiKey: 'k', postsPerHour: 0 })).toThrow(RangeError);
  });
});
