import type { EngineActivity } from '../core/engine/engine.js';
import type { Logger } from '../core/ports/notifier.js';

/** Where the queue stands (`KyselyStore.queueSummary`). */
export interface QueueStatus {
  /** Waiting posts whose time has come. */
  dueNow: number;
  /** When the next waiting post is due (ms), or null. */
  nextAt: number | null;
  /** Every post by state. */
  counts: Record<string, number>;
}

interface Upload {
  platform: string;
  bytes: number;
  total: number;
  started: number;
}

/**
 * The worker's progress view on a terminal: one status line (posts due now, the next one's time,
 * each upload with bytes, speed and ETA, published, failed), redrawn in place, with log lines printed
 * above it.
 */
export class ProgressView {
  #uploads = new Map<string, Upload>();
  #status: QueueStatus = { dueNow: 0, nextAt: null, counts: {} };
  #timer: NodeJS.Timeout;

  constructor(
    private readonly stream: NodeJS.WritableStream & { columns?: number },
    private readonly now: () => number = Date.now,
  ) {
    this.#timer = setInterval(() => this.#draw(), 250);
    this.#timer.unref();
  }

  activity(a: EngineActivity): void {
    if (a.type === 'upload') {
      const u = this.#uploads.get(a.postId) ?? { platform: a.platform, bytes: 0, total: a.total, started: this.now() };
      u.bytes = a.bytes;
      u.total = a.total;
      this.#uploads.set(a.postId, u);
      if (a.bytes >= a.total) this.#uploads.delete(a.postId);
    } else if (a.type === 'transition' && a.from === 'uploading') this.#uploads.delete(a.post.id);
  }

  /** The latest queue status (polled by the caller). */
  status(s: QueueStatus): void {
    this.#status = s;
    this.#draw();
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

  /** The status line as drawn (without the terminal's erase codes). */
  line(): string {
    const c = this.#status.counts;
    const now = this.now();
    const next = this.#status.nextAt;
    const uploads = [...this.#uploads.values()].map((u) => {
      const secs = Math.max(0.001, (now - u.started) / 1000);
      const speed = u.bytes / secs;
      const eta = speed > 0 ? (u.total - u.bytes) / speed : Infinity;
      return `${u.platform} ${mb(u.bytes)}/${mb(u.total)} MB ${(speed / 1e6).toFixed(1)} MB/s ETA ${Number.isFinite(eta) ? duration(eta * 1000) : '?'}`;
    });
    const inFlight = (c.preparing ?? 0) + (c.uploading ?? 0) + (c.processing ?? 0) + (c.publishing ?? 0);
    return [
      `due now ${this.#status.dueNow}`,
      next === null ? 'nothing scheduled' : `next ${clock(next, now)} (in ${duration(next - now)})`,
      `in flight ${inFlight}${uploads.length ? ` [${uploads.join(', ')}]` : ''}`,
      `published ${c.published ?? 0}`,
      `failed ${c.failed ?? 0}`,
      ...(c.needs_reauth ? [`needs reauth ${c.needs_reauth}`] : []),
    ].join(' | ');
  }

  #draw(): void {
    this.stream.write(`\r\x1b[2K${this.line().slice(0, (this.stream.columns ?? 120) - 1)}`);
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** `HH:MM` local time today, or `MM-DD HH:MM` on another day. */
function clock(ms: number, now: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === new Date(now).toDateString() ? hm : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

/** `45s`, `12m`, `3h20m`, `2d4h`. */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? `${Math.floor((s % 86_400) / 3600)}h` : ''}`;
}
