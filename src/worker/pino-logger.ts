import pino from 'pino';
import type { Logger } from '../core/ports/notifier.js';

/** Fields never written to a log line, whatever a caller passes. */
export const REDACTED_PATHS = ['*.accessToken', '*.refreshToken', '*.clientSecret', '*.access_token', '*.refresh_token', '*.client_secret', '*.apiKey', '*.authorization', 'credentials', '*.credentials', 'headers.authorization', 'req.headers.authorization'];

/** How log lines look: `json` (one pino JSON object a line, for machines) or `pretty` (for a person at a terminal). */
export type LogFormat = 'json' | 'pretty';

/**
 * The shells' logger: pino lines to stderr (fd 2), with secret fields redacted. `pretty` turns each
 * (already redacted) line into `12:00:01 INFO  published  post=… platform=tiktok`, coloured when `color`.
 *
 * @example
 * ```ts
 * const logger = createLogger('info');
 * logger.info({ postId }, 'published');
 * ```
 */
export function createLogger(level: string, destination: number = 2, options: { format?: LogFormat; color?: boolean; write?: (line: string) => void } = {}): Logger & { flush(): void } {
  const fd = pino.destination({ fd: destination, sync: true });
  const write = options.write ?? ((line: string) => fd.write(line));
  const sink = options.format === 'pretty' ? { write: (json: string) => write(prettyLine(json, options.color ?? false)) } : options.write ? { write } : fd;
  const log = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined }, sink);
  return {
    info: (o, m) => log.info(o, m),
    warn: (o, m) => log.warn(o, m),
    error: (o, m) => log.error(o, m),
    flush: () => log.flush(),
  };
}

const LEVELS: Record<number, { name: string; color: number }> = { 10: { name: 'TRACE', color: 90 }, 20: { name: 'DEBUG', color: 90 }, 30: { name: 'INFO ', color: 36 }, 40: { name: 'WARN ', color: 33 }, 50: { name: 'ERROR', color: 31 }, 60: { name: 'FATAL', color: 31 } };

/** One pino JSON line as a line a person reads: time, level, message, then the fields as key=value. */
export function prettyLine(json: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, ...fields } = entry;
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[39m` : text);
  const lv = LEVELS[Number(level)] ?? { name: String(level), color: 39 };
  const at = typeof time === 'number' ? new Date(time).toTimeString().slice(0, 8) : '';
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return `${color ? `\x1b[2m${at}\x1b[22m` : at} ${paint(lv.color, lv.name)} ${String(msg ?? '')}${rest ? `  ${color ? `\x1b[2m${rest}\x1b[22m` : rest}` : ''}\n`;
}
