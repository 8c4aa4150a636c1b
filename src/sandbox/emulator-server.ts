import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { systemClock, type Clock } from '../core/clock.js';
import { FaultPlan, type FaultRule } from './fault-plan.js';

/** A request as an emulator route sees it. */
export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  url: URL;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  raw: IncomingMessage;
  /** Reads the whole body (for small JSON/form bodies; routes that take large bodies stream `raw`). */
  body(limitBytes?: number): Promise<Buffer>;
  json<T = unknown>(limitBytes?: number): Promise<T>;
  form(limitBytes?: number): Promise<URLSearchParams>;
}

/** What a route answers. A `Buffer` or string body is sent as is; anything else as JSON. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string | number>;
  body?: unknown;
}

/** A route handler. Returning undefined means the handler wrote the response itself. */
export type RouteHandler = (req: EmulatorRequest) => Promise<EmulatorResponse | void> | EmulatorResponse | void;

/** Options of {@link EmulatorServer}. */
export interface EmulatorServerOptions {
  /** Name shown in logs and the control endpoint, e.g. `tiktok`. */
  name: string;
  /** Clock for token lifetimes, status progressions and windows. Default: the system clock. */
  clock?: Clock;
  /** Host to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port to bind. Default 0 (any free port). */
  port?: number;
  /** Seed of the fault plan's RNG. */
  seed?: number;
}

interface Route {
  method: string;
  regex: RegExp;
  keys: string[];
  handler: RouteHandler;
}

/** Thrown by body readers when the body exceeds the limit; answered 413. */
export class BodyTooLargeError extends Error {}

/**
 * A real HTTP server on 127.0.0.1 that an emulator builds on: routing with `:params`, a fault plan
 * applied before every route, a request log, and a control API under `/__sandbox/` (`GET state`,
 * `GET|POST|DELETE faults`) so another process can inspect it and arm faults.
 *
 * @example
 * ```ts
 * const server = new EmulatorServer({ name: 'demo' });
 * server.route('GET', '/v1/things/:id', (req) => ({ status: 200, body: { id: req.params.id } }));
 * const url = await server.listen();
 * ```
 */
export class EmulatorServer {
  readonly name: string;
  readonly clock: Clock;
  readonly faults: FaultPlan;
  /** Every request seen: method, path, status answered (0 when the connection was dropped). */
  readonly requests: { method: string; path: string; status: number; at: number }[] = [];
  #routes: Route[] = [];
  #server: Server;
  #sockets = new Set<Socket>();
  #host: string;
  #port: number;
  #url = '';
  #stateProvider: () => unknown = () => ({});

  constructor(options: EmulatorServerOptions) {
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.faults = new FaultPlan(undefined);
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? 0;
    this.#server = createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) => {
      void this.#handle(req, res);
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** The base URL once listening, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    if (!this.#url) throw new Error(`${this.name} emulator is not listening yet`);
    return this.#url;
  }

  /** Registers a route. Patterns use `:name` segments; a trailing slash is significant (as on the real APIs). */
  route(method: string, pattern: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.#routes.push({ method: method.toUpperCase(), regex: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  /** Sets what `GET /__sandbox/state` returns. */
  setStateProvider(provider: () => unknown): void {
    this.#stateProvider = provider;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, this.#host, () => resolve());
    });
    const address = this.#server.address() as AddressInfo;
    this.#url = `http://${this.#host}:${address.port}`;
    return this.#url;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const log = { method, path, status: 0, at: this.clock.now() };
    this.requests.push(log);
    res.on('finish', () => (log.status = res.statusCode));
    try {
      if (path.startsWith('/__sandbox/')) return await this.#control(method, path, req, res);
      const fault = this.faults.take(method, path);
      let dropAfter = false;
      let after: Extract<typeof fault, { kind: 'status-after' }> | undefined;
      if (fault) {
        switch (fault.kind) {
          case 'status': {
            const headers: Record<string, string | number> = { ...(fault.headers ?? {}) };
            if (fault.retryAfterSec !== undefined) headers['retry-after'] = fault.retryAfterSec;
            req.resume();
            return send(res, { status: fault.status, headers, body: fault.body ?? { error: 'injected fault' } });
          }
          case 'reset':
            req.socket.destroy();
            return;
          case 'reset-mid-body':
            await readHalfThenReset(req);
            return;
          case 'delay':
            await delay(fault.ms);
            break;
          case 'drop-response':
            dropAfter = true;
            break;
          case 'status-after':
            after = fault;
            break;
        }
      }
      const match = this.#match(method, path);
      if (!match) {
        req.resume();
        return send(res, { status: 404, body: { error: { message: `No route ${method} ${path}` } } });
      }
      const request = makeRequest(req, url, match.params);
      const answer = await match.route.handler(request);
      if (dropAfter) {
        req.socket.destroy();
        return;
      }
      if (after) return send(res, { status: after.status, headers: { ...(after.headers ?? {}) }, body: after.body ?? { error: 'injected fault' } });
      if (answer) send(res, answer);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return send(res, { status: 413, body: { error: 'body too large' } });
      if (!res.headersSent) send(res, { status: 500, body: { error: { message: String(error) } } });
      else res.destroy();
    }
  }

