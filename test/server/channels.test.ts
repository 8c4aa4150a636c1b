import { afterEach, describe, expect, it } from 'vitest';
import { PostizClient } from '../../src/postiz/postiz-client.js';
import { sandboxPostizConfig } from '../../src/postiz/postiz-config.js';
import { createPostizEmulator, type PostizEmulator } from '../../src/sandbox/postiz/postiz-emulator.js';
import { postizChannels } from '../../src/server/postiz-channels.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
let postiz: PostizEmulator | undefined;
afterEach(async () => {
  await f?.close();
  await postiz?.close();
  f = undefined;
  postiz = undefined;
});

describe('GET /channels', () => {
  it('lists the Postiz integrations through the Postiz client, keyed, without the Postiz key', async () => {
    postiz = await createPostizEmulator();
    postiz.addChannel({ identifier: 'tiktok', name: 'My TikTok', profile: 'me' });
    postiz.addChannel({ identifier: 'youtube', name: 'My Channel', profile: 'chan' });
    const client = new PostizClient({ config: sandboxPostizConfig(postiz.url, postiz.apiKey) });
    f = await serverFixture({ expectWorker: false, channels: postizChannels(client) });
    expect((await f.server.inject({ url: '/channels' })).statusCode).toBe(401);
    const res = await f.server.inject({ url: '/channels', headers: f.auth });
    expect(res.statusCode).toBe(200);
    const channels = res.json() as { id: string; name: string; provider: string; disabled: boolean }[];
    expect(channels.map((c) => [c.provider, c.name]).sort()).toEqual([
      ['tiktok', 'My TikTok'],
      ['youtube', 'My Channel'],
    ]);
    expect(res.body).not.toContain(postiz.apiKey);

    await postiz.close();
    postiz = undefined;
    const down = await f.server.inject({ url: '/channels', headers: f.auth });
    expect(down.statusCode).toBe(502);
    expect(down.json()).toMatchObject({ type: 'https://clipcast.dev/problems/remote-failed', code: expect.stringMatching(/^POSTIZ_/) });
  });
});
