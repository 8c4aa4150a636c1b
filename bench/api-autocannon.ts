import { createRequire } from 'node:module';

/** The slice of autocannon's result the API bench reads. */
export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
}

type Autocannon = (options: { url: string; connections: number; duration: number; headers?: Record<string, string>; pipelining?: number }) => Promise<LoadResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/**
 * Runs autocannon against `url` for `duration` seconds with `connections` connections.
 *
 * @example
 * ```ts
 * const r = await load(`${url}/healthz`, { connections: 10, duration: 5 });
 * console.log(r.requests.average, r.latency.p99);
 * ```
 */
export async function load(url: string, options: { connections: number; duration: number; headers?: Record<string, string> }): Promise<LoadResult> {
  return autocannon({ url, connections: options.connections, duration: options.duration, ...(options.headers ? { headers: options.headers } : {}) });
}
