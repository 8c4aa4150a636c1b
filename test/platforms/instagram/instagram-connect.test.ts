import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/core/clock.js';
import { PublishError } from '../../../src/core/publish-error.js';
import { createInstagramAdapter } from '../../../src/platforms/instagram/instagram-adapter.js';
import { sandboxInstagramConfig } from '../../../src/platforms/instagram/instagram-config.js';
import { parseInstagramCredentials, toCredentials } from '../../../src/platforms/instagram/instagram-credentials.js';
import { createInstagramEmulator, type InstagramEmulator } from '../../../src/sandbox/instagram/instagram-emulator.js';

const DAY = 86_400_000;
let emulator: InstagramEmulator;
afterEach(async () => emulator?.close());

async function setup() {
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 9));
  emulator = await createInstagramEmulator({ clock });
  const config = sandboxInstagramConfig(emulator.url, { instagramApp: { clientId: emulator.apps.instagram.clientId, clientSecret: emulator.apps.instagram.clientSecret, redirectUri: 'http://127.0.0.1/callback' }, facebookApp: { clientId: emulator.apps.facebook.clientId, clientSecret: emulator.apps.facebook.clientSecret, redirectUri: 'http://127.0.0.1/callback' } });
  const adapter = createInstagramAdapter({ config, clock });
  return { clock, config, adapter };
}

async function failure(p: Promise<unknown>): Promise<PublishError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

/** Follows the authorize URL like a browser would (the sandbox dialog auto-approves). */
async function codeFrom(authorizeUrl: string): Promise<{ code: string; location: string }> {
  const res = await request(authorizeUrl, { method: 'GET' });
  await res.body.dump();
  expect(res.statusCode).toBe(302);
  const location = String(res.headers.location);
  return { code: new URL(location).searchParams.get('code')!, location };
}

