import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

/** The folder-upload limits reach the dashboard of a real `clipcast serve` from the environment. */
describe('clipcast serve with CLIPCAST_UPLOAD_MAX_CLIP_MB', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('refuses a clip over the configured size, naming the file and the variable that raises it; a bad value stops serve naming it', async () => {
    const h = await cliHarness();
    try {
      const key = (await h.run('--json', 'apikeys', 'create', 'uploader')).json<{ apikey: { key: string } }>().apikey.key;
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--no-worker'], { env: { ...h.env, CLIPCAST_UPLOAD_MAX_CLIP_MB: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout!.on('data', (d) => {
          out += d;
          const m = /API on (http:\/\/\S+?)[\s(]/.exec(out);
          if (m) ok(m[1]!);
        });
        child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
      });
      const body = new FormData();
      body.append('files', new Blob([readFileSync(join(EXAMPLE_CAMPAIGN, 'copys/clips_copys.json'))]), 'copys/clips_copys.json');
      body.append('files', new Blob([new Uint8Array(2 * 1024 * 1024)]), '1.mp4'); // 2 MB: over 1 MB, under the 1 GiB default
      const res = await fetch(`${url}/dashboard/uploads`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
      expect(res.status).toBe(413);
      const problem = (await res.json()) as { detail: string; hint: string };
      expect(problem.detail).toBe('"1.mp4" is larger than the 1 MiB a clip may be');
      expect(problem.hint).toMatch(/CLIPCAST_UPLOAD_MAX_CLIP_MB/);

      const bad = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--no-worker'], { env: { ...h.env, CLIPCAST_UPLOAD_MAX_CLIP_MB: '1GB' }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(bad);
      let err = '';
      bad.stderr!.on('data', (d) => (err += d));
      const code = await new Promise<number | null>((r) => bad.once('exit', r));
      expect(code).not.toBe(0);
      expect(err).toMatch(/CLIPCAST_UPLOAD_MAX_CLIP_MB \(uploadMaxClipMb\) is "1GB", not a whole number ≥ 1/);
    } finally {
      await h.cleanup();
    }
  }, 60_000);
});
