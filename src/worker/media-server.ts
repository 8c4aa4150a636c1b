import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mediaHandlerFor, mediaSigner } from '../app/media-signer.js';
import type { App } from '../app/open-app.js';
import type { MediaUrlSigner } from '../media/signed-url.js';

/** A running media server. */
export interface MediaServer {
  /** The address it listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Signs URLs under the public URL (default {@link MediaServer.url}), with the key `serve` uses too. */
  signer: MediaUrlSigner;
  close(): Promise<void>;
}

/**
 * Serves the signed media route (`GET|HEAD /media/<sha256>?exp=…&sig=…`, byte ranges) from the worker
 * itself, so a worker alone can publish what platforms pull by URL (Instagram Login reels'
 * `video_url`, TikTok `PULL_FROM_URL`): the same handler and signing key as `clipcast serve`. Anything
 * else answers 404.
 *
 * @example
 * ```ts
 * const media = await startMediaServer(app, { host: '127.0.0.1', port: 8080, publicUrl: 'https://clips.example.com' });
 * ```
 */
export async function startMediaServer(app: App, listen: { host: string; port: number; publicUrl?: string }): Promise<MediaServer> {
  // Set once the server listens and the signer (which needs the URL) exists.
  const ready: { handle?: (req: IncomingMessage, res: ServerResponse) => Promise<void> } = {};
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handle = ready.handle;
    if (handle && (req.method === 'GET' || req.method === 'HEAD') && path.startsWith('/media/')) {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: this worker serves /media/* only\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const url = `http://${host}:${port}`;
  const signer = (await mediaSigner(app, listen.publicUrl ?? url))!;
  ready.handle = mediaHandlerFor(app, signer);
  return {
    url,
    signer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
