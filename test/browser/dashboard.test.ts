/// <reference lib="dom" />
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CAMPAIGN_DIR } from '../../src/app/run-demo.js';
import { createWorker, type Worker } from '../../src/worker/create-worker.js';
import {
  artifactsDir,
  buildWeb,
  dashboardFixture,
  launchChromium,
  type DashboardFixture,
} from './dashboard-harness.js';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

/** Plans the campaign on day D such that D and D + 1 are in the same month and D is after today (UTC). */
function campaignDay(): DateTime {
  const tomorrow = DateTime.utc().startOf('day').plus({ days: 1 });
  return tomorrow.plus({ days: 1 }).month === tomorrow.month ? tomorrow : tomorrow.plus({ days: 1 });
}

describe('dashboard in Chromium', () => {
  let fx: DashboardFixture;
  let close: () => Promise<void>;
  let page: Page;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const day = campaignDay();
  const dayKey = day.toISODate()!;
  const shots = artifactsDir();
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${fx.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${fx.key}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const postOf = async (id: string) =>
    (await api(`/posts/${id}`))['post'] as { scheduledAt: string; state: string };

  beforeAll(async () => {
    const webRoot = await buildWeb();
    fx = await dashboardFixture(webRoot);
    await fx.addCampaign(`${dayKey} 10:00`, '3h');
    const b = await launchChromium();
    close = b.close;
    page = await b.browser.newPage();
  }, 120_000);

  afterAll(async () => {
    worker?.stop();
    await running;
    await close?.();
    await fx?.close();
  });

  it('signs in with a key exchanged for an HttpOnly SameSite=Strict cookie, kept nowhere in the page', async () => {
    await page.goto(fx.url);
    await page.getByLabel('API key').fill(fx.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'clipcast_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    const stored = await page.evaluate(() =>
      JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }),
    );
    expect(stored).not.toContain(fx.key);
    expect(stored).not.toContain(session!.value);
    await page.screenshot({ path: join(shots, 'signed-in.png') });
  });

  it('shows the campaign in the month view', async () => {
    if (day.month !== DateTime.utc().month) await page.getByRole('button', { name: 'Next month' }).click();
    const cell = page.locator(`section[data-day="${dayKey}"]`);
    await expect.poll(() => cell.locator('button.count').textContent(), { timeout: 10_000 }).toBe('12');
    await expect.poll(() => cell.locator('.chip').count()).toBe(3);
    await expect.poll(() => cell.locator('.more').textContent()).toBe('+9 more');
    await page.screenshot({ path: join(shots, 'month.png'), fullPage: true });
    await cell.locator('.more').click();
    await expect.poll(() => page.locator('.timegrid .chip').count()).toBe(12);
    await page.screenshot({ path: join(shots, 'day.png') });
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.locator('.timegrid.cols-7').waitFor();
    await page.screenshot({ path: join(shots, 'week.png') });
    await page.getByRole('button', { name: 'Month', exact: true }).click();
  });

  it('drags a post to the next day; the API shows it moved', async () => {
    const chip = page.locator(`section[data-day="${dayKey}"] .chip`).first();
    const id = (await chip.getAttribute('data-post'))!;
    const before = Date.parse((await postOf(id)).scheduledAt);
    const next = day.plus({ days: 1 }).toISODate()!;
    await chip.dragTo(page.locator(`section[data-day="${next}"]`));
    await expect
      .poll(async () => Date.parse((await postOf(id)).scheduledAt), { timeout: 10_000 })
      .toBe(before + 86_400_000);
    await expect
      .poll(() => page.locator(`section[data-day="${next}"] .chip[data-post="${id}"]`).count())
      .toBe(1);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Moved the post');
  });

  it('moves with the keyboard from the drawer, and says in words why a past time is refused', async () => {
    const chip = page.locator(`section[data-day="${dayKey}"] .chip`).first();
    await chip.focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog');
    await drawer.getByLabel('Date').fill(DateTime.utc().minus({ days: 2 }).toISODate()!);
    await drawer.getByRole('button', { name: 'Move', exact: true }).click();
    await expect.poll(() => drawer.getByRole('alert').textContent()).toMatch(/that time has passed/);
    await page.screenshot({ path: join(shots, 'move-refused.png') });
    await page.keyboard.press('Escape');
  });

  it('cancels a post after confirmation', async () => {
    const chip = page.locator(`section[data-day="${dayKey}"] .chip`).first();
    const id = (await chip.getAttribute('data-post'))!;
    await chip.click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Text as sent to', { exact: false }).waitFor();
    await page.screenshot({ path: join(shots, 'drawer.png') });
    await drawer.getByRole('button', { name: 'Cancel post' }).click();
    expect((await postOf(id)).state).toBe('scheduled');
    await drawer.getByRole('button', { name: 'Yes, cancel it' }).click();
    await expect.poll(async () => (await postOf(id)).state, { timeout: 10_000 }).toBe('cancelled');
    await page.keyboard.press('Escape');
  });

  it('has no serious accessibility violations (axe-core), drawer open', async () => {
    await page.locator(`section[data-day="${dayKey}"] .chip`).first().click();
    await page.getByRole('dialog').getByText('Ledger').waitFor();
    const violations = await axe(page);
    expect(violations).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('watches a post go live from a worker on the sandbox, without a reload', async () => {
    const chip = page.locator(`section[data-day="${dayKey}"] .chip.st-scheduled`).first();
    const id = (await chip.getAttribute('data-post'))!;
    // Due in a moment, today: the calendar moves to today and waits for the live events.
    await api(`/posts/${id}/reschedule`, {
      method: 'POST',
      body: { at: new Date(Date.now() + 1_500).toISOString() },
    });
    await page.getByRole('button', { name: 'Today' }).click();
    const live = page.locator(`.chip[data-post="${id}"]`);
    await expect.poll(() => live.count(), { timeout: 10_000 }).toBe(1);
    worker = await createWorker({
      app: fx.app,
      logger: silent,
      sandbox: fx.sandbox.urls,
      idleCheckMs: 200,
      onActivity: fx.live.activity,
      tune: {
        tiktok: { pollInitialMs: 200, pollMaxMs: 300 },
        instagram: {
          poll: {
            firstDelayMs: 200,
            intervalMs: 300,
            backoff: 1,
            maxIntervalMs: 300,
            maxWaitMs: 30_000,
            lateIntervalMs: 300,
          },
        },
        youtube: { pollIntervalMs: 300 },
      },
    });
    running = worker.run();
    await expect
      .poll(() => live.getAttribute('class'), { timeout: 45_000, interval: 200 })
      .toContain('st-published');
    await page.screenshot({ path: join(shots, 'live-published.png') });
    await live.click();
    await expect
      .poll(() => page.getByRole('dialog').getByRole('link').first().getAttribute('href'))
      .toMatch(/^http/);
    await page.keyboard.press('Escape');
  }, 60_000);

  it('reads at 375 px and in dark mode; the accounts page passes axe too', async () => {
    await page.goto(`${fx.url}/#/accounts`);
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'accounts.png') });
    // YouTube's made-for-kids default is set from the page and saved through PATCH /accounts/{id}.
    const youtube = (
      (await api('/accounts')) as unknown as { id: string; platform: string; handle: string }[]
    ).find((a) => a.platform === 'youtube')!;
    await page.getByLabel(`Made for kids, ${youtube.handle}`).selectOption('true');
    await expect
      .poll(async () => (await api(`/accounts/${youtube.id}`))['settings'])
      .toEqual({ selfDeclaredMadeForKids: true });
    await page.getByLabel(`Made for kids, ${youtube.handle}`).selectOption('false');
    await expect
      .poll(async () => (await api(`/accounts/${youtube.id}`))['settings'])
      .toEqual({ selfDeclaredMadeForKids: false });
    await page.goto(`${fx.url}/#/`);
    await page.getByLabel('Theme').selectOption('dark');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('button', { name: 'Agenda', exact: true }).click();
    await page.locator('.agenda .chip').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'narrow-dark-agenda.png'), fullPage: false });
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await page.screenshot({ path: join(shots, 'narrow-dark-month.png'), fullPage: false });
  });

  it('plans a new campaign from a folder under the source roots: preview first, then create', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('CLIPER folder').selectOption({ label: join(fx.home, 'sources', 'example') });
    await page.getByLabel(/^Start/).fill(`${day.plus({ days: 2 }).toISODate()}T09:00`);
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Plan preview' }).getByRole('heading').textContent())
      .toMatch(/^12 posts planned/);
    const before = ((await api('/campaigns')) as unknown as unknown[]).length;
    await page.screenshot({ path: join(shots, 'new-campaign-preview.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create the campaign' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/created with 12 posts/);
    expect(((await api('/campaigns')) as unknown as unknown[]).length).toBe(before + 1);
  });

  it('uploads a CLIPER folder from this computer with progress, previews it and creates the campaign', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Upload from this computer').check();
    // The folder picker (webkitdirectory) gets the example folder: four clips, the clips file and a README.
    // The upload is held at the network layer until the page has shown its progress bar.
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/dashboard/uploads', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel(/^CLIPER folder to upload/).setInputFiles(EXAMPLE_CAMPAIGN_DIR);
    // Its label says how far it is (the progressbar's accessible name).
    // (The total is the request's: the files, 120 KB, and the multipart framing.)
    await page.getByRole('progressbar', { name: /^Uploading \d+ KB of 1[12]\d KB$/ }).waitFor();
    release();
    await page.getByText(/^Uploaded campaign: 4 clips, 5 files, 120 KB/).waitFor();
    await page.unroute('**/dashboard/uploads');
    await expect.poll(() => page.getByText(/^Left out 1 file/).textContent()).toMatch(/README\.md/);
    expect(await axe(page)).toEqual([]);
    await page.getByLabel(/^Start/).fill(`${day.plus({ days: 3 }).toISODate()}T09:00`);
    await page.getByRole('button', { name: 'Preview the plan' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Plan preview' }).getByRole('heading').textContent())
      .toMatch(/^12 posts planned/);
    await page.screenshot({ path: join(shots, 'new-campaign-upload.png'), fullPage: true });
    type Listed = { id: string; sourceDir: string; startAt: string };
    const uploaded = async () =>
      ((await api('/campaigns')) as unknown as Listed[]).filter((c) => c.sourceDir === 'upload:campaign');
    expect(await uploaded()).toEqual([]);
    await page.getByRole('button', { name: 'Create the campaign' }).click();
    // The page goes back to the calendar once the campaign exists.
    await page.waitForURL(/#\/$/);
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/created with 12 posts/);
    const made = await uploaded();
    expect(made).toHaveLength(1);
    expect(made[0]!.startAt).toBe(`${day.plus({ days: 3 }).toISODate()}T09:00:00.000Z`);
    const posts = (await api(`/posts?campaign=${made[0]!.id}`))['posts'] as { platform: string }[];
    expect(posts.map((p) => p.platform).sort()).toEqual([
      ...Array(4).fill('instagram'),
      ...Array(4).fill('tiktok'),
      ...Array(4).fill('youtube'),
    ]);
    // The staging folder of the upload is gone once the campaign exists.
    expect(readdirSync(join(fx.app.media.root, 'uploads'))).toEqual([]);
  });

  it('signs out: the cookie no longer opens the API', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    const status = await page.evaluate(async () => (await fetch('/posts')).status);
    expect(status).toBe(401);
  });
});

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page (WCAG 2 A/AA rules); returns the serious and critical violations. */
async function axe(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run(
          o: unknown,
        ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
      };
    };
    const r = await w.axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
  });
}
