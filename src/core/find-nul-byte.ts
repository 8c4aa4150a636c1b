/**
 * Where the first NUL character (U+0000) sits in a value: a dotted path such as `credentials.token` or
 * `clips.2.copy` (a key holding NUL is named by its parent path), or undefined when there is none.
 *
 * Why: PostgreSQL refuses NUL in `text` and `jsonb` (the request would fail deep inside a transaction),
 * while SQLite stores it silently; no caption, handle or id of ours can legitimately hold one, so input
 * is refused at the edge, naming the field, on both backends.
 *
 * @example
 * ```ts
 * findNulByte({ handle: 'a\u0000b' }, 'body'); // 'body.handle'
 * findNulByte({ handle: 'ab' }, 'body'); // undefined
 * ```
 */
export function findNulByte(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  // Deeper than any shape we accept: the schema refuses it anyway; stop rather than recurse unbounded.
  if (depth > 32 || typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return undefined;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [key, inner] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return path || at;
    const found = findNulByte(inner, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}
