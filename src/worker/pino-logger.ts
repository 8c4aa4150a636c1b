import pino from 'pino';
import type { Logger } from '../core/ports/notifier.js';

/** Fields never written to a log line, whatever a caller passes. */
export const REDACTED_PATHS = ['*.accessToken', '*.refreshToken', '*.clientSecret', '*.access_token', '*.refresh_token', '*.client_secret', '*.apiKey', '*.authorization', 'credentials', '*.credentials', 'headers.authorization', 'req.headers.authorization'];

/**
 * The shells' logger: pino JSON lines to stderr (fd 2), with secret fields redacted.
 *
 * @example
 * ```ts
 * const logger = createLogger('info');
 * logger.info({ postId }, 'published');
 * ```
 */
export function createLogger(level: string, destination: number = 2): Logger & { flush(): void } {
  const log = pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined }, pino.destination({ fd: destination, sync: true }));
  return {
    info: (o, m) => log.info(o, m),
    warn: (o, m) => log.warn(o, m),
    error: (o, m) => log.error(o, m),
    flush: () => log.flush(),
  };
}
