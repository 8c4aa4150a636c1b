/**
 * The deployment files (Dockerfile, compose.yaml, the systemd unit) are checked two ways, since no
 * Docker engine runs here: their structure and wiring are read and asserted, and the exact commands the
 * containers and the unit run are run outside Docker, against a real PostgreSQL and the sandbox.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/clipcast.js');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string | number>;
  env_file?: { path: string; required: boolean }[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: { test?: string[]; disable?: boolean };
  ports?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

const compose = parse(await readFile(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as Compose;
const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
const unit = await readFile(join(ROOT, 'deploy/systemd/clipcast.service'), 'utf8');

/** Dockerfile instructions, with continuation lines joined. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** A compose value with `${VAR:-default}` / `${VAR:?msg}` replaced the way compose would from `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, kind?: string, rest?: string) => {
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (kind === '-') return rest ?? '';
    throw new Error(`compose would refuse: ${name} unset (${rest ?? ''})`);
  });
}

describe('compose.yaml wiring', () => {
  const s = compose.services;

  it('runs the API without a worker, two worker replicas and PostgreSQL with a health check and a volume', () => {
    expect(s.api?.command?.slice(0, 2)).toEqual(['serve', '--no-worker']);
    expect(s.api?.command).toContain('0.0.0.0');
    expect(s.worker?.command).toEqual(['worker']);
    expect(s.worker?.deploy?.replicas).toBe(2);
    expect(s.postgres?.healthcheck?.test?.join(' ')).toMatch(/pg_isready/);
    expect(s.postgres?.volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
  });

  it('gives every clipcast service the same image, data volume, database and secret key', () => {
    const vars = { CLIPCAST_DB_PASSWORD: 'pw', CLIPCAST_SECRET_KEY: 'k' };
    const pgEnv = s.postgres!.environment!;
    for (const name of ['api', 'worker']) {
      const svc = s[name]!;
      expect(svc.build).toBe('.');
      expect(svc.volumes).toContain('clipcast-data:/data');
      expect(svc.environment?.CLIPCAST_HOME).toBe('/data');
      expect(svc.depends_on?.postgres?.condition).toBe('service_healthy');
      const url = new URL(interpolate(String(svc.environment?.CLIPCAST_DATABASE_URL), vars));
      expect(url.hostname).toBe('postgres');
      expect(url.username).toBe(pgEnv.POSTGRES_USER);
      expect(url.password).toBe(interpolate(String(pgEnv.POSTGRES_PASSWORD), vars));
      expect(url.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
      expect(svc.environment?.CLIPCAST_SECRET_KEY).toMatch(/\$\{CLIPCAST_SECRET_KEY:\?/);
    }
    // Required values are refused loudly, not replaced by an empty string.
    expect(() => interpolate(String(s.api!.environment!.CLIPCAST_SECRET_KEY), {})).toThrow(/CLIPCAST_SECRET_KEY/);
  });

  it('wires the postiz profile as Postiz documents it (app, PostgreSQL, Redis, Temporal), apart from the default services', () => {
    const postizServices = Object.entries(s).filter(([, v]) => v.profiles?.includes('postiz')).map(([k]) => k);
    expect(postizServices.sort()).toEqual(['postiz', 'postiz-postgres', 'postiz-redis', 'temporal', 'temporal-elasticsearch', 'temporal-postgresql']);
    for (const name of ['api', 'worker', 'postgres']) expect(s[name]!.profiles).toBeUndefined();
    const env = s.postiz!.environment!;
    const db = new URL(interpolate(String(env.DATABASE_URL), {}));
    expect(db.hostname).toBe('postiz-postgres');
    expect(db.username).toBe(s['postiz-postgres']!.environment!.POSTGRES_USER);
    expect(db.password).toBe(interpolate(String(s['postiz-postgres']!.environment!.POSTGRES_PASSWORD), {}));
    expect(new URL(String(env.REDIS_URL)).hostname).toBe('postiz-redis');
    expect(String(env.TEMPORAL_ADDRESS)).toBe('temporal:7233');
    expect(env.JWT_SECRET).toBeUndefined(); // from postiz.env, never a default in the file
    expect(s.postiz!.env_file?.[0]?.path).toBe('postiz.env');
  });

  it('has every dependency and named volume declared, and dependencies within reach of the profile', () => {
    for (const [name, svc] of Object.entries(s)) {
      for (const dep of Object.keys(svc.depends_on ?? {})) {
        expect(s[dep], `${name} depends on ${dep}`).toBeDefined();
        if (!svc.profiles) expect(s[dep]!.profiles, `${name} (always on) depends on ${dep}`).toBeUndefined();
      }
      for (const v of svc.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(compose.volumes, `${name} volume ${source}`).toHaveProperty(source);
      }
    }
  });
});

describe('Dockerfile', () => {
  const ins = instructions(dockerfile);
  const froms = ins.filter((i) => i.op === 'FROM');
  const finalStage = ins.slice(ins.lastIndexOf(froms.at(-1)!));

  it('is multi-stage on a slim Node base, runs as a non-root user with a data volume and a /readyz health check', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms.at(-1)!.args).toMatch(/^node:\d+-[a-z]+-slim\b/);
    const user = finalStage.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).toBeDefined();
    expect(user!.args).not.toMatch(/^(root|0)$/);
    expect(finalStage.find((i) => i.op === 'VOLUME')?.args).toContain('/data');
    expect(finalStage.find((i) => i.op === 'HEALTHCHECK')?.args).toMatch(/\/readyz/);
    // The image's default command serves on the port it exposes and compose publishes.
    const cmd = JSON.parse(finalStage.find((i) => i.op === 'CMD')!.args) as string[];
    const port = cmd[cmd.indexOf('--port') + 1];
    expect(finalStage.find((i) => i.op === 'EXPOSE')?.args).toBe(port);
    expect(compose.services.api!.command).toContain(port);
    expect(compose.services.api!.ports).toContain(`${port}:${port}`);
  });

  it("builds from what its build stage copies: prepare (tsc, vite, the CLI bundle) runs on exactly those files", async () => {
    // The build stage's COPYs, replayed into an empty directory (node_modules linked in place of `npm ci`).
    const buildStage = ins.slice(0, ins.indexOf(froms[1]!));
    const workdir = buildStage.find((i) => i.op === 'WORKDIR')!.args;
    const dir = await mkdtemp(join(tmpdir(), 'clipcast-docker-build-'));
    try {
      for (const i of buildStage.filter((x) => x.op === 'COPY')) {
        const parts = i.args.split(/\s+/);
        const dest = join(dir, relative(workdir, resolve(workdir, parts.at(-1)!)));
        for (const src of parts.slice(0, -1)) await cp(join(ROOT, src), parts.length > 2 || dest.endsWith('/') ? join(dest, basename(src)) : dest, { recursive: true });
      }
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      const r = spawnSync('npm', ['run', 'prepare'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      for (const f of ['dist/index.js', 'dist/web/index.html', 'dist/bin/main.js']) await expect(readFile(join(dir, f)), f).resolves.toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('copies only files that exist into the image', async () => {
    for (const i of ins.filter((x) => x.op === 'COPY' && !x.args.startsWith('--from'))) {
      const sources = i.args.split(/\s+/).slice(0, -1);
      for (const src of sources) await expect(readFile(join(ROOT, src)).catch((e: NodeJS.ErrnoException) => (e.code === 'EISDIR' ? 'dir' : Promise.reject(e)))).resolves.toBeDefined();
    }
  });
});

/** Free-port helpers: the files say 8080; tests run on a port the OS picks. */
function withPort(args: readonly string[], port: string): string[] {
  return args.map((a, i) => (args[i - 1] === '--port' ? port : a));
}

