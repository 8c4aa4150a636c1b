import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createCampaign } from '../../src/core/campaigns/create-campaign.js';
import { prepareCampaign } from '../../src/core/campaigns/prepare-campaign.js';
import { FakeClock } from '../../src/core/clock.js';
import { Engine } from '../../src/core/engine/engine.js';
import type { NotificationType, Notifier } from '../../src/core/ports/notifier.js';
import { probeMp4 } from '../../src/media/probe.js';
import { clipMediaInfo, postizAdapterFor } from '../../src/app/postiz-wiring.js';
import { listPostizChannelAccounts, postizOrgKey, resolvePostizTargets, syncPostizChannels } from '../../src/postiz/postiz-channels.js';
import { PostizClient } from '../../src/postiz/postiz-client.js';
import { sandboxPostizConfig } from '../../src/postiz/postiz-config.js';
import { createPostizEmulator, type PostizEmulator, type PostizEmulatorOptions } from '../../src/sandbox/postiz/postiz-emulator.js';
import type { EmulatedChannel } from '../../src/sandbox/postiz/postiz-state.js';
import { KyselySubmissionStore } from '../../src/store/postiz-submission-store.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { settleSessions } from './pg-settle.js';

/** 2025-12-01 08:00 UTC: the fake "now" of every backend test. */
export const START = Date.UTC(2025, 11, 1, 8, 0, 0);
export const HOUR = 3_600_000;

/** Everything a backend test needs: emulator, app on a temp home (SQLite or PostgreSQL), channels synced. */
export interface BackendHarness {
  clock: FakeClock;
  emu: PostizEmulator;
  app: App;
  channels: { tiktok: EmulatedChannel; instagram: EmulatedChannel; youtube: EmulatedChannel };
  accountIds: Record<'tiktok' | 'instagram' | 'youtube', string>;
  notifications: { type: NotificationType; payload: Record<string, unknown> }[];
  submissions: KyselySubmissionStore;
  /** A new engine (a new worker process) over the same database. */
  engine(workerId?: string): Engine;
  /** Opens a second app on the same database and home (a restarted process). */
  reopen(): Promise<void>;
  /** Plans and writes a postiz campaign of `dir` on the given channel accounts. */
  campaign(dir: string, targets: string[], o?: { startDate?: string; interval?: string }): Promise<string>;
  postRequests(): number;
  /** The environment the app was opened with (home, database, Postiz server). */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Builds a {@link BackendHarness}; `dialect: 'postgres'` uses a fresh test database. */
export async function backendHarness(o: { dialect?: 'sqlite' | 'postgres'; emulator?: PostizEmulatorOptions; postsPerHour?: number; apiLimitEnv?: number } = {}): Promise<BackendHarness> {
  const clock = new FakeClock(START);
  const emu = await createPostizEmulator({ clock, ...(o.postsPerHour ? { postsPerHour: o.postsPerHour } : {}), ...(o.emulator ?? {}) });
  const channels = {
    tiktok: emu.addChannel({ identifier: 'tiktok', name: 'Clips TT', profile: 'clipper' }),
    instagram: emu.addChannel({ identifier: 'instagram-standalone', name: 'Clips IG', profile: 'clipper.ig' }),
    youtube: emu.addChannel({ identifier: 'youtube', name: 'Clips YT' }),
  };
  const home = await mkdtemp(join(tmpdir(), 'clipcast-postiz-backend-'));
  const pg = o.dialect === 'postgres' ? await createTestDatabase() : undefined;
  const env: NodeJS.ProcessEnv = {
    CLIPCAST_HOME: home,
    CLIPCAST_POSTIZ_URL: `${emu.url}/public/v1`,
    CLIPCAST_POSTIZ_API_KEY: emu.apiKey,
    ...(pg ? { CLIPCAST_DATABASE_URL: pg.url } : {}),
    ...(o.apiLimitEnv ? { CLIPCAST_POSTIZ_API_LIMIT: String(o.apiLimitEnv) } : {}),
  };
  const config = loadConfig(env);
  const notifications: BackendHarness['notifications'] = [];
  const notifier: Notifier = { notify: async (type, payload) => void notifications.push({ type, payload }) };
  let app = await openApp(config, { clock });
  const client = () => new PostizClient({ config: sandboxPostizConfig(emu.url, emu.apiKey), clock });
  await syncPostizChannels({ store: app.store, secrets: app.secrets, now: () => clock.now(), newId: app.newId }, client());
  const synced = await listPostizChannelAccounts(app);
  const idOf = (ch: EmulatedChannel) => synced.find((s) => s.channelId === ch.id)!.account.id;
  const h: BackendHarness = {
    clock, emu, app, channels, notifications, env,
    accountIds: { tiktok: idOf(channels.tiktok), instagram: idOf(channels.instagram), youtube: idOf(channels.youtube) },
    submissions: new KyselySubmissionStore(app.store, postizOrgKey(client().config), () => clock.now()),
    engine(workerId = 'w1') {
      const postiz = postizAdapterFor(h.app, { notifier, ...(o.postsPerHour ? { adapter: { postsPerHour: o.postsPerHour } } : {}) });
      return new Engine({
        store: h.app.store,
        accounts: h.app.accounts,
        adapterFor: (a) => {
          const adapter = postiz(a);
          if (!adapter) throw new Error(`account ${a.id} is not a Postiz channel`);
          return adapter;
        },
        mediaFor: clipMediaInfo,
        clock,
        workerId,
        renewEveryMs: 0,
        notifier,
        random: () => 0.5,
      });
    },
    async reopen() {
      await h.app.close();
      app = await openApp(config, { clock });
      h.app = app;
      h.submissions = new KyselySubmissionStore(app.store, postizOrgKey(client().config), () => clock.now());
    },
    async campaign(dir, specs, c = {}) {
      const targets = resolvePostizTargets(specs, await listPostizChannelAccounts(h.app)).map((t) => t.account.id);
      const preview = await prepareCampaign(
        { accounts: h.app.accounts, store: h.app.store, now: () => clock.now(), probe: (f) => probeMp4(f), defaultTimezone: 'UTC' },
        { source: dir, targets: [targets.join(',')], startDate: c.startDate ?? new Date(START + HOUR).toISOString(), interval: c.interval ?? '10m', timezone: 'UTC', backend: 'postiz' },
      );
      const out = await createCampaign({ store: h.app.store, now: () => clock.now(), newId: h.app.newId, importMedia: (f) => h.app.media.importFile(f) }, preview);
      return out.campaign.id;
    },
    postRequests: () => emu.server.requests.filter((r) => r.method === 'POST' && r.path === '/public/v1/posts').length,
    async close() {
      await h.app.close();
      await emu.close();
      if (pg) {
        await settleSessions(pg.url);
        await pg.drop();
      }
      await rm(home, { recursive: true, force: true });
    },
  };
  return h;
}
