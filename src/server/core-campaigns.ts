import type { App } from '../app/open-app.js';
import { createCampaign } from '../core/campaigns/create-campaign.js';
import { prepareCampaign } from '../core/campaigns/prepare-campaign.js';
import { InputError, isInputError } from '../core/input-error.js';
import { probeMp4, type ProbeResult } from '../media/probe.js';
import type { CampaignCreator } from './server-parts.js';
import { SourceRoots } from './source-roots.js';

/** Options of {@link coreCampaignCreator}. */
export interface CoreCampaignOptions {
  /**
   * Folders the API may read CLIPER output from: `sourceDir` must resolve (symlinks and `..` followed)
   * to a folder inside one, and no link in it may lead outside them. `clipcast serve` passes the config's
   * `sourceRoots` (`CLIPCAST_SOURCE_ROOTS`, default `<home>/sources`). An empty list refuses every folder.
   */
  sourceRoots: readonly string[];
  /** Zone of `startDate` and `window` when the request names none. Default: this system's zone. */
  defaultTimezone?: string;
  /** Probe of a clip file. Default `probeMp4`. */
  probe?: (file: string) => Promise<ProbeResult>;
}

/**
 * `POST /campaigns` on the core use cases, exactly as `clipcast publish` runs them: `prepareCampaign`
 * (load, probe, validate, plan) then `createCampaign` (media import, one transaction; the same request
 * twice finds the existing campaign). Unlike the CLI, whose user owns the files, the API reads only
 * folders under the source roots and its errors never quote a file's content.
 *
 * @example
 * ```ts
 * buildServer({ app, campaigns: coreCampaignCreator(app, { sourceRoots: ['/srv/cliper-output'] }) });
 * ```
 */
export function coreCampaignCreator(app: App, options: CoreCampaignOptions): CampaignCreator {
  const probe = options.probe ?? ((file: string) => probeMp4(file));
  const defaultTimezone = options.defaultTimezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const roots = new SourceRoots(options.sourceRoots);
  return {
    async create(request) {
      const dir = await roots.resolveFolder(request.sourceDir);
      const preview = await prepareCampaign(
        { accounts: app.accounts, store: app.store, now: () => app.clock.now(), probe, defaultTimezone },
        {
          source: dir,
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
      ).catch((error: unknown) => {
        throw withoutFileContent(error);
      });
      const result = await createCampaign({ store: app.store, now: () => app.clock.now(), newId: app.newId, importMedia: (f) => app.media.importFile(f), remuxMedia: (f) => app.media.importRemuxed(f) }, preview);
      return { campaign: result.campaign, created: result.created, postCount: result.posts };
    },
  };
}

/** Loader errors whose message may quote the clips file (a JSON parse excerpt, a field's value). */
const QUOTING = new Set(['CLIPS_FILE_MALFORMED', 'CLIPS_FILE_INVALID', 'CLIPS_FILE_UNREADABLE', 'FOLDER_UNREADABLE']);

/**
 * The same error without file content: the place (file, line and column, clip and field) stays, the
 * quoted text goes. `clipcast validate` on the server shows the full message.
 */
function withoutFileContent(error: unknown): unknown {
  if (!isInputError(error) || !QUOTING.has(error.code)) return error;
  const subject = error.subject ?? 'the clips file';
  const hint = `${error.hint ?? ''}${error.hint ? '; ' : ''}run clipcast validate on the server for the details`;
  const message = (() => {
    switch (error.code) {
      case 'CLIPS_FILE_MALFORMED':
        return `${subject} is not valid JSON${/\(line \d+, column \d+\)/.exec(error.message)?.[0].replace(/^/, ' ') ?? ''}`;
      case 'CLIPS_FILE_INVALID':
        // "<file>: clip 3, field "copy": must be a string (the caption), found <value>" → drop the value.
        return error.message.replace(/,? found [\s\S]*$/, '');
      case 'CLIPS_FILE_UNREADABLE':
        return `cannot read ${subject}`;
      default:
        return `cannot list ${subject}`;
    }
  })();
  return new InputError(error.code, message, hint, error.subject);
}
