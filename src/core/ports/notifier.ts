/** The events clipcast tells the outside world about (outgoing webhooks and log lines). */
export type NotificationType = 'post.published' | 'post.failed' | 'post.deferred' | 'account.needs_reauth' | 'post.stuck';

/**
 * Outgoing notifications. `notify` records the notification durably (the delivery is retried by the
 * implementation) and returns once it is recorded, never waiting for the remote endpoint.
 */
export interface Notifier {
  notify(type: NotificationType, payload: Record<string, unknown>): Promise<void>;
}

/** Where log lines go: structured, never with a secret in them. */
export interface Logger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** A logger that drops everything (library default). */
export const silentLogger: Logger = Object.freeze({ info() {}, warn() {}, error() {} });
