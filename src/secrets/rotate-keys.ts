import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { KyselyStore } from '../store/kysely-store.js';
import { countEnvelopes, findEnvelopes, replaceEnvelope } from './envelope-columns.js';
import { keyFingerprint, newKey, readKeySource, writeKeyFile, type KeySource } from './key-source.js';
import type { SecretBox } from './secret-box.js';

/** Options of {@link rotateKeys}. */
export interface RotateKeysOptions {
  store: KyselyStore;
  source: KeySource;
  /** The value of CLIPCAST_SECRET_KEY (source kind `env`). */
  envValue?: string;
  /** The app's key ring (it follows the key file). */
  box: SecretBox;
  now: () => number;
  /** Called after each envelope re-encrypted; tests inject a crash here. */
  onEnvelope?: (done: number) => void | Promise<void>;
}

/** What a rotation did. */
export interface RotateKeysResult {
  version: number;
  fingerprint: string;
  reencrypted: number;
  retired: number[];
  /** Whether it continued a rotation that had stopped part-way. */
  resumed: boolean;
}

/** A rotation that cannot start as asked (e.g. an environment key without a new version in it). */
export class RotateKeysError extends Error {
  override name = 'RotateKeysError';
}

/**
 * Re-encrypts every envelope under a new key, then retires the old ones. Crash-safe and resumable: each
 * step leaves every envelope readable with the keys the source then holds, and running it again picks
 * up where it stopped.
 *
 * 1. The new key is added to the key file next to the old one (atomic rewrite) and recorded
 *    (`secret_keys`: new `active`, old `retiring`). Every process's SecretBox sees the file change and
 *    encrypts with the new key from then on; it reads both.
 * 2. Envelopes not yet under the new key are re-encrypted row by row, each a compare-and-set on the
 *    old envelope (a worker's concurrent write wins and is picked up on the next pass), until none is left.
 * 3. One transaction marks the old keys `retired` and then counts envelopes still under them; any left
 *    (a write that raced step 2) roll it back and step 2 runs again. From then on a trigger refuses any
 *    envelope made with a retired key (store/guards.ts), so none can appear afterwards.
 * 4. The retired keys are removed from the key file.
 *
 * With CLIPCAST_SECRET_KEY the operator adds the new key (`2:<new>,1:<old>`) to the environment of this
 * command and of the workers first; step 4 is then theirs (keep only the new entry).
 */
export async function rotateKeys(o: RotateKeysOptions): Promise<RotateKeysResult> {
  const release = o.source.kind === 'file' ? lockRotation(`${o.source.path!}.rotating`) : () => undefined;
  try {
    return await rotate(o);
  } finally {
    release();
  }
}

/**
 * One rotation at a time per key file (two would each add a different "next" key): a lock file holding
 * the pid, taken over when that process is gone (a crashed rotation is resumed, not blocked).
 */
