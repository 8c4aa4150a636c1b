import { DateTime } from 'luxon';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from './api.js';
import { PLATFORM_NAMES, type Platform } from './types.js';

interface Preview {
  timezone: string;
  posts: number;
  lines: string[];
  findings: { clipId: number; platform: string; severity: string; message: string }[];
  skipped: { clipId: number | null; reason: string }[];
}

/** New campaign: pick a CLIPER folder under the server's source roots, preview the plan, then create it. */
export function NewCampaignPage(props: { zone: string; onCreated: (text: string) => void }) {
  const [sources, setSources] = useState<{ roots: string[]; folders: string[] } | undefined>();
  const [form, setForm] = useState({
    sourceDir: '',
    startDate: DateTime.now()
      .setZone(props.zone)
      .plus({ hours: 1 })
      .startOf('hour')
      .toFormat("yyyy-MM-dd'T'HH:mm"),
    interval: '4h',
    window: '',
  });
  const [platforms, setPlatforms] = useState<Platform[]>(['tiktok', 'instagram', 'youtube']);
  const [preview, setPreview] = useState<Preview | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.get<{ roots: string[]; folders: string[] }>('/dashboard/sources').then(
      (s) => {
        setSources(s);
        setForm((f) => ({ ...f, sourceDir: f.sourceDir || s.folders[0] || '' }));
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  const body = () => ({
    sourceDir: form.sourceDir,
    startDate: form.startDate.replace('T', ' '),
    interval: form.interval,
    platforms: [platforms.join(',')],
    timezone: props.zone,
    ...(form.window ? { window: form.window } : {}),
  });
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      setPreview(await api.post<Preview>('/dashboard/campaigns/preview', body()));
    } catch (err) {
      setPreview(undefined);
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const create = async () => {
    try {
      const res = await api.post<{ campaign: { name: string }; created: boolean; postCount?: number }>(
        '/campaigns',
        body(),
      );
      props.onCreated(
        res.created
          ? `Campaign ${res.campaign.name} created with ${res.postCount ?? 0} posts.`
          : `Campaign ${res.campaign.name} already exists; nothing new was planned.`,
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setForm({ ...form, [k]: e.target.value });
    setPreview(undefined);
  };
  return (
    <div className="new-campaign">
      <h2>New campaign</h2>
      {sources && !sources.roots.length && (
        <p className="hint">
          This server has no source roots: set CLIPCAST_SOURCE_ROOTS to the folders holding CLIPER output and
          restart it, or use <code>clipcast publish &lt;folder&gt;</code>.
        </p>
      )}
      <form onSubmit={(e) => void run(e)}>
        <label>
          CLIPER folder
          <select value={form.sourceDir} onChange={set('sourceDir')} required>
            {sources?.folders.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <label>
          Start ({props.zone}){' '}
          <input type="datetime-local" value={form.startDate} onChange={set('startDate')} required />
        </label>
        <label>
          Interval <input value={form.interval} onChange={set('interval')} placeholder="4h" required />
        </label>
        <label>
          Posting window (optional){' '}
          <input value={form.window} onChange={set('window')} placeholder="09:00-22:00" />
        </label>
        <fieldset>
          <legend>Platforms</legend>
          {(Object.keys(PLATFORM_NAMES) as Platform[]).map((p) => (
            <label key={p} className="check">
              <input
                type="checkbox"
                checked={platforms.includes(p)}
                onChange={(e) => {
                  setPlatforms(e.target.checked ? [...platforms, p] : platforms.filter((x) => x !== p));
                  setPreview(undefined);
                }}
              />{' '}
              {PLATFORM_NAMES[p]}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={!form.sourceDir || !platforms.length}>
          Preview the plan
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <section aria-label="Plan preview">
          <h3>
            {preview.posts} posts planned ({preview.timezone})
          </h3>
          {preview.findings.length > 0 && (
            <ul>
              {preview.findings.map((f, i) => (
                <li key={i} className={f.severity === 'error' ? 'error' : 'hint'}>
                  clip {f.clipId} {f.platform}: {f.message}
                </li>
              ))}
            </ul>
          )}
          {preview.skipped.map((s, i) => (
            <p key={i} className="hint">
              skipped {s.clipId === null ? '' : `clip ${s.clipId}`}: {s.reason}
            </p>
          ))}
          <pre className="plan">{preview.lines.join('\n')}</pre>
          <button type="button" onClick={() => void create()}>
            Create the campaign
          </button>
        </section>
      )}
    </div>
  );
}
