import { DateTime } from 'luxon';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from './api.js';
import { notStarted, postTitle, stateText } from './post-chip.js';
import { PLATFORM_NAMES, toCalendarPost, type CalendarPost, type DrawerData, type Post } from './types.js';

interface DrawerProps {
  postId: string;
  zone: string;
  pct: number | undefined;
  /** Live version of the post (from the calendar), newer than the drawer's copy. */
  live: CalendarPost | undefined;
  onClose: () => void;
  onChanged: (posts: Post[]) => void;
  onMove: (post: CalendarPost, atIso: string, wholeClip: boolean) => Promise<string | undefined>;
  say: (text: string) => void;
}

/** The post drawer: preview, text as sent, ledger, platform link, and the actions the post allows. */
export function PostDrawer(props: DrawerProps) {
  const [data, setData] = useState<DrawerData | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  const load = async () => {
    try {
      setData(await api.get<DrawerData>(`/dashboard/posts/${encodeURIComponent(props.postId)}`));
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void load();
    ref.current?.focus();
  }, [props.postId, props.live?.state, props.live?.at]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props]);

  const post = data?.post;
  const act = async (what: string, fn: () => Promise<Post>) => {
    try {
      const p = await fn();
      props.onChanged([p]);
      props.say(`${what}.`);
      await load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <div
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drawer-title"
      tabIndex={-1}
      ref={ref}
    >
      <header>
        <h2 id="drawer-title">{post ? `${PLATFORM_NAMES[post.platform]} · clip ${post.clipId}` : 'Post'}</h2>
        <button type="button" onClick={props.onClose} aria-label="Close the post drawer">
          ×
        </button>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {post && data && (
        <>
          <p className="title">{postTitle(toCalendarPost(post))}</p>
          <dl className="facts">
            <dt>Account</dt>
            <dd>{data.account?.handle ?? post.accountId}</dd>
            <dt>When</dt>
            <dd>
              {DateTime.fromISO(post.scheduledAt, { zone: props.zone }).toFormat(
                'cccc d LLLL yyyy, HH:mm ZZZZ',
              )}
            </dd>
            <dt>State</dt>
            <dd className={`st-${post.state}`}>{stateText(toCalendarPost(post), props.pct)}</dd>
            {post.permalink && (
              <>
                <dt>Link</dt>
                <dd>
                  <a href={post.permalink} target="_blank" rel="noreferrer noopener">
                    {post.permalink}
                  </a>
                </dd>
              </>
            )}
          </dl>
          {data.mediaUrl && (
            <video
              className="preview"
              src={data.mediaUrl}
              controls
              preload="metadata"
              aria-label={`Preview of clip ${post.clipId}`}
            />
          )}

          <div className="actions">
            {notStarted(post) && post.state !== 'deferred' && (
              <MoveForm
                post={post}
                zone={props.zone}
                onMove={(p, at, whole) => props.onMove(toCalendarPost(p), at, whole)}
              />
            )}
            {post.state === 'failed' && (
              <button
                type="button"
                onClick={() => void act('Retry scheduled', () => api.post<Post>(`/posts/${post.id}/retry`))}
              >
                Retry
              </button>
            )}
            {notStarted(post) && !editing && (
              <button type="button" onClick={() => setEditing(true)}>
                Edit text
              </button>
            )}
            {notStarted(post) &&
              (confirming ? (
                <span className="confirm" role="group" aria-label="Confirm cancel">
                  Cancel this post?{' '}
                  <button
                    type="button"
                    className="danger"
                    onClick={() =>
                      void act('Post cancelled', () => api.post<Post>(`/posts/${post.id}/cancel`)).then(() =>
                        setConfirming(false),
                      )
                    }
                  >
                    Yes, cancel it
                  </button>
                  <button type="button" onClick={() => setConfirming(false)}>
                    Keep it
                  </button>
                </span>
              ) : (
                <button type="button" className="danger" onClick={() => setConfirming(true)}>
                  Cancel post
                </button>
              ))}
          </div>
          {editing && (
            <EditForm
              post={post}
              onDone={() => setEditing(false)}
              onSave={(body) =>
                act('Text saved', () => api.patch<Post>(`/dashboard/posts/${post.id}/content`, body))
              }
            />
          )}

          <h3>Text as sent to {PLATFORM_NAMES[post.platform]}</h3>
          <dl className="sent">
            {data.sent.fields.map((f) => (
              <div key={f.name}>
                <dt>{f.name}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>

          <h3>Ledger</h3>
          <ol className="ledger">
            {data.events.map((e) => (
              <li key={e.seq}>
                <time dateTime={e.at}>
                  {DateTime.fromISO(e.at, { zone: props.zone }).toFormat('d LLL HH:mm:ss')}
                </time>{' '}
                <span className="ev">{e.type}</span> <span className="evd">{describeEvent(e.data)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

function describeEvent(data: Record<string, unknown>): string {
  if (typeof data['from'] === 'string' && typeof data['to'] === 'string')
    return `${data['from']} → ${data['to']}${typeof data['reason'] === 'string' ? ` (${data['reason']})` : ''}`;
  const text = JSON.stringify(data);
  return text === '{}' ? '' : text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** The keyboard way to move a post: a date and a time in the view's zone, optionally the whole clip. */
function MoveForm(props: {
  post: Post;
  zone: string;
  onMove: (post: Post, atIso: string, wholeClip: boolean) => Promise<string | undefined>;
}) {
  const at = DateTime.fromISO(props.post.scheduledAt, { zone: props.zone });
  const [date, setDate] = useState(at.toISODate()!);
  const [time, setTime] = useState(at.toFormat('HH:mm'));
  const [whole, setWhole] = useState(false);
  const [refusal, setRefusal] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const iso = DateTime.fromISO(`${date}T${time}`, { zone: props.zone }).toISO();
    if (!iso) return setRefusal('That date or time is not valid.');
    setRefusal(await props.onMove(props.post, iso, whole));
    return undefined;
  };
  return (
    <form className="move" onSubmit={(e) => void submit(e)} aria-label="Move this post">
      <label>
        Date <input type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
      </label>
      <label>
        Time <input type="time" value={time} onChange={(e) => setTime(e.target.value)} required />
      </label>
      <label className="check">
        <input type="checkbox" checked={whole} onChange={(e) => setWhole(e.target.checked)} /> every platform
        of this clip
      </label>
      <button type="submit">Move</button>
      {refusal && (
        <p className="error" role="alert">
          {refusal}
        </p>
      )}
    </form>
  );
}

function EditForm(props: {
  post: Post;
  onSave: (body: Record<string, unknown>) => Promise<void>;
  onDone: () => void;
}) {
  const p = props.post;
  const [caption, setCaption] = useState(p.content.caption);
  const [title, setTitle] = useState(p.content.title ?? '');
  const [tags, setTags] = useState((p.content.tags ?? []).join(', '));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = { caption };
    if (p.platform === 'youtube') {
      if (title.trim()) body['title'] = title.trim();
      body['tags'] = tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
    }
    await props.onSave(body);
    props.onDone();
  };
  return (
    <form className="edit" onSubmit={(e) => void submit(e)} aria-label="Edit the text of this post">
      <label>
        Caption
        <textarea value={caption} onChange={(e) => setCaption(e.target.value)} rows={4} />
      </label>
      {p.platform === 'youtube' && (
        <>
          <label>
            YouTube title <input value={title} maxLength={100} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label>
            Tags (comma-separated) <input value={tags} onChange={(e) => setTags(e.target.value)} />
          </label>
        </>
      )}
      <button type="submit">Save text</button>
      <button type="button" onClick={props.onDone}>
        Discard
      </button>
    </form>
  );
}
