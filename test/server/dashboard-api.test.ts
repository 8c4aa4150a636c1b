import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../src/core/ports/store.js';
import { revokeApiKey } from '../../src/server/api-keys.js';
import { postgresAvailable } from '../helpers/postgres.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await f?.close();
  f = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const HOUR = 3_600_000;

async function seeded(
  opts: Parameters<typeof serverFixture>[0] = {},
  backend: Parameters<typeof serverFixture>[1] = {},
) {
  const fx = await serverFixture({ expectWorker: false, ...opts }, backend);
  const now = fx.clock.now();
  const tiktok = accountFixture('tiktok', '@tt', now);
  const youtube = accountFixture('youtube', '@yt', now);
  await fx.app.store.insertAccount(tiktok);
  await fx.app.store.insertAccount(youtube);
  return { f: fx, now, tiktok, youtube };
}

async function campaign(
  fx: ServerFixture,
  accounts: AccountRecord[],
  clips: number,
  start: number,
  intervalMs: number,
  windowText: string | null = null,
) {
  const input = campaignFixture(accounts, clips, start, intervalMs);
  input.campaign.windowText = windowText;
  await fx.app.store.createCampaign(input, fx.clock.now());
  return input;
}

async function signIn(fx: ServerFixture): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await fx.server.inject({ method: 'POST', url: '/session', payload: { key: fx.key } });
  expect(res.statusCode).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  return {
    cookie: setCookie.split(';')[0]!,
    csrf: (res.json() as { csrfToken: string }).csrfToken,
    setCookie,
  };
}

