import type { Command } from 'commander';
import { prepareCampaign } from '../../core/campaigns/prepare-campaign.js';
import { createCampaign } from '../../core/campaigns/create-campaign.js';
import type { CampaignPreview, CampaignRequest } from '../../core/campaigns/campaign-request.js';
import { InputError } from '../../core/input-error.js';
import { readFile } from 'node:fs/promises';
import type { App } from '../../app/open-app.js';
import { testingModeWarning } from '../../platforms/youtube/youtube-oauth.js';
import { probeMp4 } from '../../media/probe.js';
import { iso, localTime, systemZone, table } from '../format.js';
import type { CliContext } from '../cli-context.js';
import { postizProgress, postizTargets, progressLines, waitForSubmissions } from './publish-postiz.js';
import { assertAccountsReady } from '../../core/campaigns/account-readiness.js';

interface PublishFlags {
  startDate?: string;
  interval?: string;
  timezone?: string;
  platforms?: string;
  order?: 'file' | 'viral';
  window?: string;
  stagger?: string;
  backend?: 'direct' | 'postiz';
  dryRun?: boolean;
  yes?: boolean;
  new?: boolean;
  overrides?: string;
  wait?: boolean;
  madeForKids?: string;
}

/** `--made-for-kids true|false` (also yes/no), naming the flag when it is neither. */
export function parseMadeForKids(text: string, flag = '--made-for-kids'): boolean {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', 'y'].includes(t)) return true;
  if (['false', 'no', 'n'].includes(t)) return false;
  throw new InputError('MADE_FOR_KIDS_INVALID', `${flag} "${text}" is neither true nor false`, `e.g. ${flag} false (the content is not made for kids)`, flag);
}

