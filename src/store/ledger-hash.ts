import { createHash } from 'node:crypto';

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
