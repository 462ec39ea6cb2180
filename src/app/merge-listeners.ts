import { mergeConsentLedgers, returnConsentsOnUnmerge } from '../ledger/consents/consents.service.ts';
import { registerMergeListener } from '../ledger/customers/merge-listeners.ts';
import { useStopOnMerge, useStopOnSplit } from '../ledger/privacy/merge.service.ts';
import { moveMessagesOnMerge, returnMessagesOnSplit } from '../use/campaigns/messages.repository.ts';
import { moveTriggerDataOf, returnTriggerDataOnSplit } from '../use/triggers/triggers.repository.ts';

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
  // Trigger firings (the cool-down per person) and the owners' tasks go to the survivor, recording where they came
  // from; an unmerge that gives a merged-in customer's records back gives them back too.
  registerMergeListener({
    name: 'triggers',
    merged: (trx, e) => moveTriggerDataOf(trx, e.mergedId, e.survivorId),
    split: (trx, e) => returnTriggerDataOnSplit(trx, e.fromCustomerId, e.newCustomerId, e.returned),
  });
  // Campaign messages: the survivor's frequency cap counts what either was sent, and one person gets a campaign once;
  // an unmerge gives a merged-in customer's messages back the same way.
  registerMergeListener({
    name: 'campaigns',
    merged: (trx, e) => moveMessagesOnMerge(trx, e.mergedId, e.survivorId),
    split: (trx, e) => returnMessagesOnSplit(trx, e.fromCustomerId, e.newCustomerId, e.returned),
  });
}