describe('dashboard sign-in', () => {
  it('exchanges a key for an HttpOnly SameSite=Strict cookie; mutations need the CSRF token; sign-out ends it', async () => {
    const s = await seeded();
    f = s.f;
    const input = await campaign(f, [s.tiktok], 2, s.now + HOUR, 60_000);
    const postId = input.posts[0]!.id;

    expect(
      (
        await f.server.inject({
          method: 'POST',
          url: '/session',
          payload: { key: 'cc_00000000_' + 'x'.repeat(43) },
        })
      ).statusCode,
    ).toBe(401);
    const { cookie, csrf, setCookie } = await signIn(f);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    expect(setCookie).not.toContain(f.key);

    expect((await f.server.inject({ url: '/posts', headers: { cookie } })).statusCode).toBe(200);
    const session = (await f.server.inject({ url: '/session', headers: { cookie } })).json() as {
      signedIn: boolean;
      csrfToken: string;
    };
    expect(session).toMatchObject({ signedIn: true, csrfToken: csrf });

    const noToken = await f.server.inject({
      method: 'POST',
      url: `/posts/${postId}/cancel`,
      headers: { cookie },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json()).toMatchObject({ type: expect.stringMatching(/csrf-token-missing$/) });
    const wrongToken = await f.server.inject({
      method: 'POST',
      url: `/posts/${postId}/cancel`,
      headers: { cookie, 'x-csrf-token': csrf.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) },
    });
    expect(wrongToken.statusCode).toBe(403);
    expect((await f.app.store.getPost(postId))?.state).toBe('scheduled');
    const ok = await f.server.inject({
      method: 'POST',
      url: `/posts/${postId}/cancel`,
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(ok.statusCode).toBe(200);
    expect((await f.app.store.getPost(postId))?.state).toBe('cancelled');

    const out = await f.server.inject({
      method: 'DELETE',
      url: '/session',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await f.server.inject({ url: '/posts', headers: { cookie } })).statusCode).toBe(401);
    expect((await f.server.inject({ url: '/session', headers: { cookie } })).json()).toEqual({
      signedIn: false,
    });
  });

  it('ends the sessions of a revoked key, expires idle ones, and marks cookies Secure behind https', async () => {
    const s = await seeded({ publicUrl: 'https://clips.example.com', dashboard: { sessionTtlMs: 60_000 } });
    f = s.f;
    const a = await signIn(f);
    expect(a.setCookie).toMatch(/; Secure/);
    f.clock.advance(59_000);
    expect((await f.server.inject({ url: '/posts', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    f.clock.advance(61_000);
    expect((await f.server.inject({ url: '/posts', headers: { cookie: a.cookie } })).statusCode).toBe(401);

    const b = await signIn(f);
    expect((await f.server.inject({ url: '/posts', headers: { cookie: b.cookie } })).statusCode).toBe(200);
    const keyId = (await f.app.store.db.selectFrom('api_keys').select('id').executeTakeFirstOrThrow()).id;
    await revokeApiKey(f.app, keyId);
    expect((await f.server.inject({ url: '/posts', headers: { cookie: b.cookie } })).statusCode).toBe(401);
  });
});

describe('GET /posts?from=&to=', () => {
  it('returns only the posts planned in [from, to)', async () => {
    const s = await seeded();
    f = s.f;
    await campaign(f, [s.tiktok], 10, s.now + HOUR, HOUR);
    const from = new Date(s.now + 3 * HOUR).toISOString();
    const to = new Date(s.now + 6 * HOUR).toISOString();
    const res = await f.server.inject({
      url: `/posts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      headers: f.auth,
    });
    const times = (res.json() as { posts: { scheduledAt: string }[] }).posts.map((p) => p.scheduledAt);
    expect(times).toEqual([3, 4, 5].map((h) => new Date(s.now + h * HOUR).toISOString()));
    expect((await f.server.inject({ url: '/posts?from=yesterday', headers: f.auth })).statusCode).toBe(400);
  });
});

describe('POST /dashboard/move', () => {
  const move = (fx: ServerFixture, postIds: string[], at: number) =>
    fx.server.inject({
      method: 'POST',
      url: '/dashboard/move',
      headers: fx.auth,
      payload: { postIds, at: new Date(at).toISOString() },
    });

  it('refuses the past and times outside the posting window, in words, and moves nothing', async () => {
    const s = await seeded();
    f = s.f;
    // Clock: 2025-12-01 09:00 UTC. Window 10:00-18:00 UTC.
    const input = await campaign(f, [s.tiktok], 1, s.now + 2 * HOUR, HOUR, '10:00-18:00');
    const id = input.posts[0]!.id;
    const past = await move(f, [id], s.now - HOUR);
    expect(past.statusCode).toBe(422);
    expect(past.json()).toMatchObject({ type: expect.stringMatching(/move-refused$/) });
    expect((past.json() as { detail: string }).detail).toMatch(
      /TikTok post of clip 1 cannot move to .*: that time has passed/,
    );
    const night = await move(f, [id], s.now + 14 * HOUR);
    expect(night.statusCode).toBe(422);
    expect((night.json() as { detail: string }).detail).toMatch(/posts only between 10:00-18:00 \(UTC\)/);
    expect((await f.app.store.getPost(id))?.scheduledAt).toBe(s.now + 2 * HOUR);
    const fine = await move(f, [id], s.now + 26 * HOUR);
    expect(fine.statusCode).toBe(200);
    expect((await f.app.store.getPost(id))?.scheduledAt).toBe(s.now + 26 * HOUR);
  });

  it("refuses a slot over TikTok's 15 posts in 24 hours, and accepts one a day later", async () => {
    const s = await seeded();
    f = s.f;
    await campaign(f, [s.tiktok], 15, s.now + HOUR, 60_000);
    const other = await campaign(f, [s.tiktok], 1, s.now + 72 * HOUR, HOUR);
    const id = other.posts[0]!.id;
    const full = await move(f, [id], s.now + 2 * HOUR);
    expect(full.statusCode).toBe(422);
    expect((full.json() as { detail: string }).detail).toMatch(
      /TikTok allows 15 Direct Post posts per creator in any 24 hours/,
    );
    expect((await move(f, [id], s.now + 26 * HOUR)).statusCode).toBe(200);
  });

  it('moves every platform of a clip together, keeping their offsets', async () => {
    const s = await seeded();
    f = s.f;
    const input = await campaign(f, [s.tiktok, s.youtube], 1, s.now + HOUR, HOUR);
    const ids = input.posts.map((p) => p.id);
    const res = await move(f, ids, s.now + 30 * HOUR);
    expect(res.statusCode).toBe(200);
    for (const id of ids) expect((await f.app.store.getPost(id))?.scheduledAt).toBe(s.now + 30 * HOUR);
    const ledger = await f.app.store.listEvents({ postId: ids[1]! });
    expect(ledger.map((e) => e.type)).toContain('post.rescheduled');
  });
});

describe('dashboard drawer and edits', () => {
  it('shows the text as each platform receives it, edits it before the post starts, and refuses after', async () => {
    const s = await seeded();
    f = s.f;
    const input = await campaign(f, [s.tiktok, s.youtube], 1, s.now + HOUR, HOUR);
    const yt = input.posts.find((p) => p.platform === 'youtube')!.id;
    const tt = input.posts.find((p) => p.platform === 'tiktok')!.id;
    const drawer = async (id: string) =>
      (await f!.server.inject({ url: `/dashboard/posts/${id}`, headers: f!.auth })).json() as {
        sent: { fields: { name: string; value: string }[] };
        account: { handle: string };
        mediaUrl: string | null;
      };
    expect((await drawer(yt)).sent.fields).toEqual([
      { name: 'title', value: 'Clip 1 #test' },
      { name: 'description', value: 'Clip 1 #test' },
    ]);
    expect((await drawer(tt)).account.handle).toBe('@tt');
    expect((await drawer(tt)).mediaUrl).toBeNull();

    const edit = (id: string, body: Record<string, unknown>) =>
      f!.server.inject({
        method: 'PATCH',
        url: `/dashboard/posts/${id}/content`,
        headers: f!.auth,
        payload: body,
      });
    expect((await edit(yt, { title: 'A <better> title', tags: ['one', 'two'] })).statusCode).toBe(200);
    expect((await drawer(yt)).sent.fields).toEqual([
      { name: 'title', value: 'A better title' },
      { name: 'description', value: 'Clip 1 #test' },
      { name: 'tags', value: 'one, two' },
    ]);
    expect((await edit(tt, { title: 'x' })).statusCode).toBe(400);
    await f.app.store.cancelPost(tt, f.clock.now());
    const late = await edit(tt, { caption: 'too late' });
    expect(late.statusCode).toBe(409);
    expect((await f.app.store.getPost(tt))?.content.caption).toBe('Clip 1 #test');
  });

  it('serves the built page at / with a strict CSP, and no file outside the assets folder', async () => {
    const web = mkdtempSync(join(tmpdir(), 'clipcast-webroot-'));
    dirs.push(web);
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>clipcast</title>');
    writeFileSync(join(web, 'assets', 'app-1.js'), 'console.log(1)');
    writeFileSync(join(web, 'secret.txt'), 'no');
    f = await serverFixture({ expectWorker: false, dashboard: { webRoot: web } });
    const page = await f.server.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.body).toContain('<title>clipcast</title>');
    const js = await f.server.inject({ url: '/assets/app-1.js' });
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect((await f.server.inject({ url: '/assets/..%2Fsecret.txt' })).statusCode).toBe(404);
    expect((await f.server.inject({ url: '/assets/../secret.txt' })).statusCode).not.toBe(200);
  });
});

// The pause and resume statements differ per dialect: run them on PostgreSQL too (when it answers; required under CI).
const databases: ('sqlite' | 'postgres')[] = [
  'sqlite',
  ...((await postgresAvailable()) ? ['postgres' as const] : []),
];

describe.each(databases)('pause and resume a campaign on %s', (database) => {
  it('defers its scheduled posts so no worker claims them, then puts them back at their time (or now)', async () => {
    const s = await seeded({}, { database });
    f = s.f;
    const input = await campaign(f, [s.tiktok], 3, s.now + HOUR, HOUR);
    const id = input.campaign.id;
    const post = (i: number) => f!.app.store.getPost(input.posts[i]!.id);
    const paused = await f.server.inject({
      method: 'POST',
      url: `/dashboard/campaigns/${id}/pause`,
      headers: f.auth,
    });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ changedPosts: 3, campaign: { paused: true, pausedPosts: 3 } });
    expect((await post(0))?.state).toBe('deferred');
    expect((await post(0))?.lastError?.message).toBe('campaign paused from the dashboard');

    f.clock.advance(2 * HOUR + 30_000);
    const claimed = await f.app.store.claimDuePosts({
      owner: 'w',
      now: f.clock.now(),
      leaseMs: 60_000,
      limit: 10,
    });
    expect(claimed).toEqual([]);

    const resumed = await f.server.inject({
      method: 'POST',
      url: `/dashboard/campaigns/${id}/resume`,
      headers: f.auth,
    });
    expect(resumed.json()).toMatchObject({ changedPosts: 3, campaign: { paused: false } });
    // The two whose time passed while paused are due now; the third keeps its planned time.
    expect((await post(0))?.nextAttemptAt).toBe(f.clock.now());
    expect((await post(1))?.nextAttemptAt).toBe(f.clock.now());
    expect((await post(2))?.nextAttemptAt).toBe(s.now + 3 * HOUR);
    expect((await post(2))?.state).toBe('scheduled');
    const due = await f.app.store.claimDuePosts({
      owner: 'w',
      now: f.clock.now(),
      leaseMs: 60_000,
      limit: 10,
    });
    expect(due.map((p) => p.id).sort()).toEqual([input.posts[0]!.id, input.posts[1]!.id].sort());
    const ledger = await f.app.store.listEvents({ postId: input.posts[2]!.id });
    expect(ledger.filter((e) => e.type === 'post.transition').map((e) => e.data['to'])).toEqual([
      'deferred',
      'scheduled',
    ]);
  });
});

describe('new campaign from the dashboard', () => {
  it('lists nothing and refuses a preview when no source roots are configured', async () => {
    f = await serverFixture({ expectWorker: false });
    expect((await f.server.inject({ url: '/dashboard/sources', headers: f.auth })).json()).toEqual({
      roots: [],
      folders: [],
    });
    const res = await f.server.inject({
      method: 'POST',
      url: '/dashboard/campaigns/preview',
      headers: f.auth,
      payload: { sourceDir: '/etc', startDate: 'now', interval: '4h', platforms: ['tiktok'] },
    });
    expect(res.statusCode).toBe(403);
    expect((res.json() as { hint: string }).hint).toMatch(/CLIPCAST_SOURCE_ROOTS/);
  });

  it('refuses a folder outside the roots, even through ..', async () => {
    const root = mkdtempSync(join(tmpdir(), 'clipcast-roots-'));
    dirs.push(root);
    mkdirSync(join(root, 'talk', 'copys'), { recursive: true });
    writeFileSync(join(root, 'talk', 'copys', 'clips_copys.json'), '{}');
    f = await serverFixture({ expectWorker: false, dashboard: { sourceRoots: [root] } });
    expect((await f.server.inject({ url: '/dashboard/sources', headers: f.auth })).json()).toEqual({
      roots: [root],
      folders: [join(root, 'talk')],
    });
    const res = await f.server.inject({
      method: 'POST',
      url: '/dashboard/campaigns/preview',
      headers: f.auth,
      payload: { sourceDir: `${root}/../`, startDate: 'now', interval: '4h', platforms: ['tiktok'] },
    });
    expect(res.statusCode).toBe(403);
  });
});
