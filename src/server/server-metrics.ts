import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../core/ports/store.js';

/**
 * The Prometheus metrics `/metrics` exposes. Post counts come from the store at scrape time; the
 * engine feeds the rest through the methods below (one object per process, shared with the worker).
 *
 * @example
 * ```ts
 * const metrics = new ServerMetrics(app.store);
 * metrics.observePublish('tiktok', 42.5);
 * metrics.addUploadBytes('tiktok', 1_048_576);
 * metrics.remoteError('instagram', 'INSTAGRAM_RATE_LIMITED');
 * metrics.setQueueLag(3.2);
 * ```
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #publishLatency: Histogram<'platform'>;
  readonly #uploadBytes: Counter<'platform'>;
  readonly #remoteErrors: Counter<'platform' | 'code'>;
  readonly #queueLag: Gauge;
  readonly #httpRequests: Counter<'method' | 'route' | 'status'>;

  constructor(store: Pick<Store, 'countPostsByState'>, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    new Gauge({
      name: 'clipcast_posts',
      help: 'Posts by platform and state, read from the store at scrape time',
      labelNames: ['platform', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const row of await store.countPostsByState()) this.set({ platform: row.platform, state: row.state }, row.count);
      },
    });
    this.#publishLatency = new Histogram({
      name: 'clipcast_publish_latency_seconds',
      help: 'Seconds from a post being claimed to it being published',
      labelNames: ['platform'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.#uploadBytes = new Counter({ name: 'clipcast_upload_bytes_total', help: 'Video bytes acknowledged by the platforms', labelNames: ['platform'], registers });
    this.#remoteErrors = new Counter({ name: 'clipcast_remote_errors_total', help: 'Errors answered by the platforms, by stable error code', labelNames: ['platform', 'code'], registers });
    this.#queueLag = new Gauge({ name: 'clipcast_queue_lag_seconds', help: 'How late the oldest due post was when the worker last claimed', registers });
    this.#httpRequests = new Counter({ name: 'clipcast_http_requests_total', help: 'API requests by route and status', labelNames: ['method', 'route', 'status'], registers });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'clipcast_process_' });
  }

  /** Records one publish that took `seconds`. */
  observePublish(platform: string, seconds: number): void {
    this.#publishLatency.observe({ platform }, seconds);
  }

  addUploadBytes(platform: string, bytes: number): void {
    this.#uploadBytes.inc({ platform }, bytes);
  }

  /** Counts one remote error by its stable code (e.g. `TIKTOK_RATE_LIMITED`). */
  remoteError(platform: string, code: string): void {
    this.#remoteErrors.inc({ platform, code });
  }

  setQueueLag(seconds: number): void {
    this.#queueLag.set(seconds);
  }

  /** Counts one API request (the server calls this). */
  countRequest(method: string, route: string, status: number): void {
    this.#httpRequests.inc({ method, route, status: String(status) });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
