// Child of bench/plan.ts: runs the real import + plan + write path once and reports time and peak RSS.
import { openApp } from '../src/app/open-app.js';
import { loadConfig } from '../src/config/load-config.js';
import { prepareCampaign } from '../src/core/campaigns/prepare-campaign.js';
import { createCampaign } from '../src/core/campaigns/create-campaign.js';
import { probeMp4 } from '../src/media/probe.js';
import { childReport } from './lib/measure.js';

const [folder, home] = process.argv.slice(2) as [string, string];
const app = await openApp(loadConfig({}, { home }));
await app.accounts.add({ platform: 'tiktok', handle: '@bench', credentials: { client_key: 'k', client_secret: 's', access_token: 't' } });
await app.accounts.add({ platform: 'youtube', handle: '@bench', credentials: { client_id: 'i', client_secret: 's', refresh_token: 'r' } });
const started = process.hrtime.bigint();
const preview = await prepareCampaign(
  { accounts: app.accounts, store: app.store, now: () => Date.now(), probe: (f) => probeMp4(f), defaultTimezone: 'UTC' },
  { source: folder, targets: ['tiktok,youtube'], startDate: 'now', interval: '30m' },
);
const result = await createCampaign({ store: app.store, now: () => Date.now(), newId: app.newId, importMedia: (f) => app.media.importFile(f) }, preview);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await app.close();
childReport({ seconds, posts: result.posts });
