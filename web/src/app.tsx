import { DateTime } from 'luxon';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { AccountsPage } from './accounts-page.js';
import { api, ApiError } from './api.js';
import { AgendaView, MonthView, TimeGrid, type CalendarProps } from './calendar.js';
import { NewCampaignPage } from './new-campaign.js';
import { notStarted } from './post-chip.js';
import { PostDrawer } from './post-drawer.js';
import { SignIn } from './sign-in.js';
import { stepAnchor, today, viewRange, viewTitle, ZoneClock, zoneChoices, type View } from './time.js';
import {
  PLATFORM_NAMES,
  STATES,
  type Account,
  type CalendarPost,
  type Campaign,
  type Post,
} from './types.js';
import { usePosts } from './use-posts.js';

const VIEWS: View[] = ['month', 'week', 'day', 'agenda'];
// Only display preferences are remembered; never keys or tokens.
const prefs = { zone: localStorage.getItem('clipcast.zone'), theme: localStorage.getItem('clipcast.theme') };

function usePage(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#\/?/, '') || 'calendar';
}

/** The dashboard: sign-in, then the calendar, the accounts page and the new-campaign page. */
export function App() {
  const [session, setSession] = useState<{ signedIn: boolean; keyName?: string } | undefined>();
  const [theme, setTheme] = useState(prefs.theme ?? 'auto');
  useEffect(() => {
    api.session().then(setSession, () => setSession({ signedIn: false }));
  }, []);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
    localStorage.setItem('clipcast.theme', theme);
  }, [theme]);
  if (!session) return <p className="loading">Loading…</p>;
  if (!session.signedIn) return <SignIn onSignedIn={(keyName) => setSession({ signedIn: true, keyName })} />;
  return <Dashboard theme={theme} setTheme={setTheme} onSignOut={() => setSession({ signedIn: false })} />;
}