/** `publish` and `validate`. */
export function registerPublish(program: Command, run: (fn: (ctx: CliContext) => Promise<void>) => Promise<void>): void {
  program
    .command('publish')
    .description('turn a CLIPER folder into a campaign: one post per clip and account at planned times')
    .argument('<dir>', 'CLIPER output folder, or its copys/clips_copys.json')
    .option('--start-date <when>', 'first slot: "2025-12-01 09:00" in --timezone, an ISO instant, or now')
    .option('--interval <duration>', 'time between clips: 30m, 4h, 1d, 1h30m, 2w')
    .option('--timezone <zone>', 'IANA zone of --start-date and --window (default: this system\'s)')
    .option('--platforms <targets>', 'comma-separated: tiktok (main account), tiktok:@handle, or account ids')
    .option('--order <order>', 'file (as listed) or viral (viral_potential, highest first)', 'file')
    .option('--window <hours>', 'daily posting hours, e.g. 09:00-22:00; slots outside move to the next start')
    .option('--stagger <duration>', 'offset between the platforms of one clip (default: same slot)')
    .option('--backend <backend>', 'direct (platform APIs) or postiz', 'direct')
    .option('--dry-run', 'show the plan; write nothing')
    .option('--new', 'create a new campaign even if this exact one exists')
    .option('--wait', 'postiz: submit in the foreground until every submission is sent')
    .option('--no-wait', 'postiz: return at once; `clipcast worker` submits (default)')
    .option('-y, --yes', 'do not ask for confirmation on a terminal')
    .option('--overrides <file>', 'JSON: per clip id, {"7": {"caption", "title", "tags", "options"}} overriding the mapped text and options')
    .option('--made-for-kids <bool>', 'YouTube: declare this campaign\'s videos made for kids (true) or not (false); overrides the accounts\' setting')
    .action((dir: string, flags: PublishFlags) =>
      run(async (ctx) => {
        const request = await completeRequest(ctx, dir, flags);
        const app = request.dryRun ? await ctx.readApp() : await ctx.app();
        // Postiz: --platforms names Postiz channels (ids or names), resolved to their accounts.
        if (request.backend === 'postiz') request.targets = [(await postizTargets(app, request.targets, request.dryRun ?? false)).join(',')];
        const preview = await prepareCampaign(
          { accounts: app.accounts, store: app.store, now: () => app.clock.now(), probe: (f) => probeMp4(f), defaultTimezone: systemZone() },
          request,
        );
        await addAccountWarnings(app, preview);
        // Settled before anything is written or asked: a campaign its accounts cannot publish is refused.
        if (!request.dryRun) assertAccountsReady(preview.accountIssues);
        if (request.dryRun) {
          ctx.print(previewJson(preview), () => previewLines(preview, true));
          return;
        }
        if (ctx.isTTY && !ctx.json && !flags.yes) {
          ctx.out.write(`${previewLines(preview, false).join('\n')}\n`);
          const { openPrompter } = await import('../interactive/prompts.js');
          if (!(await (await openPrompter(ctx)).confirm({ message: `Create this campaign (${preview.posts.length} posts)?` }))) {
            ctx.out.write('Nothing written.\n');
            return;
          }
        }
        const result = await importAndCreate(ctx, app, preview);
        // Postiz: progress and the pacer's ETA of the last submission; --wait submits in the foreground.
        const postiz = request.backend === 'postiz' ? await (flags.wait ? waitForSubmissions(ctx, app, result.campaign.id) : postizProgress(app, result.campaign.id)) : undefined;
        ctx.print(
          { campaign: { id: result.campaign.id, created: result.created, name: result.campaign.name }, ...previewJson(preview), ...(postiz ? { postiz: { ...postiz, lastEta: postiz.lastEta === null ? null : iso(postiz.lastEta) } } : {}) },
          () => [
            ...(result.created
              ? [...(ctx.isTTY && !flags.yes ? [] : previewLines(preview, false)), `Campaign ${result.campaign.id} created with ${result.posts} posts (state scheduled).${postiz ? '' : ' Run `clipcast worker` to publish them.'}`]
              : [`This campaign already exists: ${result.campaign.id} (created ${iso(result.campaign.createdAt)}); no post was added.`, `  See it with: clipcast campaigns show ${result.campaign.id}   (use --new to create another)`]),
            ...(postiz ? progressLines(postiz, flags.wait ?? false) : []),
          ],
        );
      }),
    );

  program
    .command('validate')
    .description('check every clip against each platform\'s rules; writes nothing')
    .argument('<dir>', 'CLIPER output folder, or its copys/clips_copys.json')
    .option('--platforms <targets>', 'platforms or accounts to check for', 'tiktok,instagram,youtube')
    .action((dir: string, flags: { platforms: string }) =>
      run(async (ctx) => {
        const app = await ctx.readApp();
        const preview = await prepareCampaign(
          { accounts: app.accounts, store: app.store, now: () => app.clock.now(), probe: (f) => probeMp4(f), defaultTimezone: systemZone() },
          { source: dir, targets: [flags.platforms], startDate: 'now', interval: '1h', dryRun: true },
        );
        const findings = preview.findings.map((f) => ({ clipId: f.clipId, platform: f.platform, severity: f.severity, field: f.field, code: f.code, message: f.message }));
        const problems = preview.source.problems.map((p) => ({ clipId: p.clipId, severity: p.severity, code: p.code, message: p.message }));
        const probeErrors = [...preview.probes].filter(([, p]) => !p.ok).map(([id, p]) => ({ clipId: id, severity: 'error', code: p.ok ? '' : p.error.code, message: p.ok ? '' : p.error.message }));
        const accountIssues = preview.accountIssues.map((i) => ({ account: i.accountId, platform: i.platform, handle: i.handle, code: i.code, message: i.message, fix: i.fix }));
        const errors = [...findings, ...problems, ...probeErrors].filter((f) => f.severity === 'error').length + accountIssues.length;
        ctx.print({ clips: preview.source.clips.length, problems, probeErrors, findings, accountIssues, errors }, () => [
          `${preview.source.clips.length} clips in ${preview.source.root}`,
          ...[...problems, ...probeErrors].map((p) => `  ${p.severity.padEnd(7)} clip ${p.clipId ?? '-'}: ${p.message}`),
          ...findings.map((f) => `  ${f.severity.padEnd(7)} clip ${f.clipId} ${f.platform}: ${f.message}`),
          ...accountIssues.map((i) => `  error   ${i.message}; ${i.fix}`),
          errors ? `${errors} error(s): those clips are skipped on those platforms${accountIssues.length ? ', and publish refuses until the account error(s) are fixed' : ''}.` : 'No errors.',
        ]);
        if (errors) process.exitCode = 1;
      }),
    );
}

/**
 * Imports the clips (progress on a terminal: clip n/N, bytes, speed) and writes the campaign. Ctrl-C
 * while importing removes the partial and the newly imported files (nothing refers to them yet) and
 * exits 130; once the rows are being written it no longer interferes.
 */
