import type { Actor } from '../../app/context.ts';
import { AppError, PG_UNIQUE_VIOLATION, notFound, sqlState } from '../../app/errors.ts';
import type { Db } from '../../db/database.ts';
import type { SourcesTable } from '../../db/schema.ts';
import { audit } from '../audit/audit.service.ts';
import { recomputeCustomersOfSource } from '../customers/customers.service.ts';
import * as repo from './sources.repository.ts';

export interface Source {
  id: string;
  name: string;
  label: string;
  kind: SourcesTable['kind'];
  party: SourcesTable['party'];
  owningDepartment: string | null;
  priority: number;
  freshnessSlaDays: number | null;
  description: string | null;
  recordCount: number;
  lastReceivedAt: string | null;
  /** True when the source has a freshness SLA and has not delivered within it. */
  stale: boolean;
}

export async function listSources(db: Db): Promise<Source[]> {
  const rows = await repo.listSourceRows(db);
  return rows.map((r) => {
    const last = r.last_received_at ? new Date(r.last_received_at as unknown as string) : null;
    return {
      id: r.id,
      name: r.name,
      label: r.label,
      kind: r.kind,
      party: r.party,
      owningDepartment: r.owning_department,
      priority: r.priority,
      freshnessSlaDays: r.freshness_sla_days,
      description: r.description,
      recordCount: Number(r.record_count ?? 0),
      lastReceivedAt: last ? last.toISOString() : null,
      stale: r.freshness_sla_days !== null && (!last || Date.now() - last.getTime() > r.freshness_sla_days * 86_400_000),
    };
  });
}

export interface SourceInput {
  name: string;
  label: string;
  kind: SourcesTable['kind'];
  party: SourcesTable['party'];
  owningDepartment?: string | null | undefined;
  priority?: number | undefined;
  freshnessSlaDays?: number | null | undefined;
  description?: string | null | undefined;
}

export async function createSource(db: Db, input: SourceInput, actor: Actor): Promise<Source> {
  if (input.kind === 'manual') throw new AppError('validation_failed', 'Only one manual source exists', [{ field: 'kind', message: 'Choose another kind' }]);
  try {
    const row = await repo.insertSource(db, {
      name: input.name,
      label: input.label,
      kind: input.kind,
      party: input.party,
      owning_department: input.owningDepartment ?? null,
      priority: input.priority ?? 100,
      freshness_sla_days: input.freshnessSlaDays ?? null,
      description: input.description ?? null,
    });
    await audit(db, actor, 'source.create', { type: 'source', id: row.id }, { name: row.name });
    return (await listSources(db)).find((s) => s.id === row.id)!;
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw new AppError('conflict', 'A source with this name exists', [{ field: 'name', message: 'Already registered' }]);
    throw error;
  }
}

export async function updateSource(
  db: Db, id: string, input: Partial<Omit<SourceInput, 'name' | 'kind'>>, actor: Actor,
): Promise<Source & { recomputedCustomers: number }> {
  const before = await repo.findSourceRow(db, id);
  const row = await repo.updateSource(db, id, {
    ...(input.label !== undefined ? { label: input.label } : {}),
    ...(input.party !== undefined ? { party: input.party } : {}),
    ...(input.owningDepartment !== undefined ? { owning_department: input.owningDepartment } : {}),
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
    ...(input.freshnessSlaDays !== undefined ? { freshness_sla_days: input.freshnessSlaDays } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
  });
  if (!row) throw notFound('Source');
  // A new priority changes which statement survives wherever this source competes with another: the golden records
  // of its customers are recomputed now, so the ledger never shows values chosen by the old order.
  const priorityChanged = before !== undefined && input.priority !== undefined && input.priority !== before.priority;
  let recomputedCustomers = 0;
  if (priorityChanged) {
    try {
      recomputedCustomers = await recomputeCustomersOfSource(db, id);
    } catch (error) {
      // The old priority back, so that saving the new one again (the obvious retry) recomputes every customer; until
      // then, those of the pages done keep the new order.
      await repo.updateSource(db, id, { priority: before.priority });
      throw error;
    }
  }
  await audit(db, actor, 'source.update', { type: 'source', id }, {
    fields: Object.keys(input),
    ...(priorityChanged ? { priority: { from: before.priority, to: input.priority }, recomputedCustomers } : {}),
  });
  return { ...(await listSources(db)).find((s) => s.id === id)!, recomputedCustomers };
}
