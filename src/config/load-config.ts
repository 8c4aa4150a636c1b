import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { InputError } from '../core/input-error.js';

/**
 * Everything the shells configure. Defaults live here, in one place; a config file in the data dir
 * (`config.json`) overrides them, the environment overrides the file, flags override the environment.
 */
export interface ClipcastConfig {
  /** Data dir. Default `~/.clipcast`; env `CLIPCAST_HOME`. */
  home: string;
  /** `postgres://…` or a SQLite file. Default `<home>/clipcast.db`; env `CLIPCAST_DATABASE_URL`. */
  databaseUrl: string;
  /** 32-byte key (base64/hex). Env `CLIPCAST_SECRET_KEY`; else `keyFile`. */
  secretKey: string | undefined;
  /** Default `<home>/secret.key`, created 0600 on first run. */
  keyFile: string;
  /** Content-addressed clips. Default `<home>/media`. */
  mediaDir: string;
  /** Public base URL under which clipcast serves signed media URLs. Env `CLIPCAST_PUBLIC_URL`. */
  publicUrl: string | undefined;
  /** Postiz server (env `CLIPCAST_POSTIZ_URL`, `CLIPCAST_POSTIZ_API_KEY`). */
  postizUrl: string | undefined;
  postizApiKey: string | undefined;
  /**
   * The Postiz server's `API_LIMIT` (`POST /posts` per organization per hour), when it is not the
   * official compose file's 30. Env `CLIPCAST_POSTIZ_API_LIMIT`; a lower limit announced in the
   * server's `X-RateLimit-Limit` header wins anyway.
   */
  postizApiLimit: number | undefined;
  /** Log level (env `CLIPCAST_LOG_LEVEL`, default `info`). */
  logLevel: string;
  /**
   * Folders `POST /campaigns` may read CLIPER output from (the API refuses any other path). Env
   * `CLIPCAST_SOURCE_ROOTS`, separated by `:` (`;` on Windows). Default `<home>/sources`: nothing outside
   * clipcast's own folder until the operator says so. The CLI (`publish`) is not limited.
   */
  sourceRoots: readonly string[];
  /** Log lines: `auto` (readable on a terminal, JSON otherwise), `json` or `pretty` (env `CLIPCAST_LOG_FORMAT`, default `auto`). */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Largest clip the dashboard accepts in a folder upload, in MB (env `CLIPCAST_UPLOAD_MAX_CLIP_MB`, default 1024). */
  uploadMaxClipMb: number | undefined;
  /** Largest folder upload, all files together, in MB (env `CLIPCAST_UPLOAD_MAX_TOTAL_MB`, default 8192). */
  uploadMaxTotalMb: number | undefined;
}

/** Reads the config (only shells call this: it reads the environment and the file system). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: Partial<ClipcastConfig> = {}): Readonly<ClipcastConfig> {
  const home = resolve(flags.home ?? env.CLIPCAST_HOME ?? join(homedir(), '.clipcast'));
  const file = readConfigFile(join(home, 'config.json'));
  // Empty counts as unset (an env file's `CLIPCAST_PUBLIC_URL=` leaves the default in force).
  const given = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
  const pick = (key: keyof ClipcastConfig, envName: string): string | undefined =>
    given(flags[key]) ?? given(env[envName]) ?? given(file[key]);
  return Object.freeze({
    home,
    databaseUrl: pick('databaseUrl', 'CLIPCAST_DATABASE_URL') ?? join(home, 'clipcast.db'),
    secretKey: pick('secretKey', 'CLIPCAST_SECRET_KEY'),
    keyFile: pick('keyFile', 'CLIPCAST_KEY_FILE') ?? join(home, 'secret.key'),
    mediaDir: pick('mediaDir', 'CLIPCAST_MEDIA_DIR') ?? join(home, 'media'),
    publicUrl: pick('publicUrl', 'CLIPCAST_PUBLIC_URL'),
    postizUrl: pick('postizUrl', 'CLIPCAST_POSTIZ_URL'),
    postizApiKey: pick('postizApiKey', 'CLIPCAST_POSTIZ_API_KEY'),
    postizApiLimit: positiveInt(pick('postizApiLimit', 'CLIPCAST_POSTIZ_API_LIMIT'), 'CLIPCAST_POSTIZ_API_LIMIT', 'postizApiLimit', "set it to the Postiz server's API_LIMIT, e.g. 30"),
    logLevel: pick('logLevel', 'CLIPCAST_LOG_LEVEL') ?? 'info',
    sourceRoots: Object.freeze(sourceRootsOf(flags.sourceRoots ?? given(env.CLIPCAST_SOURCE_ROOTS) ?? file.sourceRoots, home)),
    logFormat: logFormatOf(pick('logFormat', 'CLIPCAST_LOG_FORMAT')),
    uploadMaxClipMb: positiveInt(pick('uploadMaxClipMb', 'CLIPCAST_UPLOAD_MAX_CLIP_MB'), 'CLIPCAST_UPLOAD_MAX_CLIP_MB', 'uploadMaxClipMb', 'set it in MB, e.g. 4096 for 4 GB clips'),
    uploadMaxTotalMb: positiveInt(pick('uploadMaxTotalMb', 'CLIPCAST_UPLOAD_MAX_TOTAL_MB'), 'CLIPCAST_UPLOAD_MAX_TOTAL_MB', 'uploadMaxTotalMb', 'set it in MB, e.g. 20480 for 20 GB folders'),
  });
}

function sourceRootsOf(value: string | readonly string[] | undefined, home: string): string[] {
  const list = typeof value === 'string' ? value.split(delimiter) : (value ?? [join(home, 'sources')]);
  return list.map((p) => p.trim()).filter(Boolean).map((p) => resolve(p));
}

function positiveInt(value: string | number | undefined, name: string, key: keyof ClipcastConfig, hint: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError('CONFIG_INVALID', `${name} (${key}) is "${String(value)}", not a whole number ≥ 1`, hint, name);
  }
  return n;
}

function logFormatOf(text: string | undefined): ClipcastConfig['logFormat'] {
  if (text === undefined || text === 'auto' || text === 'json' || text === 'pretty') return text ?? 'auto';
  throw new InputError('LOG_FORMAT_INVALID', `log format (CLIPCAST_LOG_FORMAT or logFormat in config.json) "${text}" is not auto, json or pretty`, 'set CLIPCAST_LOG_FORMAT (or logFormat in config.json) to auto, json or pretty', 'CLIPCAST_LOG_FORMAT');
}

function readConfigFile(path: string): Partial<ClipcastConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as Partial<ClipcastConfig>;
  } catch (error) {
    throw new InputError('CONFIG_MALFORMED', `${path} is not valid JSON (${(error as Error).message})`, 'fix or remove the file', path);
  }
}
