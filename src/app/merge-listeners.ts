import { mergeConsentLedgers, returnConsentsOnUnmerge } from '../ledger/consents/consents.service.ts';
import { registerMergeListener } from '../ledger/customers/merge-listeners.ts';
import { useStopOnMerge, useStopOnSplit } from '../ledger/privacy/merge.service.ts';
import { moveTriggerDataOf } from '../use/triggers/triggers.repository.ts';

/**
 * Everything keyed on a customer id that must follow a merge or an unmerge (src/ledger/customers/merge-listeners.ts
 * says why this is a registry filled here: identity, in src/resolution, may not import src/use). A feature that keeps
 * rows per customer adds its listener here. Run in the merge's transaction, in this order.
 */
export function wireMergeListeners(): void {
  // Most restrictive consent wins; an unmerge gives a merged-in customer's customer-level events back.
  registerMergeListener({
    name: 'consents',
    merged: (trx, e) => mergeConsentLedgers(trx, e.survivorId, e.mergedId, e.actorUserId),
    split: (trx, e) => returnConsentsOnUnmerge(trx, e.fromCustomerId, e.newCustomerId, e.returned),
  });
  // 利用停止: a stop on either side stops the survivor; an unmerge gives each side its own.
  registerMergeListener({ name: 'privacy', merged: useStopOnMerge, split: useStopOnSplit });
  // Trigger firings (the cool-down per person) and the owners' tasks go to the survivor and stay with it on unmerge:
  // a firing does not say which of the person's records it was for.
  registerMergeListener({
    name: 'triggers',
    merged: (trx, e) => moveTriggerDataOf(trx, e.mergedId, e.survivorId),
    split: () => Promise.resolve(0),
  });
}
