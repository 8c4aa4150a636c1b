import { describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';

describe('clipcast demo (the README\'s main command)', () => {
  it('publishes the example campaign to the sandbox of all three platforms, each post exactly once', async () => {
    const h = await cliHarness();
    try {
      const r = await h.run('--json', 'demo', '--interval', '1');
      expect(r.code).toBe(0);
      const { posts } = r.json<{ posts: { clipId: number; platform: string; state: string; permalink: string | null; publishedCount: number }[] }>();
      expect(posts).toHaveLength(12);
      for (const p of posts) {
        expect(p, `${p.platform} ${p.clipId}`).toMatchObject({ state: 'published', publishedCount: 1 });
        expect(p.permalink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      }
      expect(new Set(posts.map((p) => p.platform))).toEqual(new Set(['tiktok', 'instagram', 'youtube']));
    } finally {
      await h.cleanup();
    }
  }, 120_000);
});
