import type { Db } from '../../db/database.ts';

/**
 * What follows a customer merge or unmerge besides the source records and their activities: everything keyed on a
 * customer id (the consent ledger's customer-level events, 利用停止, trigger firings and owners' tasks, …).
 *
 * Why a registry: every merge of two customers goes through `absorbCustomer` (src/resolution/customer-merge.service.ts:
 * a review decision, a manual merge, and the import's resolver when new records tie two existing customers by strong
 * evidence) and every split through `unmergeCustomer`, both in src/resolution, which may not import src/use. So
 * they call `customersMerged` / `customerSplit` here, in the ledger, and src/app/merge-listeners.ts — the one place
 * allowed to import every layer — registers one listener per owner of customer-keyed rows. Each listener writes
 * only its own tables, in the merge's transaction (a failure undoes the whole merge). A merge with nothing
 * registered is refused, so no door can merge customers while the rows keyed on them stay behind.
 */

export interface CustomersMerged {
  /** The customer that stays. */
  survivorId: string;
  /** The customer merged into it (soft-deleted afterwards; its row keeps its own state). */
  mergedId: string;
  actorUserId: string | null;
}

export interface CustomerSplit {
  /** The customer the records left. */
  fromCustomerId: string;
  /** The customer created for them. */
  newCustomerId: string;
  /** The source records split out. */
  recordIds: readonly number[];
  /** Customers merged into `fromCustomerId` earlier whose every record now left: each side gets its own state back. */
  returned: readonly string[];
  /** Customers merged into `fromCustomerId` earlier with at least one record among those that left. */
  touched: readonly string[];
  /** Whether records that were the survivor's own (not brought by a merge) left too. */
  ownRecordsLeft: boolean;
  actorUserId: string | null;
}

export interface MergeListener {
  /** Which feature it is (one listener per name; registering again replaces it). */
  name: string;
  /** Called inside the merge's transaction, before the source records move (each side still holds its own). */
  merged(trx: Db, event: CustomersMerged): Promise<unknown>;
  /** Called inside the unmerge's transaction, after the records moved to the new customer. */
  split(trx: Db, event: CustomerSplit): Promise<unknown>;
}

const listeners = new Map<string, MergeListener>();

export function registerMergeListener(listener: MergeListener): void {
  listeners.set(listener.name, listener);
}

export function mergeListenerNames(): string[] {
  return [...listeners.keys()];
}

function registered(): MergeListener[] {
  if (listeners.size === 0) {
    // With a code: a wiring fault of the process, not of a record (the resolver must fail the run, not quarantine).
    throw Object.assign(new Error('No merge listeners are registered: call wireMergeListeners() (src/app/merge-listeners.ts) before merging customers'), { code: 'DAICHO_NO_MERGE_LISTENERS' });
  }
  return [...listeners.values()];
}

export async function customersMerged(trx: Db, event: CustomersMerged): Promise<void> {
  for (const l of registered()) await l.merged(trx, event);
}

export async function customerSplit(trx: Db, event: CustomerSplit): Promise<void> {
  for (const l of registered()) await l.split(trx, event);
}
