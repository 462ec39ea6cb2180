import type { Db } from '../../db/database.ts';
import * as repo from './privacy.repository.ts';

/**
 * 第三者提供 (APPI art. 27, 29): off by default. An export marked as provision carries only customers whose current
 * third_party consent is granted (the others are refused and counted), and writes the provision record: to whom,
 * when, which items and which customers. src/intake/files/export.service.ts is the door.
 */

export { provisionConsented, provisionRefused } from './privacy.repository.ts';

export interface ProvisionStart { recipient: string; purpose: string | null; items: string[]; format: string; userId: string | null }

/** Opens the record; the export adds its customers page by page and sets the counts at the end (one transaction). */
export async function startProvision(db: Db, v: ProvisionStart): Promise<string> {
  return repo.insertProvision(db, { ...v, customerCount: 0, refusedCount: 0 });
}

export async function addProvidedCustomers(db: Db, provisionId: string, customerIds: readonly string[]): Promise<void> {
  await repo.insertProvisionCustomers(db, provisionId, customerIds);
}

export async function finishProvision(db: Db, provisionId: string, customerCount: number, refusedCount: number): Promise<void> {
  await repo.setProvisionCounts(db, provisionId, customerCount, refusedCount);
}