  #match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
      return { route, params };
    }
    return undefined;
  }

  async #control(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = makeRequest(req, new URL(req.url ?? '/', 'http://x'), {});
    if (path === '/__sandbox/state' && method === 'GET') {
      return send(res, { status: 200, body: { name: this.name, state: this.#stateProvider() } });
    }
    if (path === '/__sandbox/faults') {
      if (method === 'GET') return send(res, { status: 200, body: { faults: this.faults.list(), fired: this.faults.fired } });
      if (method === 'DELETE') {
        this.faults.clear();
        return send(res, { status: 204 });
      }
      if (method === 'POST') {
        const body = await request.json<FaultRule | FaultRule[]>();
        for (const rule of Array.isArray(body) ? body : [body]) this.faults.add(rule);
        return send(res, { status: 200, body: { faults: this.faults.list() } });
      }
    }
    req.resume();
    return send(res, { status: 404, body: { error: 'unknown control path' } });
  }
}

function makeRequest(req: IncomingMessage, url: URL, params: Record<string, string>): EmulatorRequest {
  let cached: Promise<Buffer> | undefined;
  const body = (limitBytes = 10 * 1024 * 1024): Promise<Buffer> => (cached ??= readBody(req, limitBytes));
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    url,
    params,
    headers: req.headers,
    raw: req,
    body,
    async json<T>(limitBytes?: number): Promise<T> {
      const buf = await body(limitBytes);
      return (buf.length ? JSON.parse(buf.toString('utf8')) : {}) as T;
    },
    async form(limitBytes?: number): Promise<URLSearchParams> {
      return new URLSearchParams((await body(limitBytes)).toString('utf8'));
    },
  };
}

async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      req.resume();
      throw new BodyTooLargeError(`body over ${limitBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readHalfThenReset(req: IncomingMessage): Promise<void> {
  const expected = Number(req.headers['content-length'] ?? 0);
  let seen = 0;
  await new Promise<void>((resolve) => {
    const stop = () => {
      req.socket.destroy();
      resolve();
    };
    if (!expected) return stop();
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= expected / 2) stop();
    });
    req.on('end', stop);
    req.on('error', () => resolve());
  });
}

/** Writes an {@link EmulatorResponse}. */
export function send(res: ServerResponse, answer: EmulatorResponse): void {
  const headers: Record<string, string | number> = { ...(answer.headers ?? {}) };
  let payload: Buffer | string | undefined;
  if (answer.body === undefined || answer.status === 204 || answer.status === 304) payload = undefined;
  else if (Buffer.isBuffer(answer.body) || typeof answer.body === 'string') payload = answer.body;
  else {
    payload = typeof answer.body === 'object' && answer.body !== null && RAW_JSON in answer.body
      ? String((answer.body as { [RAW_JSON]: string })[RAW_JSON])
      : JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json; charset=UTF-8';
  }
  if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
  res.writeHead(answer.status, headers);
  res.end(payload);
}

const RAW_JSON = Symbol.for('clipcast.rawJson');

/**
 * A JSON body given as text, sent verbatim: for numbers JSON.stringify cannot write exactly
 * (ids beyond 2^53, as TikTok and Meta send them).
 *
 * @example
 * ```ts
 * return { status: 200, body: rawJson(`{"data":{"publish_id":${bigId}}}`) };
 * ```
 */
export function rawJson(text: string): { [RAW_JSON]: string } {
  return { [RAW_JSON]: text };
}