async function importAndCreate(ctx: CliContext, app: App, preview: CampaignPreview) {
  const files = new Set(preview.posts.map((p) => p.clipId));
  const clips = preview.source.clips.filter((c) => files.has(c.clipId));
  const total = clips.reduce((n, c) => {
    const probe = preview.probes.get(c.clipId);
    return n + (probe?.ok ? probe.size : 0);
  }, 0);
  const started = Date.now();
  let done = 0;
  let index = 0;
  let lastDraw = 0;
  const show = ctx.isTTY && !ctx.json;
  const draw = (force = false) => {
    const now = Date.now();
    if (!show || (!force && now - lastDraw < 100)) return;
    lastDraw = now;
    const rate = done / Math.max(0.001, (now - started) / 1000);
    ctx.err.write(`\r\x1b[2KImporting clip ${index}/${clips.length}: ${(done / 1e9).toFixed(2)}${total ? `/${(total / 1e9).toFixed(2)}` : ''} GB, ${(rate / 1e6).toFixed(0)} MB/s`);
  };
  const onInterrupt = () => {
    app.media.abandon();
    if (show) ctx.err.write('\r\x1b[2K');
    ctx.err.write('Interrupted while importing: nothing written, partial files removed.\n');
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  const stopListening = () => {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  };
  try {
    return await createCampaign(
      {
        store: app.store,
        now: () => app.clock.now(),
        newId: app.newId,
        importMedia: (f) => {
          index++;
          draw(true);
          return app.media.importFile(f, { onBytes: (n) => ((done += n), draw()) });
        },
        remuxMedia: (f) => app.media.importRemuxed(f),
        beforeWrite: () => {
          stopListening();
          if (show) ctx.err.write(`\r\x1b[2KImported ${clips.length} clip(s), ${(done / 1e9).toFixed(2)} GB in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
        },
      },
      preview,
    );
  } finally {
    stopListening();
  }
}

async function completeRequest(ctx: CliContext, dir: string, flags: PublishFlags): Promise<CampaignRequest> {
  const missing = !flags.startDate || !flags.interval || !flags.platforms;
  if (missing && ctx.isTTY && !ctx.json && !flags.dryRun) {
    const { askPublishAnswers } = await import('../interactive/publish-questions.js');
    const { openPrompter } = await import('../interactive/prompts.js');
    await askPublishAnswers(await openPrompter(ctx), await ctx.app(), flags);
  }
  if (!flags.startDate) throw new InputError('START_DATE_MISSING', '--start-date is required', 'pass --start-date "2025-12-01 09:00" (in --timezone) or --start-date now', '--start-date');
  if (!flags.interval) throw new InputError('INTERVAL_MISSING', '--interval is required', 'pass --interval 4h (30m, 1d, 1h30m, 2w…)', '--interval');
  if (!flags.platforms) throw new InputError('PLATFORMS_MISSING', '--platforms is required', 'pass --platforms tiktok,instagram,youtube (or platform:@handle, or account ids)', '--platforms');
  if (flags.backend && flags.backend !== 'direct' && flags.backend !== 'postiz') {
    throw new InputError('BACKEND_INVALID', `--backend "${flags.backend}" is not a backend`, 'use --backend direct or --backend postiz', '--backend');
  }
  return {
    source: dir,
    targets: [flags.platforms],
    startDate: flags.startDate,
    interval: flags.interval,
    ...(flags.timezone ? { timezone: flags.timezone } : {}),
    order: flags.order ?? 'file',
    ...(flags.window ? { window: flags.window } : {}),
    ...(flags.stagger ? { stagger: flags.stagger } : {}),
    backend: flags.backend ?? 'direct',
    dryRun: flags.dryRun ?? false,
    forceNew: flags.new ?? false,
    ...(flags.overrides ? { overrides: await readOverrides(flags.overrides) } : {}),
    ...(flags.madeForKids !== undefined ? { options: { youtube: { selfDeclaredMadeForKids: parseMadeForKids(flags.madeForKids) } } } : {}),
  };
}

async function readOverrides(file: string): Promise<NonNullable<CampaignRequest['overrides']>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError('OVERRIDES_INVALID', `--overrides ${file} cannot be read as JSON (${(error as Error).message})`, 'give a JSON object keyed by clip id, e.g. {"7": {"title": "My title"}}', '--overrides');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError('OVERRIDES_INVALID', `--overrides ${file} is not a JSON object`, 'give a JSON object keyed by clip id, e.g. {"7": {"title": "My title"}}', '--overrides');
  const out: NonNullable<CampaignRequest['overrides']> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 1 || !value || typeof value !== 'object') throw new InputError('OVERRIDES_INVALID', `--overrides ${file}: "${key}" is not a clip id with an object of overrides`, 'keys are clip ids (1, 2, …), values objects with caption, title, tags, options', '--overrides');
    const v = value as Record<string, unknown>;
    const unknown = Object.keys(v).filter((k) => !['caption', 'title', 'tags', 'options'].includes(k));
    if (unknown.length) throw new InputError('OVERRIDES_INVALID', `--overrides ${file}: clip ${id} has unknown field(s) ${unknown.join(', ')}`, 'use caption, title, tags, options', '--overrides');
    out[id] = v as NonNullable<CampaignRequest['overrides']>[number];
  }
  return out;
}

/** Warnings that depend on an account's credentials (e.g. a YouTube app in testing mode). */
async function addAccountWarnings(app: App, preview: CampaignPreview): Promise<void> {
  for (const t of preview.targets) {
    if (t.platform !== 'youtube' || t.accountId.startsWith('dry-run:')) continue;
    const account = await app.store.getAccount(t.accountId);
    if (!account) continue;
    const last = Math.max(...preview.posts.filter((p) => p.accountId === t.accountId).map((p) => p.scheduledAt));
    const warning = Number.isFinite(last) ? testingModeWarning(app.accounts.credentialsOf(account), { campaignEndsAt: last, now: app.clock.now() }) : undefined;
    if (warning) preview.plan.notes.push(`${t.platform}:${account.handle}: ${warning}`);
  }
}

function previewJson(p: CampaignPreview) {
  return {
    timezone: p.timezone,
    posts: p.posts.map((x) => ({ clipId: x.clipId, platform: x.platform, account: x.handle ?? x.accountId, scheduledAt: iso(x.scheduledAt), ...(x.content.title ? { title: x.content.title } : {}), caption: x.content.caption, ...(x.shifted ? { shiftedFrom: iso(x.shifted.from), shiftReason: x.shifted.reason } : {}) })),
    skipped: p.skipped.map((s) => ({ clipId: s.clipId, ...(s.platform ? { platform: s.platform } : {}), reason: s.reason })),
    warnings: p.findings.filter((f) => f.severity === 'warning').map((f) => ({ clipId: f.clipId, platform: f.platform, message: f.message })),
    notes: p.plan.notes,
    accountIssues: p.accountIssues.map((i) => ({ account: i.accountId, platform: i.platform, handle: i.handle, code: i.code, message: i.message, fix: i.fix })),
  };
}

function previewLines(p: CampaignPreview, dryRun: boolean): string[] {
  const rows = [['when (' + p.timezone + ')', 'UTC', 'clip', 'platform', 'account', 'caption (YouTube: title)'], ...p.posts.map((x) => [localTime(x.scheduledAt, p.timezone), iso(x.scheduledAt), String(x.clipId), x.platform, x.handle ?? '(no account yet)', x.content.title ? `title: ${textStart(x.content.title, 41)}` : textStart(x.content.caption)])];
  return [
    `${dryRun ? 'Dry run: ' : ''}${p.posts.length} posts for ${p.source.videoId} (${p.source.clips.length} clips) from ${p.source.root}`,
    ...table(rows).map((l) => `  ${l}`),
    ...(p.skipped.length ? ['Skipped:', ...p.skipped.map((s) => `  clip ${s.clipId ?? '-'}${s.platform ? ` on ${s.platform}` : ''}: ${s.reason}`)] : []),
    ...p.findings.filter((f) => f.severity === 'warning').map((f) => `  warning: clip ${f.clipId} ${f.platform}: ${f.message}`),
    ...p.plan.notes.map((n) => `  note: ${n}`),
    ...p.accountIssues.map((i) => `  error: ${i.message}; ${i.fix}`),
    ...(dryRun ? [p.accountIssues.length ? 'Nothing was written; publish would refuse until the error(s) above are fixed.' : 'Nothing was written.'] : []),
  ];
}

/** The start of a caption or title on one line, cut to fit a table column. */
function textStart(text: string, width = 48): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
