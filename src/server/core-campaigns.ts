import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { App } from '../app/open-app.js';
import { createCampaign } from '../core/campaigns/create-campaign.js';
import { prepareCampaign } from '../core/campaigns/prepare-campaign.js';
import { probeMp4, type ProbeResult } from '../media/probe.js';
import { HttpProblem } from './problem.js';
import type { CampaignCreator } from './server-parts.js';

/** Options of {@link coreCampaignCreator}. */
export interface CoreCampaignOptions {
  /**
   * Folders the API may read CLIPER output from (the folder must be inside one). Default: none, which
   * allows any folder the server process can read: set it when the API is reachable by others.
   */
  allowedRoots?: string[];
  /** Zone of `startDate` and `window` when the request names none. Default: this system's zone. */
  defaultTimezone?: string;
  /** Probe of a clip file. Default `probeMp4`. */
  probe?: (file: string) => Promise<ProbeResult>;
}

/**
 * `POST /campaigns` on the core use cases, exactly as `clipcast publish` runs them: `prepareCampaign`
 * (load, probe, validate, plan) then `createCampaign` (media import, one transaction; the same request
 * twice finds the existing campaign).
 *
 * @example
 * ```ts
 * buildServer({ app, campaigns: coreCampaignCreator(app, { allowedRoots: ['/srv/cliper-output'] }) });
 * ```
 */
export function coreCampaignCreator(app: App, options: CoreCampaignOptions = {}): CampaignCreator {
  const probe = options.probe ?? ((file: string) => probeMp4(file));
  const defaultTimezone = options.defaultTimezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  return {
    async create(request) {
      if (!isAbsolute(request.sourceDir)) throw new HttpProblem(422, 'source-not-absolute', `sourceDir "${request.sourceDir}" is not an absolute path`, { hint: 'send the absolute path of the CLIPER folder on the server' });
      if (options.allowedRoots?.length) await assertInsideRoots(request.sourceDir, options.allowedRoots);
      const preview = await prepareCampaign(
        { accounts: app.accounts, store: app.store, now: () => app.clock.now(), probe, defaultTimezone },
        {
          source: request.sourceDir,
          targets: request.platforms,
          startDate: request.startDate,
          interval: request.interval,
          ...(request.timezone ? { timezone: request.timezone } : {}),
          ...(request.order ? { order: request.order } : {}),
          ...(request.window ? { window: request.window } : {}),
          ...(request.stagger ? { stagger: request.stagger } : {}),
          ...(request.backend ? { backend: request.backend } : {}),
          ...(request.forceNew ? { forceNew: true } : {}),
        },
      );
      const result = await createCampaign({ store: app.store, now: () => app.clock.now(), newId: app.newId, importMedia: (f) => app.media.importFile(f), remuxMedia: (f) => app.media.importRemuxed(f) }, preview);
      return { campaign: result.campaign, created: result.created, postCount: result.posts };
    },
  };
}

async function assertInsideRoots(dir: string, roots: string[]): Promise<void> {
  const real = await realpath(dir).catch(() => resolve(dir));
  for (const root of roots) {
    const base = await realpath(root).catch(() => resolve(root));
    const rel = relative(base, real);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return;
  }
  throw new HttpProblem(403, 'source-not-allowed', `sourceDir is outside the folders this server may read`, { hint: 'put the CLIPER output under one of the configured campaign roots' });
}
