import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '../../app/open-app.js';
import { Engine } from '../../core/engine/engine.js';
import { isInputError } from '../../core/input-error.js';
import { isFinalState } from '../../core/post-state.js';
import type { PostRecord, Store } from '../../core/ports/store.js';
import { clipMediaInfo, postizAdapterFor, postizClientFor } from '../../app/postiz-wiring.js';
import { listPostizChannelAccounts, platformOfProvider, postizOrgKey, resolvePostizTargets, syncPostizChannels } from '../../postiz/postiz-channels.js';
import { postEtas } from '../../postiz/postiz-pacer.js';
import { KyselySubmissionStore } from '../../store/postiz-submission-store.js';
import { iso } from '../format.js';
import type { CliContext } from '../cli-context.js';

/**
 * `--platforms` of `publish --backend postiz`: Postiz channel ids or names (or account ids of synced
 * channels), resolved to account ids. Unknown names trigger a sync with the server first; a dry run
 * writes nothing and plans an unsynced channel under its bare platform name.
 */
export async function postizTargets(app: App, specs: string[], dryRun: boolean): Promise<string[]> {
  const list = specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  try {
    return resolvePostizTargets(list, await listPostizChannelAccounts(app)).map((t) => t.account.id);
  } catch (error) {
    if (!isInputError(error)) throw error;
  }
  const client = postizClientFor(app);
  if (!dryRun) {
    await syncPostizChannels({ store: app.store, secrets: app.secrets, now: () => app.clock.now(), newId: app.newId }, client);
    return resolvePostizTargets(list, await listPostizChannelAccounts(app)).map((t) => t.account.id);
  }
  const synced = await listPostizChannelAccounts(app);
  const server = await client.integrations();
  return list.map((spec) => {
    const known = resolveOrUndefined(spec, synced);
    if (known) return known;
    const ch = server.find((c) => c.id === spec || c.name.toLowerCase() === spec.toLowerCase());
    const platform = ch && platformOfProvider(ch.identifier);
    if (!platform) resolvePostizTargets([spec], synced); // throws the InputError naming the spec
    return platform!;
  });
}

function resolveOrUndefined(spec: string, synced: Awaited<ReturnType<typeof listPostizChannelAccounts>>): string | undefined {
  try {
    return resolvePostizTargets([spec], synced)[0]!.account.id;
  } catch {
    return undefined;
  }
}

/** Where a Postiz campaign's submissions stand, with the pacer's ETA of the last one. */
export interface PostizProgress {
  /** Submissions (one per clip and planned time) in the campaign. */
  submissions: number;
  /** Of those, how many are sent. */
  submitted: number;
  /** When the last pending one should go, per the pacer and the durable send history (ms), or null when none is pending. */
  lastEta: number | null;
  postsPerHour: number;
}

/** Counts the campaign's submissions and estimates when the last pending one goes (`postEtas`). */
export async function postizProgress(app: App, campaignId: string): Promise<PostizProgress> {
  const client = postizClientFor(app);
  const subs = new KyselySubmissionStore(app.store, postizOrgKey(client.config), () => app.clock.now());
  const posts = await allPosts(app.store, campaignId);
  const keyOf = (p: PostRecord) => `${p.clipRowId}:${p.scheduledAt}`;
  const all = new Set(posts.filter((p) => p.state !== 'cancelled').map(keyOf));
  const pending = new Set(posts.filter((p) => !isFinalState(p.state) && typeof p.remote.postizPostId !== 'string').map(keyOf));
  const now = app.clock.now();
  const blockedUntil = await subs.blockedUntil();
  const etas = postEtas({ history: await subs.postAttempts(now - 2 * 3_600_000), limit: client.config.postsPerHour, now, ...(blockedUntil ? { blockedUntil } : {}) }, pending.size);
  return { submissions: all.size, submitted: all.size - pending.size, lastEta: etas.at(-1) ?? null, postsPerHour: client.config.postsPerHour };
}

/** The lines `publish` prints after creating a Postiz campaign. */
export function progressLines(p: PostizProgress, waiting: boolean): string[] {
  const lines = [`Postiz: ${p.submitted}/${p.submissions} submissions sent (one per clip, carrying all its channels; at most ${p.postsPerHour} per hour).`];
  if (p.lastEta !== null) lines.push(`  The last submission should go at ${iso(p.lastEta)}; Postiz publishes each post at its planned time.`);
  if (!waiting && p.submitted < p.submissions) lines.push('  `clipcast worker` submits them and follows the outcomes (or re-run with --wait to submit in the foreground).');
  return lines;
}

/**
 * `publish --wait`: runs the engine in the foreground, on this campaign's channel accounts only, until
 * every submission is sent (or its post is final). Sleeps (real time) until the next deferred one.
 */
export async function waitForSubmissions(ctx: CliContext, app: App, campaignId: string): Promise<PostizProgress> {
  const accountIds = new Set((await allPosts(app.store, campaignId)).map((p) => p.accountId));
  const others = (await app.store.listAccounts()).filter((a) => !accountIds.has(a.id)).map((a) => a.id);
  const postiz = postizAdapterFor(app);
  const engine = new Engine({
    store: scopedStore(app.store, others),
    accounts: app.accounts,
    adapterFor: (a) => {
      const adapter = postiz(a);
      if (!adapter) throw new Error(`account ${a.id} is not a Postiz channel`);
      return adapter;
    },
    mediaFor: clipMediaInfo,
    clock: app.clock,
    workerId: `cli-${hostname()}-${process.pid}`,
  });
  for (;;) {
    await engine.runDue();
    const progress = await postizProgress(app, campaignId);
    if (!ctx.json) ctx.err.write(`  ${progress.submitted}/${progress.submissions} submitted${progress.lastEta ? `; last expected ${iso(progress.lastEta)}` : ''}\n`);
    if (progress.submitted >= progress.submissions) return progress;
    const pending = (await allPosts(app.store, campaignId)).filter((p) => !isFinalState(p.state) && typeof p.remote.postizPostId !== 'string');
    if (!pending.length) return progress;
    const next = Math.min(...pending.map((p) => p.leaseUntil && p.leaseUntil > p.nextAttemptAt ? p.leaseUntil : p.nextAttemptAt));
    await sleep(Math.max(1_000, next - app.clock.now()));
  }
}

/** The store, claiming only posts of accounts not in `excluded` (so `--wait` never runs another campaign's direct posts). */
function scopedStore(store: Store, excluded: string[]): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'claimDuePosts') {
        return (input: Parameters<Store['claimDuePosts']>[0]) => target.claimDuePosts({ ...input, excludeAccountIds: [...(input.excludeAccountIds ?? []), ...excluded] });
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function allPosts(store: Store, campaignId: string): Promise<PostRecord[]> {
  const out: PostRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listPosts({ campaignId, limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.posts);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
