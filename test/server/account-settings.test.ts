import { afterEach, describe, expect, it } from 'vitest';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

/** YouTube's made-for-kids default, set over HTTP as `clipcast accounts set --made-for-kids` sets it. */
describe('PATCH /accounts/{id}', () => {
  it("sets a YouTube account's made-for-kids default, shows it in the view, and keeps the tokens", async () => {
    f = await serverFixture({ expectWorker: false });
    const { id } = await f.app.accounts.add({ platform: 'youtube', handle: '@chan', externalId: 'UCchan', credentials: { clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-secret-1' } });
    const before = await f.server.inject({ method: 'GET', url: `/accounts/${id}`, headers: f.auth });
    expect(before.json()).toMatchObject({ id, settings: {} });

    const set = await f.server.inject({ method: 'PATCH', url: `/accounts/${id}`, headers: f.auth, payload: { selfDeclaredMadeForKids: false } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ id, settings: { selfDeclaredMadeForKids: false } });
    expect(set.body).not.toContain('rt-secret-1');
    const after = await f.server.inject({ method: 'GET', url: `/accounts/${id}`, headers: f.auth });
    expect(after.json()).toMatchObject({ settings: { selfDeclaredMadeForKids: false } });
    const stored = f.app.accounts.credentialsOf((await f.app.store.getAccount(id))!);
    expect(stored).toMatchObject({ refreshToken: 'rt-secret-1', selfDeclaredMadeForKids: false });

    const flipped = await f.server.inject({ method: 'PATCH', url: `/accounts/${id}`, headers: f.auth, payload: { selfDeclaredMadeForKids: true } });
    expect(flipped.json()).toMatchObject({ settings: { selfDeclaredMadeForKids: true } });
  });

  it('refuses a setting another platform has no use for, an empty or unknown body, and an unknown account, naming what to fix', async () => {
    f = await serverFixture({ expectWorker: false });
    const tiktok = await f.app.accounts.add({ platform: 'tiktok', handle: '@tt', credentials: { clientKey: 'k', clientSecret: 's', accessToken: 'a' } });
    const youtube = await f.app.accounts.add({ platform: 'youtube', handle: '@chan', credentials: { clientId: 'cid', clientSecret: 'cs', refreshToken: 'rt' } });

    const wrong = await f.server.inject({ method: 'PATCH', url: `/accounts/${tiktok.id}`, headers: f.auth, payload: { selfDeclaredMadeForKids: false } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ detail: expect.stringMatching(/YouTube setting.*tiktok:@tt/), errors: [{ path: 'body.selfDeclaredMadeForKids' }] });

    const empty = await f.server.inject({ method: 'PATCH', url: `/accounts/${youtube.id}`, headers: f.auth, payload: {} });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().hint).toMatch(/selfDeclaredMadeForKids/);

    const unknown = await f.server.inject({ method: 'PATCH', url: `/accounts/${youtube.id}`, headers: f.auth, payload: { madeForKids: 'no' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatch(/madeForKids/);

    const missing = await f.server.inject({ method: 'PATCH', url: '/accounts/acc_nope', headers: f.auth, payload: { selfDeclaredMadeForKids: false } });
    expect(missing.statusCode).toBe(404);

    const anonymous = await f.server.inject({ method: 'PATCH', url: `/accounts/${youtube.id}`, payload: { selfDeclaredMadeForKids: false } });
    expect(anonymous.statusCode).toBe(401);
    expect(f.app.accounts.credentialsOf((await f.app.store.getAccount(youtube.id))!).selfDeclaredMadeForKids).toBeUndefined();
  });
});
