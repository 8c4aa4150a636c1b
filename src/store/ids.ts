import { randomBytes } from 'node:crypto';

/**
 * A new id: a prefix, a time part (sortable) and 80 random bits, e.g. `post_m3k9x2a1_7f3a9c…`.
 *
 * @example
 * ```ts
 * newId('post'); // 'post_lx2k3h9a_4f9c2d1e0b7a6c5d8e9f'
 * ```
 */
export function newId(prefix: string, now: number = Date.now()): string {
  return `${prefix}_${now.toString(36).padStart(9, '0')}${randomBytes(10).toString('hex')}`;
}