function Dashboard(props: { theme: string; setTheme: (t: string) => void; onSignOut: () => void }) {
  const page = usePage();
  const [zone, setZone] = useState(prefs.zone ?? (DateTime.local().zoneName || 'UTC'));
  const [view, setView] = useState<View>(
    window.matchMedia?.('(max-width: 600px)').matches ? 'agenda' : 'month',
  );
  const [anchor, setAnchor] = useState(today(zone));
  const [filters, setFilters] = useState({ campaign: '', account: '', platform: '', state: '' });
  const [wholeClip, setWholeClip] = useState(false);
  const [open, setOpen] = useState<string | undefined>();
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);

  const range = useMemo(() => viewRange(view, anchor, zone), [view, anchor, zone]);
  const { posts, progress, loading, error, live, upsert, reload } = usePosts(
    range.from.toUTC().toISO()!,
    range.to.toUTC().toISO()!,
    true,
  );
  const clock = useMemo(() => new ZoneClock(zone), [zone]);

  const loadCampaigns = useCallback(() => {
    api.get<Campaign[]>('/dashboard/campaigns').then(setCampaigns, () => undefined);
  }, []);
  useEffect(() => {
    api.get<Account[]>('/accounts').then(setAccounts, () => undefined);
    loadCampaigns();
  }, [loadCampaigns]);
  useEffect(() => localStorage.setItem('clipcast.zone', zone), [zone]);

  const handles = useMemo(() => new Map(accounts.map((a) => [a.id, a.handle])), [accounts]);
  const byDay = useMemo(() => {
    const out = new Map<string, CalendarPost[]>();
    const f = filters;
    for (const p of posts.values()) {
      if (
        (f.campaign && p.campaignId !== f.campaign) ||
        (f.account && p.accountId !== f.account) ||
        (f.platform && p.platform !== f.platform) ||
        (f.state && p.state !== f.state)
      )
        continue;
      const key = clock.dayKey(p.at);
      const list = out.get(key);
      if (list) list.push(p);
      else out.set(key, [p]);
    }
    for (const list of out.values()) list.sort((a, b) => a.at - b.at || (a.platform < b.platform ? -1 : 1));
    return out;
  }, [posts, filters, clock]);

  const say = (text: string, isError = false) => setMessage({ text, error: isError });

  /** Moves a post (and, when asked, every not-started platform of its clip); returns the refusal in words. */
  const move = async (post: CalendarPost, atIso: string, whole: boolean): Promise<string | undefined> => {
    const ids = whole
      ? [
          post.id,
          ...[...posts.values()]
            .filter(
              (p) =>
                p.id !== post.id &&
                p.campaignId === post.campaignId &&
                p.clipId === post.clipId &&
                notStarted(p),
            )
            .map((p) => p.id),
        ]
      : [post.id];
    try {
      const res = await api.post<{ posts: Post[] }>('/dashboard/move', { postIds: ids, at: atIso });
      res.posts.forEach(upsert);
      say(
        `Moved ${res.posts.length === 1 ? 'the post' : `${res.posts.length} posts`} to ${DateTime.fromISO(atIso, { zone }).toFormat('ccc d LLL, HH:mm')}.`,
      );
      return undefined;
    } catch (e) {
      const text = e instanceof ApiError ? e.message : String(e);
      say(text, true);
      return text;
    }
  };

  const onDrop = (postId: string, day: string, hour?: number) => {
    const post = posts.get(postId);
    if (!post) return;
    const at = DateTime.fromMillis(post.at, { zone });
    const target = DateTime.fromISO(day, { zone }).set({
      hour: hour ?? at.hour,
      minute: at.minute,
      second: at.second,
      millisecond: 0,
    });
    if (target.toMillis() === at.toMillis()) return;
    void move(post, target.toISO()!, wholeClip);
  };

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    props.onSignOut();
  };

  const calProps: CalendarProps = {
    days: range.days,
    byDay,
    clock,
    handles,
    progress,
    onOpen: setOpen,
    onDrop,
    onShowDay: (day) => {
      setAnchor(day);
      setView('day');
    },
    today: today(zone),
    anchorMonth: anchor.slice(0, 7),
  };
  const campaignOf = filters.campaign ? campaigns.find((c) => c.id === filters.campaign) : undefined;
  const shown = [...byDay.values()].reduce((n, l) => n + l.length, 0);

  return (
    <div className="app">
      <header className="top">
        <h1>clipcast</h1>
        <nav aria-label="Pages">
          <a href="#/" aria-current={page === 'calendar' ? 'page' : undefined}>
            Calendar
          </a>
          <a href="#/accounts" aria-current={page === 'accounts' ? 'page' : undefined}>
            Accounts
          </a>
          <a href="#/new" aria-current={page === 'new' ? 'page' : undefined}>
            New campaign
          </a>
        </nav>
        <span
          className={`live ${live ? 'on' : 'off'}`}
          title={live ? 'Live updates connected' : 'Live updates disconnected'}
        >
          {live ? '● live' : '○ offline'}
        </span>
        <label className="theme">
          <span className="sr-only">Theme</span>
          <select value={props.theme} onChange={(e) => props.setTheme(e.target.value)}>
            <option value="auto">Auto theme</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <div className="status" role="status" aria-live="polite">
        {message && <p className={message.error ? 'error' : 'ok'}>{message.text}</p>}
      </div>

      {page === 'accounts' && (
        <main>
          <AccountsPage zone={zone} />
        </main>
      )}
      {page === 'new' && (
        <main>
          <NewCampaignPage
            zone={zone}
            onCreated={(text) => {
              say(text);
              loadCampaigns();
              void reload();
              location.hash = '#/';
            }}
          />
        </main>
      )}
      {page === 'calendar' && (
        <main className={open ? 'with-drawer' : ''}>
          <div className="toolbar">
            <div className="nav" role="group" aria-label="Navigate">
              <button
                type="button"
                onClick={() => setAnchor(stepAnchor(view, anchor, -1, zone))}
                aria-label={`Previous ${view === 'agenda' ? 'month' : view}`}
              >
                ‹
              </button>
              <button type="button" onClick={() => setAnchor(today(zone))}>
                Today
              </button>
              <button
                type="button"
                onClick={() => setAnchor(stepAnchor(view, anchor, 1, zone))}
                aria-label={`Next ${view === 'agenda' ? 'month' : view}`}
              >
                ›
              </button>
            </div>
            <h2 className="vt">{viewTitle(view, anchor, zone)}</h2>
            <div className="views" role="group" aria-label="View">
              {VIEWS.map((v) => (
                <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
                  {v[0]!.toUpperCase() + v.slice(1)}
                </button>
              ))}
            </div>
          </div>
          <div className="filters">
            <label>
              Time zone
              <select value={zone} onChange={(e) => setZone(e.target.value)}>
                {zoneChoices(zone).map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </select>
            </label>
            <label>
              Campaign
              <select
                value={filters.campaign}
                onChange={(e) => setFilters({ ...filters, campaign: e.target.value })}
              >
                <option value="">All</option>
                {campaigns.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Account
              <select
                value={filters.account}
                onChange={(e) => setFilters({ ...filters, account: e.target.value })}
              >
                <option value="">All</option>
                {accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {PLATFORM_NAMES[a.platform]} {a.handle}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Platform
              <select
                value={filters.platform}
                onChange={(e) => setFilters({ ...filters, platform: e.target.value })}
              >
                <option value="">All</option>
                {Object.entries(PLATFORM_NAMES).map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              State
              <select
                value={filters.state}
                onChange={(e) => setFilters({ ...filters, state: e.target.value })}
              >
                <option value="">All</option>
                {STATES.map((s) => (
                  <option key={s} value={s}>
                    {s.replace('_', ' ')}
                  </option>
                ))}
              </select>
            </label>
            {campaignOf && (
              <CampaignControls
                campaign={campaignOf}
                onChanged={() => {
                  loadCampaigns();
                  void reload();
                }}
                say={say}
              />
            )}
            <label className="check">
              <input type="checkbox" checked={wholeClip} onChange={(e) => setWholeClip(e.target.checked)} />{' '}
              Drag moves every platform of the clip
            </label>
          </div>
          <p className="summary">
            {loading ? 'Loading…' : `${shown} post${shown === 1 ? '' : 's'}`}
            {error && <span className="error"> {error}</span>}
            <span className="hint">
              {' '}
              · Drag a post to another day or hour, or open it to move it with the keyboard.
            </span>
          </p>
          <div className="calendar" data-view={view}>
            {view === 'month' && <MonthView {...calProps} />}
            {(view === 'week' || view === 'day') && <TimeGrid {...calProps} />}
            {view === 'agenda' && <AgendaView {...calProps} />}
          </div>
          {open && (
            <PostDrawer
              postId={open}
              zone={zone}
              pct={progress.get(open)}
              live={posts.get(open)}
              onClose={() => setOpen(undefined)}
              onChanged={(ps) => ps.forEach(upsert)}
              onMove={move}
              say={say}
            />
          )}
        </main>
      )}
    </div>
  );
}

/** Pause or resume the campaign the calendar is filtered on. */
function CampaignControls(props: {
  campaign: Campaign;
  onChanged: () => void;
  say: (t: string, e?: boolean) => void;
}) {
  const c = props.campaign;
  if (c.state !== 'active') return null;
  const toggle = async () => {
    try {
      const res = await api.post<{ changedPosts: number }>(
        `/dashboard/campaigns/${c.id}/${c.paused ? 'resume' : 'pause'}`,
      );
      props.say(`Campaign ${c.name} ${c.paused ? 'resumed' : 'paused'} (${res.changedPosts} posts).`);
      props.onChanged();
    } catch (e) {
      props.say((e as Error).message, true);
    }
  };
  return (
    <button type="button" onClick={() => void toggle()}>
      {c.paused ? 'Resume campaign' : 'Pause campaign'}
    </button>
  );
}
