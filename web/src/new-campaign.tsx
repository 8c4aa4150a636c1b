import { DateTime } from 'luxon';
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { api, ApiError } from './api.js';
import { PLATFORM_NAMES, type Platform } from './types.js';

interface Preview {
  timezone: string;
  posts: number;
  lines: string[];
  findings: { clipId: number; platform: string; severity: string; message: string }[];
  skipped: { clipId: number | null; reason: string }[];
}

interface Uploaded {
  uploadId: string;
  videoId: string;
  folder: string | null;
  clips: number;
  files: number;
  bytes: number;
}

/** The files of a picked folder an upload takes (clips and the clips file), the folder's name, and what is left out. */
export function uploadFiles(list: FileList | File[]): {
  folder: string | null;
  files: { name: string; file: File }[];
  left: string[];
} {
  const files: { name: string; file: File }[] = [];
  const left: string[] = [];
  let folder: string | null = null;
  for (const file of Array.from(list)) {
    // webkitRelativePath is "<picked folder>/viral/3.mp4"; a plain file pick has none.
    const parts = (file.webkitRelativePath || file.name).split('/');
    if (file.webkitRelativePath && parts.length > 1) {
      const top = parts.shift()!;
      folder ??= top;
    }
    const name = parts.join('/');
    const base = parts[parts.length - 1] ?? '';
    const keep = !base.startsWith('.') && (/\.mp4$/i.test(base) || base.toLowerCase() === 'clips_copys.json');
    if (keep) files.push({ name, file });
    else left.push(name);
  }
  return { folder, files, left };
}

function size(bytes: number): string {
  return bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * New campaign: pick a CLIPER folder under the server's source roots, or upload one from this computer
 * (streamed to the server, with progress), preview the plan, then create it.
 */
export function NewCampaignPage(props: { zone: string; onCreated: (text: string) => void }) {
  const [sources, setSources] = useState<{ roots: string[]; folders: string[] } | undefined>();
  const [mode, setMode] = useState<'server' | 'upload'>('server');
  const [uploaded, setUploaded] = useState<Uploaded | undefined>();
  const [progress, setProgress] = useState<{ sent: number; total: number } | undefined>();
  const [leftOut, setLeftOut] = useState<string[]>([]);
  const uploadedRef = useRef<string | undefined>(undefined);
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
        if (!s.folders.length) setMode('upload');
      },
      (e: Error) => setError(e.message),
    );
    // An upload left without a campaign is removed when the page closes (the server also expires it).
    return () => {
      if (uploadedRef.current)
        void api.del(`/dashboard/uploads/${uploadedRef.current}`).catch(() => undefined);
    };
  }, []);
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const list = e.target.files;
    setError(undefined);
    setPreview(undefined);
    if (uploadedRef.current) void api.del(`/dashboard/uploads/${uploadedRef.current}`).catch(() => undefined);
    uploadedRef.current = undefined;
    setUploaded(undefined);
    if (!list?.length) return;
    const { folder, files, left } = uploadFiles(list);
    setLeftOut(left);
    if (!files.length) {
      setError(
        'None of the picked files is a clip (.mp4) or clips_copys.json: pick the CLIPER folder of one video.',
      );
      return;
    }
    const data = new FormData();
    if (folder) data.append('folder', folder);
    for (const f of files) data.append('files', f.file, f.name);
    const total = files.reduce((n, f) => n + f.file.size, 0);
    setProgress({ sent: 0, total });
    try {
      const res = await api.upload<Uploaded>('/dashboard/uploads', data, (sent, all) =>
        setProgress({ sent, total: all || total }),
      );
      uploadedRef.current = res.uploadId;
      setUploaded(res);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setProgress(undefined);
    }
  };
  const plan = () => ({
    startDate: form.startDate.replace('T', ' '),
    interval: form.interval,
    platforms: [platforms.join(',')],
    timezone: props.zone,
    ...(form.window ? { window: form.window } : {}),
  });
  const body = () => ({ sourceDir: form.sourceDir, ...plan() });
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      setPreview(
        mode === 'upload' && uploaded
          ? await api.post<Preview>(`/dashboard/uploads/${uploaded.uploadId}/preview`, plan())
          : await api.post<Preview>('/dashboard/campaigns/preview', body()),
      );
    } catch (err) {
      setPreview(undefined);
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const create = async () => {
    try {
      type Created = { campaign: { name: string }; created: boolean; postCount?: number };
      const res =
        mode === 'upload' && uploaded
          ? await api.post<Created>(`/dashboard/uploads/${uploaded.uploadId}/campaign`, plan())
          : await api.post<Created>('/campaigns', body());
      if (mode === 'upload') uploadedRef.current = undefined;
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
      <fieldset className="source">
        <legend>Clips from</legend>
        <label className="check">
          <input
            type="radio"
            name="source"
            checked={mode === 'server'}
            onChange={() => {
              setMode('server');
              setPreview(undefined);
            }}
          />{' '}
          A folder on the server
        </label>
        <label className="check">
          <input
            type="radio"
            name="source"
            checked={mode === 'upload'}
            onChange={() => {
              setMode('upload');
              setPreview(undefined);
            }}
          />{' '}
          Upload from this computer
        </label>
      </fieldset>
      {mode === 'server' && sources && !sources.roots.length && (
        <p className="hint">
          This server has no source roots: set CLIPCAST_SOURCE_ROOTS to the folders holding CLIPER output and
          restart it, upload the folder instead, or use <code>clipcast publish &lt;folder&gt;</code>.
        </p>
      )}
      {mode === 'upload' && (
        <div className="upload">
          <label>
            CLIPER folder to upload (output/&lt;video name&gt;/)
            <input
              type="file"
              // React does not know the attribute; Chromium, Firefox and Safari all take it.
              {...{ webkitdirectory: '', directory: '' }}
              multiple
              onChange={(e) => void pick(e)}
              disabled={!!progress}
            />
          </label>
          <label>
            Or pick the files: the .mp4 clips and clips_copys.json
            <input
              type="file"
              multiple
              accept=".mp4,video/mp4,.json,application/json"
              onChange={(e) => void pick(e)}
              disabled={!!progress}
            />
          </label>
          {progress && (
            <label>
              Uploading {size(progress.sent)} of {size(progress.total)}
              <progress max={progress.total || 1} value={progress.sent} />
            </label>
          )}
          {uploaded && (
            <p className="hint" aria-live="polite">
              Uploaded {uploaded.folder ?? uploaded.videoId}: {uploaded.clips} clips, {uploaded.files} files,{' '}
              {size(uploaded.bytes)}.
            </p>
          )}
          {leftOut.length > 0 && (
            <p className="hint">
              Left out {leftOut.length} file{leftOut.length > 1 ? 's' : ''} that{' '}
              {leftOut.length > 1 ? 'are' : 'is'} not a clip: {leftOut.slice(0, 5).join(', ')}
              {leftOut.length > 5 ? ', …' : ''}
            </p>
          )}
        </div>
      )}
      <form onSubmit={(e) => void run(e)}>
        {mode === 'server' && (
          <label>
            CLIPER folder
            <select value={form.sourceDir} onChange={set('sourceDir')} required>
              {sources?.folders.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
        )}
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
        <button
          type="submit"
          disabled={(mode === 'server' ? !form.sourceDir : !uploaded) || !platforms.length || !!progress}
        >
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
