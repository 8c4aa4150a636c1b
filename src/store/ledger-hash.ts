import { createHash, createHmac } from 'node:crypto';

/** The hash of the first row's predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a ledger row that its hash covers. */
export interface HashedEventFields {
  at: number;
  postId: string | null;
  campaignId: string | null;
  accountId: string | null;
  type: string;
  dataJson: string;
}

/**
 * sha256 over the previous row's hash and this row's canonical fields: changing, removing or reordering
 * any row breaks every hash after it.
 */
export function eventHash(prevHash: string, e: HashedEventFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update(JSON.stringify([e.at, e.postId, e.campaignId, e.accountId, e.type, e.dataJson]))
    .digest('hex');
}

/**
 * HMAC-SHA256 under the ledger key over the previous row's hash, this row's ordinal and its canonical
 * fields: without the key nobody can write a row, or re-chain the rows after an edited one, that
 * verifies.
 */
export function eventMac(key: Buffer, prevHash: string, n: number, e: HashedEventFields): string {
  return createHmac('sha256', key)
    .update(prevHash)
    .update(JSON.stringify([n, e.at, e.postId, e.campaignId, e.accountId, e.type, e.dataJson]))
    .digest('hex');
}

/** The MAC of the ledger head (row count and last hash), so neither can be rolled back without the key. */
export function headMac(key: Buffer, n: number, hash: string): string {
  return createHmac('sha256', key).update(JSON.stringify(['clipcast ledger head', n, hash])).digest('hex');
}
