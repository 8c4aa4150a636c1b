import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import type { Post } from './types.js';

/** The posts planned in [from, to), kept current by the server-sent events of `/dashboard/live`. */
export function usePosts(from: string, to: string, signedIn: boolean) {
  const [posts, setPosts] = useState<Map<string, Post>>(new Map());
  const [progress, setProgress] = useState<Map<string, number>>(new Map());
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [live, setLive] = useState(false);
  const range = useRef({ from: Date.parse(from), to: Date.parse(to) });
  range.current = { from: Date.parse(from), to: Date.parse(to) };

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const next = new Map<string, Post>();
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({ from, to, limit: '10000', ...(cursor ? { cursor } : {}) });
        const page: { posts: Post[]; nextCursor: string | null } = await api.get(`/posts?${q.toString()}`);
        for (const p of page.posts) next.set(p.id, p);
        cursor = page.nextCursor;
      } while (cursor);
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
  const upsert = useCallback((p: Post) => {
    setPosts((old) => {
      const next = new Map(old);
      const at = Date.parse(p.scheduledAt);
      if (at >= range.current.from && at < range.current.to) next.set(p.id, p);
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
