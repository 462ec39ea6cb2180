import type { Selectable } from 'kysely';
import type { Actor } from '../../core/context.ts';
import { AppError, PG_UNIQUE_VIOLATION, notFound, sqlState, type FieldError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import type { CustomFieldDefinitionsTable } from '../../db/schema.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import * as repo from './custom-fields.repository.ts';
import type { CustomFieldDefinition } from './custom-fields.schemas.ts';

type Definition = Selectable<CustomFieldDefinitionsTable>;

function toDefinition(row: Definition): CustomFieldDefinition {
  return {
    id: row.id,
    entity: row.entity,
    key: row.key,
    labelJa: row.label_ja,
    labelEn: row.label_en,
    type: row.type,
    options: row.options,
    required: row.required,
    isPersonal: row.is_personal,
    sortOrder: row.sort_order,
    archived: row.archived_at !== null,
  };
}

/**
 * Checks values against their definitions: numbers are numbers, dates real dates, selects one of the options.
 * Unknown keys are an error (define the field first) so typos do not create silent new attributes.
 */
export function validateCustomValues(definitions: Definition[], input: Record<string, unknown>): { values: Record<string, unknown>; errors: FieldError[] } {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(input)) {
    const field = `customFields.${key}`;
    const def = byKey.get(key);
    if (!def) { errors.push({ field, message: 'Unknown custom field' }); continue; }
    if (value === null || value === '') { values[key] = null; continue; }
    switch (def.type) {
      case 'text':
        if (typeof value !== 'string' || value.length > 2000) errors.push({ field, message: 'Expected text (≤ 2000 characters)' });
        else values[key] = value.normalize('NFKC');
        break;
      case 'number': {
        const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.normalize('NFKC').replace(/,/g, '')) : NaN;
        if (!Number.isFinite(n)) errors.push({ field, message: 'Expected a number' });
        else values[key] = n;
        break;
      }
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) errors.push({ field, message: 'Expected a date (YYYY-MM-DD)' });
        else values[key] = value;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') errors.push({ field, message: 'Expected true or false' });
        else values[key] = value;
        break;
      case 'select':
        if (typeof value !== 'string' || !def.options.includes(value)) errors.push({ field, message: `Expected one of: ${def.options.join(', ')}` });
        else values[key] = value;
        break;
      case 'multi_select':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && def.options.includes(v))) errors.push({ field, message: `Expected a list of: ${def.options.join(', ')}` });
        else values[key] = [...new Set(value as string[])];
        break;
    }
  }
  return { values, errors };
}

export async function listDefinitions(db: Db, entity?: 'customer' | 'company'): Promise<CustomFieldDefinition[]> {
  return (await repo.listCustomFieldDefinitions(db, entity)).map(toDefinition);
}

export interface DefinitionInput {
  entity: 'customer' | 'company';
  key: string;
  labelJa: string;
  labelEn?: string | null | undefined;
  type: Definition['type'];
  options?: string[] | undefined;
  required?: boolean | undefined;
  isPersonal?: boolean | undefined;
  sortOrder?: number | undefined;
}

export async function createDefinition(db: Db, input: DefinitionInput, actor: Actor): Promise<CustomFieldDefinition> {
  checkOptions(input.type, input.options ?? []);
  try {
    const row = await repo.insertCustomFieldDefinition(db, {
      entity: input.entity,
      key: input.key,
      label_ja: input.labelJa,
      label_en: input.labelEn ?? null,
      type: input.type,
      options: JSON.stringify(input.options ?? []),
      required: input.required ?? false,
      is_personal: input.isPersonal ?? false,
      sort_order: input.sortOrder ?? 0,
    });
    await audit(db, actor, 'custom_field.create', { type: 'custom_field', id: row.id }, { key: row.key, entity: row.entity });
    return toDefinition(row);
  } catch (error) {
    if (sqlState(error) === PG_UNIQUE_VIOLATION) throw new AppError('conflict', 'A field with this key exists', [{ field: 'key', message: 'Already defined' }]);
    throw error;
  }
}

export async function updateDefinition(
  db: Db,
  id: string,
  input: { labelJa?: string | undefined; labelEn?: string | null | undefined; options?: string[] | undefined; required?: boolean | undefined; isPersonal?: boolean | undefined; sortOrder?: number | undefined; archived?: boolean | undefined },
  actor: Actor,
): Promise<CustomFieldDefinition> {
  const row = await repo.updateCustomFieldDefinition(db, id, {
    ...(input.labelJa !== undefined ? { label_ja: input.labelJa } : {}),
    ...(input.labelEn !== undefined ? { label_en: input.labelEn } : {}),
    ...(input.options !== undefined ? { options: JSON.stringify(input.options) } : {}),
    ...(input.required !== undefined ? { required: input.required } : {}),
    ...(input.isPersonal !== undefined ? { is_personal: input.isPersonal } : {}),
    ...(input.sortOrder !== undefined ? { sort_order: input.sortOrder } : {}),
    ...(input.archived !== undefined ? { archived_at: input.archived ? new Date() : null } : {}),
  });
  if (!row) throw notFound('Custom field');
  await audit(db, actor, 'custom_field.update', { type: 'custom_field', id }, { fields: Object.keys(input) });
  return toDefinition(row);
}

function checkOptions(type: Definition['type'], options: string[]): void {
  if ((type === 'select' || type === 'multi_select') && options.length === 0) {
    throw new AppError('validation_failed', 'A select field needs options', [{ field: 'options', message: 'Give at least one option' }]);
  }
}
