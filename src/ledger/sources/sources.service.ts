import type { Actor } from '../../core/context.ts';
import { AppError, PG_UNIQUE_VIOLATION, forbidden, notFound, sqlState } from '../../core/errors.ts';
import { can } from '../../domain/auth/permissions.ts';
import { FEATURE_ONLY_OWNERS, RESERVED_KINDS, SOURCE_NAME_PATTERN, sourceOwner } from '../../domain/sources/names.ts';
import type { Db } from '../../db/database.ts';
import type { EmailBasis, SourcesTable } from '../../db/schema.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import { recomputeOf, requestSourceRecompute, walkAndWait, type WalkOptions } from './recompute.service.ts';
import type { Source } from './sources.schemas.ts';
import * as repo from './sources.repository.ts';
import type { SourceKind } from './sources.repository.ts';

type SourceRow = Awaited<ReturnType<typeof repo.listSourceRows>>[number];

function sourceOf(r: SourceRow, recompute: Source['recompute']): Source {
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
    purposeOfUse: r.purpose_of_use, retentionDays: r.retention_days,
    description: r.description,
    emailBasis: r.email_basis,
    recordCount: Number(r.record_count ?? 0),
    lastReceivedAt: last ? last.toISOString() : null,
    stale: r.freshness_sla_days !== null && (!last || Date.now() - last.getTime() > r.freshness_sla_days * 86_400_000),
    recompute,
  };
}

export async function listSources(db: Db): Promise<Source[]> {
  const [rows, recomputes] = await Promise.all([repo.listSourceRows(db), repo.listRecomputeRows(db)]);
  const recomputeBySource = new Map(recomputes.map((r) => [r.source_id, recomputeOf(r)]));
  return rows.map((r) => sourceOf(r, recomputeBySource.get(r.id) ?? null));
}

/** One source as listSources gives it, or null when there is none with this id. */
export async function getSource(db: Db, id: string): Promise<Source | null> {
  const [row, recompute] = await Promise.all([repo.findSourceRowWithCounts(db, id), repo.findRecomputeRow(db, id)]);
  return row ? sourceOf(row, recompute ? recomputeOf(recompute) : null) : null;
}

export interface SourceInput {
  name: string;
  label: string;
  kind: SourcesTable['kind'];
  party: SourcesTable['party'];
  owningDepartment?: string | null | undefined;
  priority?: number | undefined;
  freshnessSlaDays?: number | null | undefined;
  purposeOfUse?: string | null | undefined;
  retentionDays?: number | null | undefined;
  description?: string | null | undefined;
  emailBasis?: EmailBasis | undefined;
}

export async function createSource(db: Db, input: SourceInput, actor: Actor): Promise<Source> {
  if (input.kind === 'manual') throw new AppError('validation_failed', 'Only one manual source exists', [{ field: 'kind', message: 'Choose another kind' }]);
  const owner = sourceOwner(input.name);
  if (owner && FEATURE_ONLY_OWNERS.has(owner)) {
    throw new AppError('validation_failed', `The name "${input.name}" belongs to Daicho's ${owner} (manual, form-…, web-…, events-form-… are registered by their feature)`,
      [{ field: 'name', message: '手入力・フォーム (form-…)・サイト (web-…) のソース名は使えません (reserved name)' }]);
  }
  try {
    const row = await repo.insertSource(db, {
      name: input.name,
      label: input.label,
      kind: input.kind,
      party: input.party,
      owning_department: input.owningDepartment ?? null,
      priority: input.priority ?? 100,
      freshness_sla_days: input.freshnessSlaDays ?? null,
      purpose_of_use: input.purposeOfUse ?? null,
      retention_days: input.retentionDays ?? null,
      description: input.description ?? null,
      // A form's records carry their own consent: its basis is the per-record opt-in unless said otherwise.
      ...(input.emailBasis !== undefined ? { email_basis: input.emailBasis } : input.kind === 'form' ? { email_basis: 'opt_in_per_record' as const } : {}),
    });
    await audit(db, actor, 'source.create', { type: 'source', id: row.id }, { name: row.name });
    return (await getSource(db, row.id))!;
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw new AppError('conflict', 'A source with this name exists', [{ field: 'name', message: 'Already registered' }]);
    throw error;
  }
}

/** Which file import writes into a source: a department's customer export, an order export or an attendance export. */
export type ImportDoor = 'customers' | 'orders' | 'events';

const DOOR_OWNER: Record<ImportDoor, ReturnType<typeof sourceOwner>> = { customers: null, orders: 'orders', events: 'events' };

/**
 * Checks that `actor` may import a file into the source `name` through `door`, and returns the source, or null when
 * it is not registered yet (the import registers it). What "may" means, from the registry's own data:
 *  - the name is a valid source name, and of the door's own namespace: a customer export's source belongs to no
 *    feature (not manual, form-…, web-…, orders-…, events-…); an order file's is orders-…, an attendance file's
 *    events-… (never events-form-…, a form's);
 *  - an existing source is not one only its feature writes (kind manual, form or tracker), whoever asks;
 *  - a customer export goes into a file-import source for anyone the route lets import (imports:run); into a source
 *    fed by an API or an integration only for those who manage the registry (sources:write);
 *  - registering a new source is managing the registry: sources:write.
 * The command line (no signed-in user) acts as the operator at the terminal, who holds the database itself: it may
 * register sources, but reserved sources and names stay out of reach for it too.
 */
