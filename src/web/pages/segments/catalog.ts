/**
 * 「条件を追加」: the conditions a marketer can add, by category, each with the condition it starts as. The labels are
 * `seg.cond.<id>` and `seg.cat.<category>` in i18n.ts; kindOf() names the entry a condition of the tree belongs to.
 */
import type { LeafCondition } from '../../api.ts';

export type Category = 'attribute' | 'company' | 'source' | 'behaviour' | 'value' | 'segment';

export interface CatalogEntry {
  id: string;
  category: Category;
  make: () => LeafCondition;
}

export const CATALOG: readonly CatalogEntry[] = [
  { id: 'prefecture', category: 'attribute', make: () => ({ type: 'attribute', field: 'prefecture', op: 'eq', value: '' }) },
  { id: 'city', category: 'attribute', make: () => ({ type: 'attribute', field: 'city', op: 'starts_with', value: '' }) },
  { id: 'lifecycle_stage', category: 'attribute', make: () => ({ type: 'attribute', field: 'lifecycle_stage', op: 'eq', value: '' }) },
  { id: 'acquisition_channel', category: 'attribute', make: () => ({ type: 'attribute', field: 'acquisition_channel', op: 'eq', value: '' }) },
  { id: 'gender', category: 'attribute', make: () => ({ type: 'attribute', field: 'gender', op: 'eq', value: '' }) },
  { id: 'age', category: 'attribute', make: () => ({ type: 'age', min: 30, max: 49 }) },
  { id: 'owner', category: 'attribute', make: () => ({ type: 'attribute', field: 'owner', op: 'eq', value: '' }) },
  { id: 'department', category: 'attribute', make: () => ({ type: 'attribute', field: 'department', op: 'contains', value: '' }) },
  { id: 'title', category: 'attribute', make: () => ({ type: 'attribute', field: 'title', op: 'contains', value: '' }) },
  { id: 'email_domain', category: 'attribute', make: () => ({ type: 'attribute', field: 'email_domain', op: 'eq', value: '' }) },
  { id: 'has', category: 'attribute', make: () => ({ type: 'has', field: 'email' }) },
  { id: 'date', category: 'attribute', make: () => ({ type: 'date', field: 'created_at', window: { lastDays: 30 } }) },
  { id: 'custom_field', category: 'attribute', make: () => ({ type: 'custom_field', key: '', op: 'eq', value: '' }) },
  { id: 'company_industry', category: 'company', make: () => ({ type: 'company', field: 'industry', values: [] }) },
  { id: 'company_size_band', category: 'company', make: () => ({ type: 'company', field: 'size_band', values: [] }) },
  { id: 'company_prefecture', category: 'company', make: () => ({ type: 'company', field: 'prefecture', values: [] }) },
  { id: 'company_employees', category: 'company', make: () => ({ type: 'company', field: 'employees', min: 100 }) },
  { id: 'company_capital', category: 'company', make: () => ({ type: 'company', field: 'capital', min: 10_000_000 }) },
  { id: 'source', category: 'source', make: () => ({ type: 'source', source: '', op: 'has_record' }) },
  { id: 'source_count', category: 'source', make: () => ({ type: 'source_count', min: 2 }) },
  { id: 'page_views', category: 'behaviour', make: () => ({ type: 'page_views', url: '', minCount: 1, window: { lastDays: 30 } }) },
  { id: 'form_submitted', category: 'behaviour', make: () => ({ type: 'form_submitted', window: { lastDays: 90 } }) },
  { id: 'event', category: 'behaviour', make: () => ({ type: 'event', status: 'attended' }) },
  { id: 'email', category: 'behaviour', make: () => ({ type: 'email', action: 'opened', window: { lastDays: 90 } }) },
  { id: 'purchases', category: 'behaviour', make: () => ({ type: 'purchases', minCount: 1 }) },
  { id: 'recent_purchase', category: 'behaviour', make: () => ({ type: 'purchases', minCount: 1, window: { lastDays: 180 } }) },
  { id: 'no_purchase', category: 'behaviour', make: () => ({ type: 'no_purchase', days: 180 }) },
  { id: 'no_contact', category: 'behaviour', make: () => ({ type: 'no_contact', days: 14 }) },
  { id: 'negative_feedback', category: 'behaviour', make: () => ({ type: 'negative_feedback', days: 30 }) },
  { id: 'rfm', category: 'value', make: () => ({ type: 'rfm', tiers: ['loyal'] }) },
  { id: 'predicted', category: 'value', make: () => ({ type: 'predicted', metric: 'p_alive', min: 0.5 }) },
  { id: 'candidate', category: 'value', make: () => ({ type: 'candidate', sku: '', maxRank: 10 }) },
  { id: 'segment', category: 'segment', make: () => ({ type: 'segment', segmentId: '' }) },
];

export const CATEGORIES: readonly Category[] = ['attribute', 'company', 'source', 'behaviour', 'value', 'segment'];

/** The catalogue entry a condition belongs to (its label and category), or null for kinds the builder only shows. */
export function kindOf(leaf: LeafCondition): CatalogEntry | null {
  let id: string;
  switch (leaf.type) {
    case 'attribute': id = leaf.field; break;
    case 'company': id = `company_${leaf.field}`; break;
    default: id = leaf.type;
  }
  return CATALOG.find((e) => e.id === id) ?? null;
}
