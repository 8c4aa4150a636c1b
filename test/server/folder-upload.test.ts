import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openApp, type App } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { FakeClock } from '../../src/core/clock.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { startServer } from '../../src/server/build-server.js';
import { FolderUploads, type UploadLimits } from '../../src/server/folder-uploads.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';

/** The example CLIPER folder as the browser sends it: relative names, the top folder left out. */
const FOLDER = ['1.mp4', '2.mp4', 'viral/3.mp4', '4.mp4', 'copys/clips_copys.json'];
const PLAN = { startDate: '2026-12-01 09:00', interval: '4h', platforms: ['tiktok'], timezone: 'UTC' };

interface Fixture {
  app: App;
  server: FastifyInstance;
  url: string;
  key: string;
  uploads: FolderUploads;
  close(): Promise<void>;
}
let f: Fixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

/** A listening server over real SQLite in a temp home, one API key and one TikTok account. */
async function start(limits: Partial<UploadLimits> = {}): Promise<Fixture> {
  const home = mkdtempSync(join(tmpdir(), 'clipcast-upload-'));
  const clock = new FakeClock(Date.UTC(2025, 11, 1, 9, 0, 0));
  const app = await openApp(loadConfig({}, { home }), { clock });
  const { key } = await createApiKey(app, 'upload-test');
  await app.accounts.add({ platform: 'tiktok', handle: '@maker', credentials: { client_key: 'ck', client_secret: 'cs', access_token: 'at' } });
  const uploads = new FolderUploads(join(app.media.root, 'uploads'), clock, limits);
  const { server, url } = await startServer({ app, expectWorker: false, dashboard: { uploads } });
  return {
    app,
    server,
    url,
    key,
    uploads,
    async close() {
      await server.close();
      await app.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function form(files: Record<string, Buffer | string>, folder?: string): FormData {
  const body = new FormData();
  if (folder) body.append('folder', folder);
  for (const [name, content] of Object.entries(files)) body.append('files', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
  return body;
}

function exampleFiles(names = FOLDER): Record<string, Buffer> {
  return Object.fromEntries(names.map((n) => [n, readFileSync(join(EXAMPLE_CAMPAIGN, n))]));
}

async function send(fx: Fixture, method: string, path: string, body?: FormData | object, headers: Record<string, string> = { authorization: `Bearer ${fx.key}` }) {
  const isForm = body instanceof FormData;
  const res = await fetch(`${fx.url}${path}`, {
    method,
    headers: { ...headers, ...(body && !isForm ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: isForm ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

function leftovers(fx: Fixture): string[] {
  return existsSync(fx.uploads.root) ? readdirSync(fx.uploads.root) : [];
}

describe('POST /dashboard/uploads', () => {
  it('streams a folder in from a signed-in browser (CSRF checked), previews it, creates the campaign once and removes the upload', async () => {
    f = await start();
    const session = await fetch(`${f.url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: f.key }) });
    expect(session.status).toBe(200);
    const browser = { cookie: String(session.headers.get('set-cookie')).split(';')[0]! };
    const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;

    const noToken = await send(f, 'POST', '/dashboard/uploads', form(exampleFiles(), 'campaign'), browser);
    expect(noToken.status).toBe(403);
    expect(leftovers(f)).toEqual([]);

    const up = await send(f, 'POST', '/dashboard/uploads', form(exampleFiles(), 'campaign'), { ...browser, 'x-csrf-token': csrf });
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    expect(up.json).toMatchObject({ videoId: expect.stringContaining('Demo clipcast'), folder: 'campaign', clips: 4, files: 5 });
    const id = up.json['uploadId'] as string;
    const staged = join(f.uploads.root, id);
    expect(readFileSync(join(staged, 'viral', '3.mp4'))).toEqual(readFileSync(join(EXAMPLE_CAMPAIGN, 'viral', '3.mp4')));
    expect(up.json['bytes']).toBe(Object.values(exampleFiles()).reduce((n, b) => n + b.length, 0));

    const preview = await send(f, 'POST', `/dashboard/uploads/${id}/preview`, PLAN, { ...browser, 'x-csrf-token': csrf });
    expect(preview.status, JSON.stringify(preview.json)).toBe(200);
    expect(preview.json).toMatchObject({ posts: 4, timezone: 'UTC' });
    // Each planned post names its account by handle, as a person knows it.
    expect((preview.json['lines'] as string[])[0]).toMatch(/ {2}clip 1 {2}tiktok @maker$/);
    expect(JSON.stringify(preview.json)).not.toContain(staged);
    expect(await f.app.store.listCampaigns()).toEqual([]);

    // Another key cannot see it.
    const { key: other } = await createApiKey(f.app, 'other');
    expect((await send(f, 'POST', `/dashboard/uploads/${id}/preview`, PLAN, { authorization: `Bearer ${other}` })).status).toBe(404);

    const created = await send(f, 'POST', `/dashboard/uploads/${id}/campaign`, PLAN, { ...browser, 'x-csrf-token': csrf });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toMatchObject({ created: true, postCount: 4, campaign: { sourceDir: 'upload:campaign', startAt: '2026-12-01T09:00:00.000Z' } });
    const campaignId = (created.json['campaign'] as { id: string }).id;
    const { posts } = await f.app.store.listPosts({ campaignId });
    expect(posts).toHaveLength(4);
    for (const p of posts) {
      const clip = await f.app.store.getClip(p.clipRowId);
      // The clip is in the media store, where the staging folder's is gone.
      expect(clip?.mediaPath.startsWith(f.app.media.root)).toBe(true);
      expect(existsSync(clip!.mediaPath)).toBe(true);
    }
    expect(leftovers(f)).toEqual([]);
    expect((await send(f, 'POST', `/dashboard/uploads/${id}/campaign`, PLAN)).status).toBe(404);

    // The same folder again with the same plan finds the campaign instead of doubling it.
    const again = await send(f, 'POST', '/dashboard/uploads', form(exampleFiles()));
    const twice = await send(f, 'POST', `/dashboard/uploads/${again.json['uploadId'] as string}/campaign`, PLAN);
    expect(twice.status).toBe(200);
    expect(twice.json).toMatchObject({ created: false, campaign: { id: campaignId } });
    expect(await f.app.store.listCampaigns()).toHaveLength(1);
    expect(leftovers(f)).toEqual([]);
  });

  it('takes a clip larger than the JSON body limit (streamed, not buffered) and a flat file list (clips_copys.json without copys/)', async () => {
    f = await start();
    const files = exampleFiles();
    const big = Buffer.concat([files['1.mp4']!, Buffer.alloc(3 * 1024 * 1024)]);
    const { ['copys/clips_copys.json']: json, ...clips } = files;
    const up = await send(f, 'POST', '/dashboard/uploads', form({ ...clips, '1.mp4': big, 'clips_copys.json': json! }, 'my\u0000 talk\n'));
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    const id = up.json['uploadId'] as string;
    expect(readdirSync(join(f.uploads.root, id, 'copys'))).toEqual(['clips_copys.json']);
    expect(up.json['bytes']).toBeGreaterThan(3 * 1024 * 1024);
    // The folder name is kept as the campaign's source, without control characters.
    expect(up.json['folder']).toBe('my talk');
    expect((await send(f, 'DELETE', `/dashboard/uploads/${id}`)).status).toBe(204);
    expect(leftovers(f)).toEqual([]);
  });

  const refusals: [string, () => FormData, number, string, RegExp][] = [
    ['no clips file', () => form(exampleFiles(FOLDER.slice(0, 4))), 422, 'upload-clips-file-missing', /no copys\/clips_copys\.json/],
    ['a listed clip not uploaded', () => form(exampleFiles(FOLDER.filter((n) => n !== '4.mp4'))), 422, 'upload-clips-missing', /lists clip 4, but no file was uploaded for it \(4\.mp4\)/],
    ['a file that is not an mp4', () => form({ ...exampleFiles(), '1.srt': '1\n00:00:00,000 --> 00:00:01,000\nhola\n' }), 422, 'upload-file-type', /"1\.srt" is not a clip/],
    ['a name with ..', () => form({ ...exampleFiles(), '../evil.mp4': 'x' }), 422, 'upload-file-name', /"\.\.\/evil\.mp4" leaves the video folder/],
    ['a name with .. inside', () => form({ ...exampleFiles(), 'viral/../../evil.mp4': 'x' }), 422, 'upload-file-name', /leaves the video folder/],
    ['an absolute name', () => form({ ...exampleFiles(), '/etc/evil.mp4': 'x' }), 422, 'upload-file-name', /"\/etc\/evil\.mp4" is an absolute path/],
    ['a backslash', () => form({ ...exampleFiles(), '..\\evil.mp4': 'x' }), 422, 'upload-file-name', /backslash/],
    ['a folder of folders', () => form({ 'My talk/1.mp4': 'x', 'My talk/copys/clips_copys.json': '{}' }), 422, 'upload-file-name', /"My talk\/1\.mp4" is in a folder clipcast does not read clips from/],
    ['a clips file that is not JSON', () => form({ ...exampleFiles(), 'copys/clips_copys.json': '{"clips": [' }), 422, 'invalid-input', /clips_copys\.json/],
  ];
  it.each(refusals)('refuses %s with its reason and keeps nothing', async (_what, body, status, slug, detail) => {
    f = await start();
    const res = await send(f, 'POST', '/dashboard/uploads', body());
    expect(res.status, JSON.stringify(res.json)).toBe(status);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.json['type']).toBe(`https://clipcast.dev/problems/${slug}`);
    expect(res.json['detail']).toMatch(detail);
    expect(res.json['hint']).toEqual(expect.any(String));
    expect(String(res.json['detail'])).not.toContain(f.uploads.root);
    expect(leftovers(f)).toEqual([]);
  });

  it('refuses a clip over the size limit, an upload over its total and a body that is not multipart, naming the file', async () => {
    f = await start({ maxFileBytes: 30_000 });
    const res = await send(f, 'POST', '/dashboard/uploads', form(exampleFiles()));
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ type: 'https://clipcast.dev/problems/upload-too-large', detail: '"1.mp4" is larger than the 29.3 KiB a clip may be' });
    expect(leftovers(f)).toEqual([]);
    await f.close();

    f = await start({ maxTotalBytes: 80_000 });
    const total = await send(f, 'POST', '/dashboard/uploads', form(exampleFiles()));
    expect(total.status).toBe(413);
    expect(total.json['detail']).toMatch(/^the upload is larger than the 78\.1 KiB one upload may be \(stopped at "(2|viral\/3)\.mp4"\)$/);
    expect(leftovers(f)).toEqual([]);

    const json = await send(f, 'POST', '/dashboard/uploads', { files: ['1.mp4'] });
    expect(json.status).toBe(415);
    expect(json.json['detail']).toMatch(/send multipart\/form-data/);
    expect((await send(f, 'POST', '/dashboard/uploads', form(exampleFiles()), {})).status).toBe(401);
    // Multipart is parsed for the upload route only: elsewhere it is still an unsupported media type.
    expect((await send(f, 'POST', '/dashboard/campaigns/preview', form(exampleFiles()))).status).toBe(415);
    expect(leftovers(f)).toEqual([]);
  });

  it('removes the files of an upload cut off halfway', async () => {
    f = await start();
    const fx = f;
    const boundary = 'clipcastboundary';
    const clip = readFileSync(join(EXAMPLE_CAMPAIGN, '1.mp4'));
    const head = `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="1.mp4"\r\ncontent-type: video/mp4\r\n\r\n`;
    const { port } = new URL(fx.url);
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/dashboard/uploads', headers: { authorization: `Bearer ${fx.key}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + clip.length * 4) } });
    req.on('error', () => undefined);
    req.write(head);
    req.write(clip);
    // The server has begun writing the clip to its staging folder…
    await vi.waitFor(() => expect(readdirSync(fx.uploads.root).flatMap((d) => readdirSync(join(fx.uploads.root, d)))).toContain('1.mp4'), { timeout: 10_000, interval: 20 });
    // …when the browser goes away.
    req.destroy();
    await fx.uploads.settled();
    expect(leftovers(fx)).toEqual([]);
  });
});
