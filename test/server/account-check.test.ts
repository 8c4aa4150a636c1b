import { afterEach, describe, expect, it } from 'vitest';
import { sandboxTikTokConfig } from '../../src/platforms/tiktok/tiktok-config.js';
import { createTikTokAdapter } from '../../src/platforms/tiktok/tiktok-adapter.js';
import { createTikTokEmulator, type TikTokEmulator } from '../../src/sandbox/tiktok/tiktok-emulator.js';
import { adapterAccountChecker } from '../../src/server/adapter-account-checker.js';
import { buildServer } from '../../src/server/build-server.js';
import { serverFixture, type ServerFixture } from './server-fixture.js';

let f: ServerFixture | undefined;
let tiktok: TikTokEmulator | undefined;
afterEach(async () => {
  await f?.close();
  await tiktok?.close();
  f = undefined;
  tiktok = undefined;
});

describe('POST /accounts/{id}/check', () => {
  it('refreshes through the TikTok adapter against the emulator, saves the rotated tokens, and marks a refused grant needs_reauth', async () => {
    f = await serverFixture({ expectWorker: false });
    tiktok = await createTikTokEmulator({ clock: f.clock });
    const config = sandboxTikTokConfig(tiktok.url, { clientKey: tiktok.settings.clientKey, clientSecret: tiktok.settings.clientSecret });
    const adapter = createTikTokAdapter({ config, clock: f.clock });
    await f.server.close();
    f.server = buildServer({ app: f.app, expectWorker: false, accountChecker: adapterAccountChecker(f.app, { tiktok: adapter }) });
    await f.server.ready();

    const sandbox = tiktok.createSandboxAccount('checker');
    const { id } = await f.app.accounts.add({ platform: 'tiktok', handle: '@checker', externalId: sandbox.externalId, sandbox: true, credentials: { ...sandbox.credentials, clientKey: config.clientKey, clientSecret: config.clientSecret } });

    const ok = await f.server.inject({ method: 'POST', url: `/accounts/${id}/check`, headers: f.auth });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id, ok: true, status: 'ok' });
    expect(ok.body).not.toContain(String(sandbox.credentials.refreshToken));
    const stored = f.app.accounts.credentialsOf((await f.app.store.getAccount(id))!);
    expect(stored.refreshToken).not.toBe(sandbox.credentials.refreshToken);

    tiktok.expireAllTokens();
    const refused = await f.server.inject({ method: 'POST', url: `/accounts/${id}/check`, headers: f.auth });
    expect(refused.json()).toMatchObject({ id, ok: false, status: 'needs_reauth' });
    expect((await f.app.store.getAccount(id))?.status).toBe('needs_reauth');
  });
});
