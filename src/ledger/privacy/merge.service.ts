import type { Db } from '../../db/database.ts';
import { setUseStopped } from '../customers/customers.repository.ts';
import type { CustomerSplit, CustomersMerged } from '../customers/merge-listeners.ts';
import * as repo from './privacy.repository.ts';

/**
 * 利用停止 through merge and unmerge (registered as a merge listener by src/app/merge-listeners.ts). Like consents,
 * the most restrictive state wins: a survivor merged with a stopped customer is stopped, and joins that stop's request
 * (marked with whom it came through), so the request page shows it and resuming lifts it there too. The merged-away
 * customer's row keeps its own stop, and resume or stop on the request keep it current, so an unmerge can give each
 * side its own state back: the new customer takes the stops of the merged-in customers whose records it takes (and
 * the survivor's, if records that were the survivor's own leave too: the safe side), and the survivor loses a stop it
 * only held through a merged-in customer whose records all left.
 */
export async function useStopOnMerge(trx: Db, e: CustomersMerged): Promise<void> {
  const stops = await repo.useStopsOf(trx, [e.survivorId, e.mergedId]);
  const theirs = stops.get(e.mergedId);
  if (!theirs) return;
  await repo.linkInheritedStop(trx, theirs, e.survivorId, e.mergedId);
  if (!stops.has(e.survivorId)) await setUseStopped(trx, [e.survivorId], theirs);
}

export async function useStopOnSplit(trx: Db, e: CustomerSplit): Promise<void> {
  const stops = await repo.useStopsOf(trx, [e.fromCustomerId, ...e.touched]);
  const give = e.touched.flatMap((o) => (stops.has(o) ? [{ requestId: stops.get(o)!, via: o }] : []));
  const survivorStop = stops.get(e.fromCustomerId);
  if (e.ownRecordsLeft && survivorStop) give.push({ requestId: survivorStop, via: e.fromCustomerId });
  if (give.length > 0) {
    await setUseStopped(trx, [e.newCustomerId], give[0]!.requestId);
    for (const g of give) await repo.linkInheritedStop(trx, g.requestId, e.newCustomerId, g.via);
  }
  const dropped = await repo.unlinkInheritedStops(trx, e.fromCustomerId, e.returned);
  // The survivor's stop came only through a customer that is gone again: the next one it still holds, else none.
  if (survivorStop && dropped.includes(survivorStop) && !(await repo.requestConcerns(trx, survivorStop, e.fromCustomerId))) {
    await setUseStopped(trx, [e.fromCustomerId], await repo.inheritedActiveStop(trx, e.fromCustomerId));
  }
}
