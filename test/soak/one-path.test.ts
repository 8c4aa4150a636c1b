import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, sourceFiles } from '../helpers/source-files.js';

describe('one path for sandbox and real accounts', () => {
  it('the emulators import nothing from the clients (an emulator sharing code with its client cannot catch its mistakes)', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(join(SRC, 'sandbox'))) {
      const text = await readFile(file, 'utf8');
      if (/from '(\.\.\/)+platforms\//.test(text)) offenders.push(file.slice(SRC.length + 1));
    }
    expect(offenders).toEqual([]);
  });

  it('no client, app, core, worker or CLI code carries the sandbox apps\' keys: they come with the account or the configuration', async () => {
    const keys = ['sbx_clipcast', 'sandbox-client-secret', 'clipcast-sandbox.apps.googleusercontent.com', 'fb-sandbox-secret', 'ig-sandbox-secret'];
    const offenders: string[] = [];
    for (const area of ['platforms', 'app', 'core', 'worker', 'cli', 'server']) {
      for (const file of await sourceFiles(join(SRC, area))) {
        const text = await readFile(file, 'utf8');
        const found = keys.filter((k) => text.includes(k));
        if (found.length) offenders.push(`${file.slice(SRC.length + 1)}: ${found.join(', ')}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
