import { DateTime } from 'luxon';

/** `2025-12-01 09:00 (Europe/Madrid)` style local time of an instant. */
export function localTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-LL-dd HH:mm ZZZZ');
}

/** ISO 8601 UTC. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Left-aligned columns. */
export function table(rows: string[][]): string[] {
  if (!rows.length) return [];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** The system time zone. */
export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
