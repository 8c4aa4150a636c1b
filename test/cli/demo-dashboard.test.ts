import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/app/run-demo.js';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

describe('clipcast demo --dashboard', () => {
  it('prints the dashboard URL and a key, and keeps the dashboard serving the published posts until released', async () => {
    const home = mkdtempSync(join(tmpdir(), 'clipcast-demo-dash-'));
    const lines: string[] = [];
    let seen: { page: number; posts: { state: string }[] } | undefined;
    try {
      const result = await runDemo({
        home,
        intervalSec: 1,
        logger: silent,
        onLine: (l) => lines.push(l),
        dashboard: {
          port: 0,
          hold: async () => {
            const line = lines.find((l) => l.startsWith('Dashboard: '))!;
            const [, url, key] =
              /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/ \(sign in with the API key (cc_\S+);/.exec(line)!;
            const page = await fetch(`${url}/`);
            const signIn = await fetch(`${url}/session`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ key }),
            });
            const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
            const posts = (await (await fetch(`${url}/posts?limit=100`, { headers: { cookie } })).json()) as {
              posts: { state: string }[];
            };
            seen = { page: page.status, posts: posts.posts };
          },
        },
      });
      expect(result.posts.every((p) => p.state === 'published')).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    expect(lines.some((l) => l.includes('keep running'))).toBe(true);
    expect(seen?.page).toBe(200);
    expect(seen?.posts).toHaveLength(12);
    expect(seen?.posts.every((p) => p.state === 'published')).toBe(true);
  }, 120_000);
});