export async function checkImportTarget(db: Db, name: string, door: ImportDoor, actor: Actor) {
  const field = door === 'customers' ? 'profile.source' : 'source';
  if (!SOURCE_NAME_PATTERN.test(name)) {
    throw new AppError('validation_failed', `Invalid source name "${name.slice(0, 80)}"`, [{ field, message: 'ソース名は半角英小文字・数字・- と _ の63文字までです (lower-case letters, digits, - and _, at most 63)' }]);
  }
  const owner = sourceOwner(name);
  if (owner !== DOOR_OWNER[door]) {
    throw new AppError('validation_failed', `Source "${name}" cannot receive this import`, [{ field, message: owner === null
      ? `このファイルは ${door === 'orders' ? 'orders-' : 'events-'}… のソースにしか取り込めません (wrong source for this file)`
      : `「${name}」は${OWNER_LABELS[owner]}のソースです。取り込み先にはできません (reserved for ${owner})` }]);
  }
  const source = await repo.findSourceByName(db, name);
  const manages = actor.auth === null || can(actor.auth.role, 'sources:write');
  if (source) {
    if (RESERVED_KINDS.has(source.kind)) {
      throw new AppError('validation_failed', `Source "${name}" is written only by Daicho (${source.kind})`, [{ field, message: `「${source.label}」には取り込めません (reserved source)` }]);
    }
    if (door === 'customers' && source.kind !== 'file_import' && !manages) {
      throw forbidden(`Importing into the ${source.kind} source "${name}" needs sources:write (データソースの管理権限が必要です)`);
    }
    return source;
  }
  if (!manages) throw forbidden(`The source "${name}" is not registered; registering a source needs sources:write (新しいデータソースの登録には管理権限が必要です。管理者に登録を依頼してください)`);
  return null;
}

const OWNER_LABELS: Record<NonNullable<ReturnType<typeof sourceOwner>>, string> = {
  manual: '手入力', forms: 'フォーム', tracker: 'サイト計測', orders: '注文', events: 'イベント',
};

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
      ...(input.purposeOfUse !== undefined ? { purpose_of_use: input.purposeOfUse } : {}),
      ...(input.retentionDays !== undefined ? { retention_days: input.retentionDays } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.emailBasis !== undefined ? { email_basis: input.emailBasis } : {}),
    });
    if (!row || !before) throw notFound('Source');
    const changed = input.priority !== undefined && input.priority !== before.priority;
    if (changed) await requestSourceRecompute(trx, id, before.priority, input.priority!, actor.auth?.userId ?? null);
    await audit(trx, actor, 'source.update', { type: 'source', id }, {
      fields: Object.keys(input),
      ...(input.emailBasis !== undefined && input.emailBasis !== before.email_basis ? { emailBasis: { from: before.email_basis, to: input.emailBasis } } : {}),
      ...(changed ? { priority: { from: before.priority, to: input.priority } } : {}),
    });
    return changed;
  });
  if (priorityChanged) await walkAndWait(db, id, options);
  return (await getSource(db, id))!;
}

/**
 * An import profile's "email_basis" applied to its source when the import runs. Changing a source's lawful basis is
 * managing the registry: it needs sources:write (the command line, the operator, may); the same basis again is no
 * change and needs nothing. Audited as a source update.
 */
export async function applyProfileEmailBasis(db: Db, sourceId: string, basis: EmailBasis, actor: Actor): Promise<void> {
  const before = await repo.findSourceRow(db, sourceId);
  if (!before) throw notFound('Source');
  if (before.email_basis === basis) return;
  if (actor.auth !== null && !can(actor.auth.role, 'sources:write')) {
    throw forbidden(`Changing the e-mail basis of "${before.name}" needs sources:write (プロファイルの email_basis でデータソース「${before.label}」の送信根拠を変えるには、データソースの管理権限が必要です)`);
  }
  await repo.updateSource(db, sourceId, { email_basis: basis });
  await audit(db, actor, 'source.update', { type: 'source', id: sourceId }, { fields: ['emailBasis'], emailBasis: { from: before.email_basis, to: basis }, via: 'import_profile' });
}

/** A source by its name (the one lookup every feature uses), or undefined. */
export async function findSource(db: Db, name: string) {
  return repo.findSourceByName(db, name);
}

/**
 * Registers a feature's source (a form's, a tracker site's) in the caller's transaction; undefined when the name is
 * taken already.
 */
export async function registerSource(db: Db, name: string, label: string, kind: SourceKind) {
  return repo.insertSourceIfAbsent(db, name, label, kind);
}

/** The source of that name, created on first use (imports, ingest): the one place a source is found or created. */
export async function ensureSource(db: Db, name: string, label: string, kind: SourceKind) {
  const found = await repo.findSourceByName(db, name);
  if (found) return found;
  await repo.insertSourceIfAbsent(db, name, label, kind);
  const created = await repo.findSourceByName(db, name);
  if (!created) throw new Error(`Could not register source ${name}`);
  return created;
}
