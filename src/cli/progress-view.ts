import type { EngineActivity } from '../core/engine/engine.js';
import type { Logger } from '../core/ports/notifier.js';

/**
 * The worker's progress view on a terminal: one status line (posts due, uploads with bytes and speed,
 * published, failed), redrawn in place, with log lines printed above it.
 */
export class ProgressView {
  #uploads = new Map<string, { platform: string; bytes: number; total: number; started: number }>();
  #counts: Record<string, number> = {};
  #timer: NodeJS.Timeout;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.#timer = setInterval(() => this.#draw(), 250);
    this.#timer.unref();
  }

  activity(a: EngineActivity): void {
    if (a.type === 'upload') {
      const u = this.#uploads.get(a.postId) ?? { platform: a.platform, bytes: 0, total: a.total, started: Date.now() };
      u.bytes = a.bytes;
      u.total = a.total;
      this.#uploads.set(a.postId, u);
      if (a.bytes >= a.total) this.#uploads.delete(a.postId);
    } else if (a.type === 'transition' && a.from === 'uploading') this.#uploads.delete(a.post.id);
  }

  counts(rows: { state: string; count: number }[]): void {
    const c: Record<string, number> = {};
    for (const r of rows) c[r.state] = (c[r.state] ?? 0) + r.count;
    this.#counts = c;
  }

  /** Wraps a logger so its lines print above the status line. */
  logger(inner: Logger): Logger {
    const wrap = (fn: keyof Logger) => (o: Record<string, unknown>, m: string) => {
      this.stream.write('\r\x1b[2K');
      inner[fn](o, m);
      this.#draw();
    };
    return { info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
  }

  close(): void {
    clearInterval(this.#timer);
    this.stream.write('\r\x1b[2K');
  }

  #draw(): void {
    const c = this.#counts;
    const due = (c.scheduled ?? 0) + (c.retry_wait ?? 0) + (c.deferred ?? 0);
    const uploads = [...this.#uploads.values()].map((u) => {
      const secs = Math.max(0.001, (Date.now() - u.started) / 1000);
      return `${u.platform} ${Math.round((u.bytes / Math.max(1, u.total)) * 100)}% ${(u.bytes / 1e6 / secs).toFixed(1)} MB/s`;
    });
    const line = `due ${due} | in flight ${(c.preparing ?? 0) + (c.uploading ?? 0) + (c.processing ?? 0) + (c.publishing ?? 0)}${uploads.length ? ` [${uploads.join(', ')}]` : ''} | published ${c.published ?? 0} | failed ${c.failed ?? 0}${c.needs_reauth ? ` | needs reauth ${c.needs_reauth}` : ''}`;
    this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns ?? 120) - 1)}`);
  }
}