/** Starts `clipcast …args` as the containers do (bin/clipcast.js) and resolves with the URL it prints. */
function startServe(args: string[], env: NodeJS.ProcessEnv, children: ChildProcess[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /API on (http:\/\/[^\s)]+)/.exec(out);
      if (m) ok(m[1]!.replace('0.0.0.0', '127.0.0.1'));
    });
    child.once('exit', (code) => fail(new Error(`clipcast ${args.join(' ')} exited ${code}: ${out}`)));
  });
}

/** Runs the image's HEALTHCHECK command, aimed at `port`; returns its exit code. */
function runHealthcheck(port: string): number | null {
  const hc = instructions(dockerfile).find((i) => i.op === 'HEALTHCHECK')!.args;
  const argv = JSON.parse(hc.slice(hc.indexOf('CMD') + 3).trim()) as string[];
  expect(argv[0]).toBe('node');
  const r = spawnSync(process.execPath, argv.slice(1).map((a) => a.replace('127.0.0.1:8080', `127.0.0.1:${port}`)), { timeout: 10_000 });
  return r.status;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function cli(env: NodeJS.ProcessEnv, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the commands the containers and the unit run, outside Docker', () => {
  const children: ChildProcess[] = [];
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'clipcast-deploy-'));
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null) {
        c.kill('SIGTERM');
        await new Promise((r) => c.once('exit', r));
      }
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  function baseEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('CLIPCAST_')) delete env[k];
    return { ...env, CLIPCAST_HOME: home, CLIPCAST_LOG_LEVEL: 'warn', ...extra };
  }

  it('compose: api (serve --no-worker) and two workers on one PostgreSQL publish a campaign once; the health check passes', async () => {
    if (!(await postgresAvailable())) return;
    const db = await createTestDatabase();
    try {
      // The same variables compose sets, with the hosts of this machine.
      const env = baseEnv(join(root, 'data'), { CLIPCAST_DATABASE_URL: db.url, CLIPCAST_SECRET_KEY: randomBytes(32).toString('base64') });
      const sandbox = spawn(process.execPath, [BIN, '--json', 'sandbox', '--processing-ms', '200'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(sandbox);
      await new Promise<void>((ok, fail) => {
        let out = '';
        sandbox.stdout!.on('data', (d) => {
          out += d;
          if (out.includes('"accounts"')) ok();
        });
        sandbox.once('exit', (code) => fail(new Error(`sandbox exited ${code}`)));
      });
      const published = cli(env, 'publish', EXAMPLE_CAMPAIGN, '--start-date', 'now', '--interval', '2s', '--platforms', 'tiktok,instagram,youtube');
      expect(published.code, published.err).toBe(0);

      const apiUrl = await startServe(withPort(compose.services.api!.command!, '0'), env, children);
      for (let i = 0; i < compose.services.worker!.deploy!.replicas!; i++) {
        children.push(spawn(process.execPath, [BIN, ...compose.services.worker!.command!], { env, stdio: 'ignore' }));
      }
      const port = new URL(apiUrl).port;
      expect(runHealthcheck(port)).toBe(0);
      let last = '';
      const posts = await until('12 published posts', async () => {
        const r = cli(env, '--json', 'posts', 'list');
        const list = (JSON.parse(r.out) as { posts: { state: string; platform: string; permalink: string | null; lastError?: unknown }[] }).posts;
        last = JSON.stringify(list.filter((p) => p.state !== 'published'));
        return list.length === 12 && list.every((p) => p.state === 'published') ? list : undefined;
      }, 120_000).catch((error: Error) => {
        throw new Error(`${error.message}; posts: ${last}`);
      });
      // One video or reel per post (a sandbox TikTok post made SELF_ONLY links to the profile, not a video).
      const links = posts.map((p) => p.permalink ?? '').filter((l) => !l.endsWith('/@sandbox'));
      expect(links).toHaveLength(8);
      expect(new Set(links).size).toBe(8);
      expect(cli(env, 'ledger', 'verify').code).toBe(0);
    } finally {
      for (const c of children.splice(0)) {
        c.kill('SIGTERM');
        if (c.exitCode === null) await new Promise((r) => c.once('exit', r));
      }
      await db.drop();
    }
  }, 240_000);

  it('systemd: the unit\'s ExecStart serves the API with a worker (ready) and stops cleanly on SIGTERM', async () => {
    const exec = /^ExecStart=\/usr\/bin\/env clipcast (.+)$/m.exec(unit);
    expect(exec).not.toBeNull();
    expect(unit).toMatch(/^User=(?!root)\w+/m);
    expect(unit).toMatch(/^Environment=CLIPCAST_HOME=\/var\/lib\/clipcast$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    const args = withPort(exec![1]!.split(' '), '0');
    const env = baseEnv(join(root, 'unit-home'));
    const url = await startServe(args, env, children);
    const ready = await until('/readyz 200', async () => {
      const r = await fetch(`${url}/readyz`);
      return r.status === 200 ? ((await r.json()) as { status: string }) : undefined;
    }, 30_000);
    expect(ready.status).toBe('ready');
    const child = children.pop()!;
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
  }, 90_000);
});
