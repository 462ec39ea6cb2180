import type { z } from '@hono/zod-openapi';
import { JSIC_MAJOR } from '../../domain/companies/industry.ts';
import { SIZE_BANDS } from '../../domain/companies/size.ts';
import { RFM_SEGMENTS, RFM_TIERS } from '../../domain/value/index.ts';

const TIERS = Object.keys(RFM_TIERS);
const SEGMENTS = Object.keys(RFM_SEGMENTS);
import { SegmentNodeSchema, type LeafCondition, type SegmentNode } from './segments.schemas.ts';

/**
 * Checks a segment definition before it is compiled: its shape (zod) and what zod cannot see (a value for the
 * operator, min ≤ max, known JSIC letters and size bands, tree size). Every problem names the JSON path of its node
 * (`$.conditions[1].minCount`) and says what is wrong in Japanese, then English.
 */

export interface DefinitionProblem { field: string; message: string }

export const MAX_DEPTH = 10;
export const MAX_CONDITIONS = 200;

export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`), '$');
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': return issue.input === undefined ? '必須の項目です (required)' : `型が違います: ${issue.expected} が必要です (expected ${issue.expected})`;
    case 'invalid_value': return `次のいずれかを指定してください: ${issue.values.map(String).join(', ')} (one of these)`;
    case 'unrecognized_keys': return `不明な項目です: ${issue.keys.join(', ')} (unknown keys)`;
    case 'too_small': return `小さすぎます (最小 ${String(issue.minimum)}) (too small)`;
    case 'too_big': return `大きすぎます (最大 ${String(issue.maximum)}) (too big)`;
    case 'invalid_union': return issue.message.includes('(') ? issue.message : '条件の形が正しくありません (invalid condition)';
    default: return issue.message;
  }
}

/** The definition as a tree, or the problems found (shape first; the rest only once the shape is right). */
export function parseDefinition(input: unknown): { ok: true; node: SegmentNode } | { ok: false; problems: DefinitionProblem[] } {
  const parsed = SegmentNodeSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.slice(0, 20).map((issue) => ({ field: jsonPath(issue.path), message: issueMessage(issue) })) };
  }
  const problems: DefinitionProblem[] = [];
  let leaves = 0;
  const walk = (node: SegmentNode, path: Array<string | number>, depth: number) => {
    if (depth > MAX_DEPTH) { problems.push({ field: jsonPath(path), message: `入れ子が深すぎます (最大 ${MAX_DEPTH} 段) (nested too deeply)` }); return; }
    if (node.type === 'and' || node.type === 'or') { node.conditions.forEach((c, i) => walk(c, [...path, 'conditions', i], depth + 1)); return; }
    if (node.type === 'not') { walk(node.condition, [...path, 'condition'], depth + 1); return; }
    leaves++;
    for (const problem of leafProblems(node)) problems.push({ field: jsonPath([...path, ...problem.at]), message: problem.message });
  };
  walk(parsed.data, [], 1);
  if (leaves > MAX_CONDITIONS) problems.push({ field: '$', message: `条件が多すぎます (最大 ${MAX_CONDITIONS} 件) (too many conditions)` });
  return problems.length ? { ok: false, problems } : { ok: true, node: parsed.data };
}

const NEEDS_VALUE = new Set(['eq', 'neq', 'contains', 'starts_with']);
const NEEDS_VALUES = new Set(['in', 'not_in', 'has_any', 'has_all']);

function leafProblems(node: LeafCondition): Array<{ at: string[]; message: string }> {
  const out: Array<{ at: string[]; message: string }> = [];
  const minMax = (min: number | undefined, max: number | undefined, at = 'max') => {
    if (min !== undefined && max !== undefined && min > max) out.push({ at: [at], message: '最小値が最大値より大きくなっています (min is greater than max)' });
  };
  const op = 'op' in node ? node.op : undefined;
  const value = 'value' in node ? node.value : undefined;
  const values = 'values' in node ? node.values : undefined;
  if (op && NEEDS_VALUE.has(op) && (value === undefined || value === '') && !values?.length) {
    out.push({ at: ['value'], message: 'この演算子には値 (value) が必要です (this operator needs a value)' });
  }
  if (op && NEEDS_VALUES.has(op) && !values?.length) {
    out.push({ at: ['values'], message: 'この演算子には値の一覧 (values) が必要です (this operator needs values)' });
  }
  switch (node.type) {
    case 'age': minMax(node.min, node.max); if (node.min === undefined && node.max === undefined) out.push({ at: ['min'], message: '年齢の下限か上限を指定してください (give min or max)' }); break;
    case 'company':
      if (node.field === 'industry') {
        const bad = (node.values ?? []).filter((v) => !(v in JSIC_MAJOR));
        if (!node.values?.length) out.push({ at: ['values'], message: '業種 (JSIC 大分類 A〜T) を指定してください (give JSIC major letters)' });
        else if (bad.length) out.push({ at: ['values'], message: `JSIC 大分類にない記号です: ${bad.join(', ')} (unknown JSIC major)` });
      } else if (node.field === 'size_band') {
        const bad = (node.values ?? []).filter((v) => !(SIZE_BANDS as readonly string[]).includes(v));
        if (!node.values?.length || bad.length) out.push({ at: ['values'], message: `規模は ${SIZE_BANDS.join(' / ')} から選んでください (size bands)` });
      } else if (node.field === 'prefecture') {
        if (!node.values?.length) out.push({ at: ['values'], message: '都道府県を指定してください (give prefectures)' });
      } else {
        minMax(node.min, node.max);
        if (node.min === undefined && node.max === undefined) out.push({ at: ['min'], message: '下限か上限を指定してください (give min or max)' });
      }
      break;
    case 'source_count': minMax(node.min, node.max); break;
    case 'purchases':
      minMax(node.minCount, node.maxCount, 'maxCount');
      minMax(node.minAmount, node.maxAmount, 'maxAmount');
      if (node.sku && node.category) out.push({ at: ['category'], message: 'SKU と商品カテゴリはどちらか一方を指定してください (sku or category, not both)' });
      break;
    case 'rfm':
      for (const key of ['r', 'f', 'm'] as const) minMax(node[key]?.min, node[key]?.max, key);
      for (const tier of node.tiers ?? []) if (!TIERS.includes(tier)) out.push({ at: ['tiers'], message: `ランクは ${TIERS.join(', ')} から選んでください (unknown tier ${tier})` });
      for (const segment of node.segments ?? []) if (!SEGMENTS.includes(segment)) out.push({ at: ['segments'], message: `RFM セグメントは ${SEGMENTS.join(', ')} から選んでください (unknown RFM segment ${segment})` });
      break;
    case 'predicted': minMax(node.min, node.max); break;
    case 'custom_field': minMax(node.min, node.max); break;
    default: break;
  }
  return out;
}

/** Every leaf with its JSON path, for the checks that need the database (fields, sources, forms, segments). */
export function leavesOf(node: SegmentNode, path: Array<string | number> = []): Array<{ leaf: LeafCondition; path: string }> {
  if (node.type === 'and' || node.type === 'or') return node.conditions.flatMap((c, i) => leavesOf(c, [...path, 'conditions', i]));
  if (node.type === 'not') return leavesOf(node.condition, [...path, 'condition']);
  return [{ leaf: node, path: jsonPath(path) }];
}