function lockRotation(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8'));
      if (pid && alive(pid))
        throw new RotateKeysError(
          `another key rotation is running (process ${pid}, lock ${path}); wait for it to finish`,
        );
      rmSync(path, { force: true });
    }
  }
  throw new RotateKeysError(`could not take the rotation lock ${path}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function rotate(o: RotateKeysOptions): Promise<RotateKeysResult> {
  const { store } = o;
  const registered = await store.db.selectFrom('secret_keys').selectAll().execute();
  const retired = new Set(registered.filter((r) => r.state === 'retired').map((r) => r.version));
  let keys = readKeySource(o.source, o.envValue);
  let live = [...keys.keys()].filter((v) => !retired.has(v));
  const resumed = live.length > 1 || registered.some((r) => r.state === 'retiring');
  if (live.length <= 1) {
    if (o.source.kind === 'env') {
      const next = Math.max(0, ...registered.map((r) => r.version), ...keys.keys()) + 1;
      throw new RotateKeysError(
        `CLIPCAST_SECRET_KEY holds one key; to rotate, set it (here and for every worker) to "${next}:<new key>,${live[0] ?? 1}:<current key>" (new key: openssl rand -base64 32) and run clipcast keys rotate again`,
      );
    }
    const version = Math.max(0, ...registered.map((r) => r.version), ...keys.keys()) + 1;
    keys = new Map([...keys].filter(([v]) => !retired.has(v)));
    keys.set(version, newKey());
    writeKeyFile(o.source.path!, keys);
    live = [...keys.keys()];
  }
  const target = Math.max(...live);
  const targetKey = keys.get(target)!;
  const now = o.now();
  await store.tx(async (trx) => {
    const existing = await trx
      .selectFrom('secret_keys')
      .selectAll()
      .where('version', '=', target)
      .executeTakeFirst();
    if (existing && existing.fingerprint !== keyFingerprint(targetKey)) {
      throw new RotateKeysError(
        `${o.source.name}: key version ${target} differs from the one recorded; check the key source`,
      );
    }
    if (!existing)
      await trx
        .insertInto('secret_keys')
        .values({
          version: target,
          fingerprint: keyFingerprint(targetKey),
          state: 'active',
          created_at: now,
          retired_at: null,
        })
        .execute();
    await trx
      .updateTable('secret_keys')
      .set({ state: 'retiring' })
      .where('state', '=', 'active')
      .where('version', '<>', target)
      .execute();
  });
  o.box.reload();
  if (o.box.currentVersion !== target)
    throw new RotateKeysError(`the key ring did not load key version ${target} from ${o.source.name}`);

  let reencrypted = 0;
  for (let round = 0; ; round++) {
    for (;;) {
      const batch = await findEnvelopes(store.db, { notVersion: target, limit: 100 });
      if (!batch.length) break;
      for (const e of batch) {
        const aad = e.at.aad(e.id);
        let plain: string;
        try {
          plain = o.box.decrypt(e.envelope, aad);
        } catch (error) {
          throw new RotateKeysError(
            `key rotation stopped at ${e.at.table} ${e.id}: ${(error as Error).message}; fix or remove that row and run clipcast keys rotate again (everything else stays readable)`,
          );
        }
        const next = o.box.encrypt(plain, aad);
        if (await replaceEnvelope(store.db, e, next, target)) {
          reencrypted += 1;
          await o.onEnvelope?.(reencrypted);
        }
      }
    }
    const left = await store
      .tx(async (trx) => {
        // Update first: on PostgreSQL this waits for writers holding the old key's row `for share`
        // (the envelope guard), so the count below sees everything they wrote.
        await trx
          .updateTable('secret_keys')
          .set({ state: 'retired', retired_at: o.now() })
          .where('state', '=', 'retiring')
          .execute();
        const n = await countEnvelopes(trx, target);
        if (n > 0) throw new StaleLeft(n);
        return 0;
      })
      .catch((error: unknown) => {
        if (error instanceof StaleLeft) return error.count;
        throw error;
      });
    if (left === 0) break;
    if (round >= 20)
      throw new Error(
        `key rotation: ${left} envelope(s) keep appearing under old keys; stop the writers and run clipcast keys rotate again`,
      );
  }
  const nowRetired = (
    await store.db.selectFrom('secret_keys').select('version').where('state', '=', 'retired').execute()
  ).map((r) => r.version);
  if (o.source.kind === 'file') {
    const current = readKeySource(o.source);
    for (const v of nowRetired) current.delete(v);
    writeKeyFile(o.source.path!, current);
    o.box.reload();
  }
  return {
    version: target,
    fingerprint: keyFingerprint(targetKey),
    reencrypted,
    retired: nowRetired.filter((v) => !retired.has(v)),
    resumed,
  };
}

class StaleLeft extends Error {
  constructor(readonly count: number) {
    super(`${count} envelope(s) still under a retired key`);
  }
}
