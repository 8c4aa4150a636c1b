import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { toCalendarPost, type CalendarPost, type Post } from './types.js';

/** `GET /dashboard/calendar`: compact rows whose small numbers index the lists beside them. */
interface CalendarPage {
  from: number;
  campaigns: string[];
  accounts: string[];
  platforms: string[];
  states: string[];
  titles: string[];
  rows: [string, number, number, number, number, number, number, number, (string | null)?, string?][];
}

/** The posts planned in [from, to), kept current by the server-sent events of `/dashboard/live`. */
export function usePosts(from: string, to: string, signedIn: boolean) {
  const [posts, setPosts] = useState<Map<string, CalendarPost>>(new Map());
  const [progress, setProgress] = useState<Map<string, number>>(new Map());
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [live, setLive] = useState(false);
  const range = useRef({ from: Date.parse(from), to: Date.parse(to) });
  range.current = { from: Date.parse(from), to: Date.parse(to) };

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const next = new Map<string, CalendarPost>();
      const q = new URLSearchParams({ from, to });
      const page = await api.get<CalendarPage>(`/dashboard/calendar?${q.toString()}`);
      for (const r of page.rows) {
        const id = r[0];
        next.set(id, {
          id,
          campaignId: page.campaigns[r[1]]!,
          clipId: r[2],
          accountId: page.accounts[r[3]]!,
          platform: page.platforms[r[4]] as CalendarPost['platform'],
          at: page.from + r[5] * 1000,
          state: page.states[r[6]] as CalendarPost['state'],
          title: page.titles[r[7]]!,
          reason: r[8] ?? null,
          permalink: r[9] ?? null,
        });
      }
      setPosts(next);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [from, to]);

  useEffect(() => {
    if (signedIn) void load();
  }, [load, signedIn]);

  /** Puts a post's new version in place (or removes it when it left the range). */
  const upsert = useCallback((full: Post) => {
    const p = toCalendarPost(full);
    setPosts((old) => {
      const next = new Map(old);
      if (p.at >= range.current.from && p.at < range.current.to) next.set(p.id, p);
      else next.delete(p.id);
      return next;
    });
  }, []);

  useEffect(() => {
    if (!signedIn) return undefined;
    const source = new EventSource('/dashboard/live');
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.addEventListener('post', (e) => {
      const p = JSON.parse((e as MessageEvent<string>).data) as Post;
      upsert(p);
      if (p.state !== 'uploading')
        setProgress((old) => (old.has(p.id) ? new Map([...old].filter(([k]) => k !== p.id)) : old));
    });
    source.addEventListener('upload', (e) => {
      const u = JSON.parse((e as MessageEvent<string>).data) as {
        postId: string;
        bytes: number;
        total: number;
      };
      setProgress((old) => new Map(old).set(u.postId, u.total ? Math.round((u.bytes / u.total) * 100) : 0));
    });
    return () => source.close();
  }, [signedIn, upsert]);

  return { posts, progress, loading, error, live, reload: load, upsert };
}
