/**
 * Child of `bench/api.ts`: serves either the clipcast API over an existing CLIPCAST_HOME
 * (`api <home>`) or, as the baseline, a bare `node:http` server answering fixed bytes per path
 * (`baseline <json file of {path: body}>`). Prints `{"url": …}` once listening; exits when stdin closes.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { openApp } from '../src/app/open-app.js';
import { loadConfig } from '../src/config/load-config.js';
import { startServer } from '../src/server/build-server.js';

const [mode, arg] = process.argv.slice(2);
let stop: () => Promise<void>;
if (mode === 'api') {
  const app = await openApp(loadConfig({}, { home: arg ?? '' }));
  const { server, url } = await startServer({ app, port: 0, expectWorker: false, rateLimitPerMinute: 100_000_000 });
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  stop = async () => {
    await server.close();
    await app.close();
  };
} else {
  const bodies = JSON.parse(readFileSync(arg ?? '', 'utf8')) as Record<string, string>;
  const server = createServer((req, res) => {
    const body = bodies[(req.url ?? '').split('?')[0] ?? ''];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })}\n`);
  stop = () => new Promise((resolve) => server.close(() => resolve()));
}
process.stdin.resume();
process.stdin.on('end', () => void stop().then(() => process.exit(0)));