describe('Instagram connect, both flavours', () => {
  it('Instagram Login: code (with #_) → short → long-lived token → /me, big user_id exact', async () => {
    const { adapter, clock } = await setup();
    const account = emulator.addAccount('acme');
    const { code, location } = await codeFrom(adapter.oauth.authorizeUrl('instagram', 'csrf1'));
    expect(location.endsWith('#_')).toBe(true);
    expect(new URL(location).searchParams.get('state')).toBe('csrf1');
    const creds = await adapter.oauth.connect('instagram', `${code}#_`);
    expect(BigInt(account.appScopedId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(creds.appScopedUserId).toBe(account.appScopedId);
    expect(creds.igUserId).toBe(account.igUserId);
    expect(creds.accessToken.startsWith('IGAA')).toBe(true);
    expect(creds.tokenExpiresAt - clock.now()).toBe(5_183_944_000);
    const reuse = await failure(adapter.oauth.connect('instagram', code));
    expect(reuse.kind).toBe('invalid');
    expect(reuse.message).not.toContain(code);
  });

  it('Instagram Login: the documented wrapped answer shape works too', async () => {
    const { adapter } = await setup();
    emulator.knobs.codeExchangeShape = 'wrapped';
    const code = emulator.authorize('instagram', 'acme', 'http://127.0.0.1/callback');
    const creds = await adapter.oauth.connect('instagram', code);
    expect(creds.appScopedUserId).toBe([...emulator.state.accounts.values()][0]!.appScopedId);
  });

  it('Facebook Login: code → user token → long-lived → Page with its IG account', async () => {
    const { adapter, clock } = await setup();
    const account = emulator.addAccount('brand');
    const { code } = await codeFrom(adapter.oauth.authorizeUrl('facebook', 'csrf2'));
    const creds = await adapter.oauth.connect('facebook', code);
    expect(creds).toMatchObject({ flavour: 'facebook', igUserId: account.igUserId, pageId: account.pageId, tokenExpiresAt: 0 });
    expect(creds.userTokenExpiresAt! - clock.now()).toBe(5_183_944_000);
    expect(creds.accessToken.startsWith('EAA')).toBe(true);
    expect((await failure(adapter.oauth.connect('facebook', code))).platformCode).toBe('100/36009');
  });

  it('a token of one host is refused on the other (190, no subcode) → needs_reauth', async () => {
    const { adapter } = await setup();
    const ig = emulator.createSandboxAccount('x', { flavour: 'instagram' }).credentials;
    const swapped = { ...ig, flavour: 'facebook' };
    const error = await failure(adapter.step(ctxFor(swapped)));
    expect(error.kind).toBe('needs_reauth');
    expect(error.platformCode).toBe('190');
  });

  it('refresh timing: nothing early, refresh in the last 10 days, refused under 24 h, expired → needs_reauth', async () => {
    const { adapter, clock } = await setup();
    const { credentials } = emulator.createSandboxAccount('acme', { flavour: 'instagram' });
    const account = { id: 'a', platform: 'instagram' as const, handle: 'acme', externalId: null, credentials };
    expect(await adapter.refreshCredentials(account, DAY)).toBeNull(); // 60 days left
    expect(await adapter.refreshCredentials(account, 61 * DAY)).toBeNull(); // would refresh, but under 24 h old
    const early = await failure(adapter.oauth.refresh(parseInstagramCredentials(credentials)));
    expect(early.kind).toBe('needs_reauth');
    expect(early.message).not.toContain(String(credentials.accessToken));
    clock.advance(45 * DAY);
    expect(await adapter.refreshCredentials(account, DAY)).toBeNull(); // 15 days left
    clock.advance(6 * DAY);
    const fresh = await adapter.refreshCredentials(account, DAY);
    expect(fresh).not.toBeNull();
    expect(fresh!.credentials.accessToken).not.toBe(credentials.accessToken);
    expect(fresh!.expiresAt).toBe(clock.now() + 5_183_944_000);
    expect(fresh!.credentials.tokenIssuedAt).toBe(clock.now());
    clock.advance(61 * DAY);
    expect((await failure(adapter.refreshCredentials({ ...account, credentials: fresh!.credentials }, DAY))).kind).toBe('needs_reauth');
    emulator.knobs.earlyRefreshCode = 190;
    const other = emulator.createSandboxAccount('b', { flavour: 'instagram' }).credentials;
    expect((await failure(adapter.oauth.refresh(parseInstagramCredentials(other)))).kind).toBe('needs_reauth');
  });

  it('Facebook Login Page tokens never need a refresh', async () => {
    const { adapter } = await setup();
    const { credentials } = emulator.createSandboxAccount('p', { flavour: 'facebook' });
    expect(await adapter.refreshCredentials({ id: 'a', platform: 'instagram', handle: 'p', externalId: null, credentials }, 365 * DAY)).toBeNull();
  });

  it('retired and unknown Graph versions are refused; serve-oldest accepts retired ones', async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 9));
    emulator = await createInstagramEmulator({ clock });
    const { credentials } = emulator.createSandboxAccount('v', { flavour: 'facebook' });
    const url = (v: string) => `${emulator.url}/graph.facebook.com/${v}/${credentials.igUserId}/content_publishing_limit`;
    const get = async (v: string) => {
      const res = await request(url(v), { headers: { authorization: `Bearer ${String(credentials.accessToken)}` } });
      return { status: res.statusCode, body: (await res.body.json()) as { error?: { code: number } } };
    };
    expect((await get('v19.0')).body.error?.code).toBe(12);
    expect((await get('v99.0')).body.error?.code).toBe(2500);
    expect((await get('v20.0')).status).toBe(200); // still available until 2026-09-24
    clock.set(Date.UTC(2026, 8, 25));
    expect((await get('v20.0')).body.error?.code).toBe(12);
    emulator.knobs.versionPolicy = 'serve-oldest';
    expect((await get('v19.0')).status).toBe(200);
  });
});

function ctxFor(credentials: Record<string, string | number | boolean | undefined>) {
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 9));
  return {
    postId: 'p', state: 'preparing' as const, attempt: 1, account: { id: 'a', platform: 'instagram' as const, handle: 'x', externalId: null, credentials: toCredentials(credentials as never) },
    media: { path: '/nonexistent', size: 1000, sha256: 'x', durationSec: 10, width: 1080, height: 1920 },
    content: { caption: 'c', options: {} }, scheduledAt: 0, remote: {}, upload: null, clock, signal: new AbortController().signal,
    checkpoint: async () => undefined, saveCredentials: async () => undefined,
  };
}
