import type { Actor } from '../../app/context.ts';
import { AppError, PG_UNIQUE_VIOLATION, notFound, sqlState } from '../../app/errors.ts';
import type { Db } from '../../db/database.ts';
import type { SourcesTable } from '../../db/schema.ts';
import { audit } from '../audit/audit.service.ts';
import { recomputeOf, requestSourceRecompute, walkAndWait, type SourceRecompute, type WalkOptions } from './recompute.service.ts';
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
  /** The latest survivorship recompute after a priority change (null if the priority never changed). */
  recompute: SourceRecompute | null;
}

export async function listSources(db: Db): Promise<Source[]> {
  const [rows, recomputes] = await Promise.all([repo.listSourceRows(db), repo.listRecomputeRows(db)]);
  const recomputeBySource = new Map(recomputes.map((r) => [r.source_id, recomputeOf(r)]));
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
      recompute: recomputeBySource.get(r.id) ?? null,
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

/**
 * Edits a source. A new priority changes which statement survives wherever this source competes with another, so the
 * golden records of its customers are recomputed: the recompute is recorded with the change (one transaction) and
 * walks the customers in the background (recompute.service.ts). The answer waits for it up to `waitMs`, so a small
 * source answers recomputed; a large one answers with its progress, which the source list goes on showing.
 */
export async function updateSource(
  db: Db, id: string, input: Partial<Omit<SourceInput, 'name' | 'kind'>>, actor: Actor, options: WalkOptions = {},
): Promise<Source> {
  const priorityChanged = await db.transaction().execute(async (trx) => {
    const before = await repo.findSourceRow(trx, id);
    const row = await repo.updateSource(trx, id, {
      ...(input.label !== undefined ? { label: input.label } : {}),
      ...(input.party !== undefined ? { party: input.party } : {}),
      ...(input.owningDepartment !== undefined ? { owning_department: input.owningDepartment } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      ...(input.freshnessSlaDays !== undefined ? { freshness_sla_days: input.freshnessSlaDays } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
    });
    if (!row || !before) throw notFound('Source');
    const changed = input.priority !== undefined && input.priority !== before.priority;
    if (changed) await requestSourceRecompute(trx, id, before.priority, input.priority!, actor.auth?.userId ?? null);
    await audit(trx, actor, 'source.update', { type: 'source', id }, {
      fields: Object.keys(input),
      ...(changed ? { priority: { from: before.priority, to: input.priority } } : {}),
    });
    return changed;
  });
  if (priorityChanged) await walkAndWait(db, id, options);
  return (await listSources(db)).find((s) => s.id === id)!;
}
