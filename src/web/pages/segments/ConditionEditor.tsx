/**
 * The inputs of one condition of the segment builder, in words a marketer reads as a sentence:
 * 「都道府県 が [東京都] と一致する」, 「購入 [2] 回以上 … 期間 [直近 180 日]」. Every change goes up as a new condition.
 */
import type { ReactNode } from 'react';
import type { CustomFieldDefinition, LeafCondition, Segment } from '../../api.ts';
import { JSIC_MAJOR } from '../../../domain/companies/industry.ts';
import { SIZE_BANDS, SIZE_BAND_LABELS } from '../../../domain/companies/size.ts';
import { RFM_SEGMENTS, RFM_TIERS, type RfmTier } from '../../../domain/value/rfm.ts';

const TIERS = Object.keys(RFM_TIERS) as RfmTier[];
import { useI18n, type MessageKey } from '../../i18n.ts';
import { useSession } from '../../session.tsx';
import { ProductPicker } from './ProductPicker.tsx';
import { splitList, withFields } from './tree.ts';

type Attribute = Extract<LeafCondition, { type: 'attribute' }>;
type CustomField = Extract<LeafCondition, { type: 'custom_field' }>;
type Win = NonNullable<Extract<LeafCondition, { type: 'purchases' }>['window']>;

export interface Choices {
  owners: Array<{ id: string; displayName: string }>;
  sources: Array<{ name: string; label: string }>;
  forms: Array<{ id: string; title: string }>;
  events: Array<{ id: string; name: string }>;
  campaigns: Array<{ id: string; name: string }>;
  customFields: CustomFieldDefinition[];
  segments: Segment[];
}

const num = (text: string): number | undefined => (text.trim() === '' || !Number.isFinite(Number(text)) ? undefined : Number(text));
const show = (n: number | undefined | null): string => (n === undefined || n === null ? '' : String(n));

function NumberInput({ value, onChange, testId, step, min, width = 80, label }: {
  value: number | undefined; onChange: (n: number | undefined) => void; testId: string; step?: number; min?: number; width?: number; label: string;
}) {
  return (
    <input
      type="number" className="input seg-num" style={{ width }} value={show(value)} step={step} min={min} aria-label={label}
      data-testid={testId} onChange={(e) => onChange(num(e.target.value))}
    />
  );
}

function Words({ children }: { children: ReactNode }) {
  return <span className="seg-words">{children}</span>;
}

/** 期間: いつでも / 直近 N 日 / 日付で指定. */
export function WindowInput({ value, onChange, optional = true }: { value: Win | undefined; onChange: (w: Win | undefined) => void; optional?: boolean }) {
  const { t } = useI18n();
  const mode = !value ? 'ever' : 'lastDays' in value ? 'last' : 'range';
  return (
    <span className="seg-inline" data-testid="cond-window">
      <Words>{t('seg.window')}</Words>
      <select
        className="input" value={mode} data-testid="cond-window-mode" aria-label={t('seg.window')}
        onChange={(e) => onChange(e.target.value === 'ever' ? undefined : e.target.value === 'last' ? { lastDays: 30 } : { from: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10) })}
      >
        {optional && <option value="ever">{t('seg.window.ever')}</option>}
        <option value="last">{t('seg.window.last')}</option>
        <option value="range">{t('seg.window.range')}</option>
      </select>
      {value && 'lastDays' in value && (
        <>
          <NumberInput value={value.lastDays} min={1} label={t('seg.window.days')} testId="cond-window-days" onChange={(n) => onChange({ lastDays: n as number })} />
          <Words>{t('seg.window.days')}</Words>
        </>
      )}
      {value && !('lastDays' in value) && (
        <>
          <input type="date" className="input" value={'from' in value ? value.from : ''} aria-label={t('seg.window.from')} data-testid="cond-window-from"
            onChange={(e) => onChange(e.target.value ? { from: e.target.value, ...(value.to ? { to: value.to } : {}) } : value.to ? { to: value.to } : undefined)} />
          <Words>〜</Words>
          <input type="date" className="input" value={value.to ?? ''} aria-label={t('seg.window.to')} data-testid="cond-window-to"
            onChange={(e) => {
              const from = 'from' in value ? value.from : undefined;
              if (e.target.value) onChange(from ? { from, to: e.target.value } : { to: e.target.value });
              else onChange(from ? { from } : undefined);
            }} />
        </>
      )}
    </span>
  );
}

function MinMax({ min, max, onChange, unit, testId, step, scale = 1 }: {
  min: number | undefined; max: number | undefined; onChange: (min: number | undefined, max: number | undefined) => void;
  unit: string; testId: string; step?: number; scale?: number;
}) {
  const { t } = useI18n();
  const down = (n: number | undefined) => (n === undefined ? undefined : n / scale);
  const up = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * scale));
  return (
    <span className="seg-inline">
      <NumberInput value={down(min)} step={step} label={t('seg.min')} testId={`${testId}-min`} onChange={(n) => onChange(up(n), max)} />
      <Words>{t('seg.between')}</Words>
      <NumberInput value={down(max)} step={step} label={t('seg.max')} testId={`${testId}-max`} onChange={(n) => onChange(min, up(n))} />
      <Words>{unit}</Words>
    </span>
  );
}

function MultiSelect({ options, values, onChange, testId, label, size = 5 }: {
  options: Array<{ value: string; label: string }>; values: string[]; onChange: (v: string[]) => void; testId: string; label: string; size?: number;
}) {
  const { t } = useI18n();
  return (
    <span className="seg-multi-wrap">
      <select
        multiple className="input seg-multi" size={Math.min(size, options.length)} value={values} aria-label={label} title={t('seg.multiHint')} data-testid={testId}
        onChange={(e) => onChange(Array.from(e.target.selectedOptions, (o) => o.value))}
      >
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      <span className="muted small">{t('seg.multiHint')}{values.length > 0 && ` · ${t('seg.multiChosen', { n: values.length })}`}</span>
    </span>
  );
}

const TEXT_OPS_ALL = ['eq', 'neq', 'in', 'not_in', 'contains', 'starts_with', 'is_set', 'is_not_set'] as const;
const CHOICE_OPS = ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'] as const;

function AttributeEditor({ node, onChange, choices }: { node: Attribute; onChange: (n: LeafCondition) => void; choices: Choices }) {
  const { t, label } = useI18n();
  const { reference } = useSession();
  const options: Array<{ value: string; label: string }> | null =
    node.field === 'prefecture' ? (reference?.prefectures ?? []).map((p) => ({ value: p, label: p }))
    : node.field === 'lifecycle_stage' ? (reference?.lifecycleStages ?? []).map((s) => ({ value: s.code, label: label(s) }))
    : node.field === 'acquisition_channel' ? (reference?.acquisitionChannels ?? []).map((s) => ({ value: s.code, label: label(s) }))
    : node.field === 'gender' ? (['female', 'male', 'other', 'unknown'] as const).map((g) => ({ value: g, label: t(`gender.${g}`) }))
    : node.field === 'owner' ? choices.owners.map((o) => ({ value: o.id, label: o.displayName }))
    : null;
  const ops = options ? CHOICE_OPS : TEXT_OPS_ALL;
  const many = node.op === 'in' || node.op === 'not_in';
  const none = node.op === 'is_set' || node.op === 'is_not_set';
  const setOp = (op: Attribute['op']) => {
    const nowMany = op === 'in' || op === 'not_in';
    const carried = many ? node.values ?? [] : node.value ? [node.value] : [];
    if (op === 'is_set' || op === 'is_not_set') onChange(withFields(node, { op, value: undefined, values: undefined }));
    else if (nowMany) onChange(withFields(node, { op, value: undefined, values: carried }));
    else onChange({ ...withFields(node, { op, values: undefined }), value: carried[0] ?? '' });
  };
  return (
    <span className="seg-inline">
      <select className="input" value={node.op} aria-label={t('seg.op')} data-testid="cond-op" onChange={(e) => setOp(e.target.value as Attribute['op'])}>
        {ops.map((op) => <option key={op} value={op}>{t(`seg.op.${op}` as MessageKey)}</option>)}
      </select>
      {!none && !many && options && (
        <select className="input" value={node.value ?? ''} aria-label={t('seg.value')} data-testid="cond-value" onChange={(e) => onChange({ ...node, value: e.target.value })}>
          <option value="">{t('common.select')}</option>
          {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      )}
      {!none && many && options && (
        <MultiSelect options={options} values={node.values ?? []} label={t('seg.value')} testId="cond-values" onChange={(values) => onChange({ ...node, values })} />
      )}
      {!none && !options && (
        <input
          className="input" aria-label={t('seg.value')} data-testid={many ? 'cond-values' : 'cond-value'}
          placeholder={t(many ? 'seg.value.listHint' : node.field === 'email_domain' ? 'seg.value.domainHint' : node.field === 'city' ? 'seg.value.cityHint' : 'seg.value.textHint')}
          value={many ? (node.values ?? []).join('、') : node.value ?? ''}
          onChange={(e) => onChange(many ? withFields(node, { values: splitList(e.target.value) }) : { ...node, value: e.target.value })}
        />
      )}
    </span>
  );
}

/** The operators that fit a custom field's type (the server refuses the others: segments.service TYPES_FOR_OP). */
const OPS_BY_TYPE: Record<CustomFieldDefinition['type'], ReadonlyArray<CustomField['op']>> = {
  text: ['eq', 'neq', 'contains', 'starts_with', 'is_set', 'is_not_set'],
  number: ['between', 'is_set', 'is_not_set'],
  date: ['between', 'is_set', 'is_not_set'],
  select: ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'],
  multi_select: ['has_any', 'has_all', 'is_set', 'is_not_set'],
  boolean: ['is_true', 'is_false'],
};

/** A custom field condition: the field, then an operator and value inputs for its type. */
function CustomFieldEditor({ node, onChange, choices }: { node: CustomField; onChange: (n: LeafCondition) => void; choices: Choices }) {
  const { t, lang } = useI18n();
  const field = choices.customFields.find((f) => f.key === node.key);
  const ops = OPS_BY_TYPE[field?.type ?? 'text'];
  // A new field or operator starts with empty values of the right shape.
  const fresh = (key: string, op: CustomField['op']): CustomField => {
    const type = choices.customFields.find((f) => f.key === key)?.type ?? 'text';
    const many = op === 'in' || op === 'not_in' || op === 'has_any' || op === 'has_all';
    const single = op === 'eq' || op === 'neq' || op === 'contains' || op === 'starts_with';
    return {
      type: 'custom_field', key, op,
      ...(many ? { values: [] } : single ? { value: '' } : {}),
      ...(op === 'between' && type === 'number' ? { min: 0 } : {}),
      ...(op === 'between' && type === 'date' ? { from: new Date().toISOString().slice(0, 10) } : {}),
    };
  };
  const options = (field?.options ?? []).map((o) => ({ value: o, label: o }));
  return (
    <span className="seg-inline seg-wrap">
      <select className="input" value={node.key} aria-label={t('seg.cond.custom_field')} data-testid="cond-custom-field"
        onChange={(e) => onChange(fresh(e.target.value, OPS_BY_TYPE[choices.customFields.find((f) => f.key === e.target.value)?.type ?? 'text'][0]!))}>
        <option value="">{t('common.select')}</option>
        {choices.customFields.map((f) => <option key={f.key} value={f.key}>{lang === 'en' && f.labelEn ? f.labelEn : f.labelJa}</option>)}
        {!field && node.key && <option value={node.key}>{node.key}</option>}
      </select>
      <select className="input" value={node.op} aria-label={t('seg.op')} data-testid="cond-op" onChange={(e) => onChange(fresh(node.key, e.target.value as CustomField['op']))}>
        {(ops.includes(node.op) ? ops : [...ops, node.op]).map((op) => <option key={op} value={op}>{t(`seg.op.${op}` as MessageKey)}</option>)}
      </select>
      {node.op === 'between' && field?.type === 'date' && (
        <>
          <input type="date" className="input" value={node.from ?? ''} aria-label={t('seg.window.from')} data-testid="cond-from"
            onChange={(e) => onChange(withFields(node, { from: e.target.value || undefined }))} />
          <Words>〜</Words>
          <input type="date" className="input" value={node.to ?? ''} aria-label={t('seg.window.to')} data-testid="cond-to"
            onChange={(e) => onChange(withFields(node, { to: e.target.value || undefined }))} />
        </>
      )}
      {node.op === 'between' && field?.type !== 'date' && (
        <MinMax min={node.min} max={node.max} unit="" testId="cond-range" onChange={(min, max) => onChange(withFields(node, { min, max }))} />
      )}
      {(node.op === 'in' || node.op === 'not_in' || node.op === 'has_any' || node.op === 'has_all') && (
        options.length
          ? <MultiSelect options={options} values={node.values ?? []} label={t('seg.value')} testId="cond-values" onChange={(values) => onChange({ ...node, values })} />
          : <input className="input" aria-label={t('seg.value')} data-testid="cond-values" placeholder={t('seg.value.listHint')} value={(node.values ?? []).join('、')}
              onChange={(e) => onChange(withFields(node, { values: splitList(e.target.value) }))} />
      )}
      {(node.op === 'eq' || node.op === 'neq' || node.op === 'contains' || node.op === 'starts_with') && (
        options.length && (node.op === 'eq' || node.op === 'neq')
          ? (
            <select className="input" value={node.value ?? ''} aria-label={t('seg.value')} data-testid="cond-value" onChange={(e) => onChange({ ...node, value: e.target.value })}>
              <option value="">{t('common.select')}</option>
              {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          )
          : <input className="input" aria-label={t('seg.value')} data-testid="cond-value" placeholder={t('seg.value.textHint')} value={node.value ?? ''} onChange={(e) => onChange({ ...node, value: e.target.value })} />
      )}
    </span>
  );
}

/** The inputs of a leaf; `onChange` receives the edited condition. */
export function ConditionEditor({ node, onChange, choices, selfId }: { node: LeafCondition; onChange: (n: LeafCondition) => void; choices: Choices; selfId?: string | undefined }) {
  const { t, lang } = useI18n();
  const { reference } = useSession();
  const set = (patch: Record<string, unknown>) => onChange(withFields(node, patch));
  switch (node.type) {
    case 'attribute':
      return <AttributeEditor node={node} onChange={onChange} choices={choices} />;
    case 'custom_field':
      return <CustomFieldEditor node={node} onChange={onChange} choices={choices} />;
    case 'date':
      return (
        <span className="seg-inline seg-wrap">
          <select className="input" value={node.field} aria-label={t('seg.value')} data-testid="cond-date-field" onChange={(e) => onChange({ ...node, field: e.target.value as typeof node.field })}>
            {(['created_at', 'updated_at'] as const).map((f) => <option key={f} value={f}>{t(`seg.date.${f}`)}</option>)}
          </select>
          <WindowInput value={node.window} optional={false} onChange={(window) => onChange({ ...node, window: window ?? { lastDays: 30 } })} />
        </span>
      );
    case 'age':
      return <MinMax min={node.min} max={node.max} unit={t('seg.unit.age')} testId="cond-age" onChange={(min, max) => set({ min, max })} />;
    case 'has':
      return (
        <span className="seg-inline">
          <select className="input" value={node.field} aria-label={t('seg.value')} data-testid="cond-has-field" onChange={(e) => onChange({ ...node, field: e.target.value as typeof node.field })}>
            {(['email', 'phone', 'address', 'company', 'birth_date', 'owner'] as const).map((f) => <option key={f} value={f}>{t(`seg.has.${f}`)}</option>)}
          </select>
          <Words>{t('seg.has.suffix')}</Words>
        </span>
      );
    case 'company':
      if (node.field === 'industry') {
        return <MultiSelect size={6} label={t('seg.cond.company_industry')} testId="cond-values" values={node.values ?? []} onChange={(values) => onChange({ ...node, values })}
          options={Object.entries(JSIC_MAJOR).map(([code, name]) => ({ value: code, label: `${code} ${name}` }))} />;
      }
      if (node.field === 'size_band') {
        return <MultiSelect label={t('seg.cond.company_size_band')} testId="cond-values" values={node.values ?? []} onChange={(values) => onChange({ ...node, values })}
          options={SIZE_BANDS.map((b) => ({ value: b, label: lang === 'ja' ? SIZE_BAND_LABELS[b] : b }))} />;
      }
      if (node.field === 'prefecture') {
        return <MultiSelect size={6} label={t('seg.cond.company_prefecture')} testId="cond-values" values={node.values ?? []} onChange={(values) => onChange({ ...node, values })}
          options={(reference?.prefectures ?? []).map((p) => ({ value: p, label: p }))} />;
      }
      return node.field === 'capital'
        ? <MinMax min={node.min} max={node.max} unit={t('seg.unit.manYen')} scale={10_000} testId="cond-range" onChange={(min, max) => set({ min, max })} />
        : <MinMax min={node.min} max={node.max} unit={t('seg.unit.people')} testId="cond-range" onChange={(min, max) => set({ min, max })} />;
    case 'source':
      return (
        <span className="seg-inline">
          {choices.sources.length ? (
            <select className="input" value={node.source} aria-label={t('seg.cond.source')} data-testid="cond-source" onChange={(e) => onChange({ ...node, source: e.target.value })}>
              <option value="">{t('common.select')}</option>
              {choices.sources.map((s) => <option key={s.name} value={s.name}>{s.label}</option>)}
            </select>
          ) : (
            <input className="input" value={node.source} aria-label={t('seg.cond.source')} data-testid="cond-source" onChange={(e) => onChange({ ...node, source: e.target.value })} />
          )}
          <select className="input" value={node.op} aria-label={t('seg.op')} data-testid="cond-op" onChange={(e) => onChange({ ...node, op: e.target.value as typeof node.op })}>
            <option value="has_record">{t('seg.source.has_record')}</option>
            <option value="first_seen">{t('seg.source.first_seen')}</option>
          </select>
        </span>
      );
    case 'source_count':
      return <MinMax min={node.min} max={node.max} unit={t('seg.unit.sources')} testId="cond-range" onChange={(min, max) => set({ min, max })} />;
    case 'page_views':
      return (
        <span className="seg-inline seg-wrap">
          <Words>{t('seg.pv.url')}</Words>
          <input className="input" value={node.url ?? ''} placeholder="/products/*" aria-label={t('seg.pv.url')} data-testid="cond-url" onChange={(e) => set({ url: e.target.value })} />
          <NumberInput value={node.minCount} min={0} label={t('seg.pv.count')} testId="cond-min-count" onChange={(minCount) => set({ minCount })} />
          <Words>{t('seg.pv.countSuffix')}</Words>
          <NumberInput value={node.minSeconds} min={0} label={t('seg.pv.seconds')} testId="cond-min-seconds" onChange={(minSeconds) => set({ minSeconds })} />
          <Words>{t('seg.pv.secondsSuffix')}</Words>
          <WindowInput value={node.window} onChange={(window) => set({ window })} />
        </span>
      );
    case 'form_submitted':
      return (
        <span className="seg-inline seg-wrap">
          <select className="input" value={node.formId ?? ''} aria-label={t('seg.cond.form_submitted')} data-testid="cond-form" onChange={(e) => set({ formId: e.target.value })}>
            <option value="">{t('seg.form.any')}</option>
            {choices.forms.map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
          </select>
          <WindowInput value={node.window} onChange={(window) => set({ window })} />
        </span>
      );
    case 'event':
      return (
        <span className="seg-inline seg-wrap">
          <select className="input" value={node.eventId ?? ''} aria-label={t('seg.cond.event')} data-testid="cond-event" onChange={(e) => set({ eventId: e.target.value })}>
            <option value="">{t('seg.event.any')}</option>
            {choices.events.map((ev) => <option key={ev.id} value={ev.id}>{ev.name}</option>)}
          </select>
          <select className="input" value={node.status} aria-label={t('seg.op')} data-testid="cond-event-status" onChange={(e) => onChange({ ...node, status: e.target.value as typeof node.status })}>
            {(['registered', 'attended', 'no_show'] as const).map((s) => <option key={s} value={s}>{t(`seg.event.${s}`)}</option>)}
          </select>
          <WindowInput value={node.window} onChange={(window) => set({ window })} />
        </span>
      );
    case 'email':
      return (
        <span className="seg-inline seg-wrap">
          <select className="input" value={node.campaignId ?? ''} aria-label={t('seg.cond.email')} data-testid="cond-campaign" onChange={(e) => set({ campaignId: e.target.value })}>
            <option value="">{t('seg.email.any')}</option>
            {choices.campaigns.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
          <select className="input" value={node.action} aria-label={t('seg.op')} data-testid="cond-email-action" onChange={(e) => onChange({ ...node, action: e.target.value as typeof node.action })}>
            {(['received', 'opened', 'clicked'] as const).map((a) => <option key={a} value={a}>{t(`seg.email.${a}`)}</option>)}
          </select>
          <NumberInput value={node.minCount} min={1} label={t('seg.email.countSuffix')} testId="cond-min-count" onChange={(minCount) => set({ minCount })} />
          <Words>{t('seg.email.countSuffix')}</Words>
          <WindowInput value={node.window} onChange={(window) => set({ window })} />
        </span>
      );
    case 'purchases': {
      const target = node.sku !== undefined ? 'sku' : node.category !== undefined ? 'category' : 'all';
      return (
        <span className="seg-inline seg-wrap">
          <Words>{t('seg.purchase.count')}</Words>
          <MinMax min={node.minCount} max={node.maxCount} unit={t('seg.unit.times')} testId="cond-count" onChange={(minCount, maxCount) => set({ minCount, maxCount })} />
          <Words>{t('seg.purchase.amount')}</Words>
          <MinMax min={node.minAmount} max={node.maxAmount} unit={t('seg.unit.yen')} testId="cond-amount" onChange={(minAmount, maxAmount) => set({ minAmount, maxAmount })} />
          <select className="input" value={target} aria-label={t('seg.purchase.target')} data-testid="cond-purchase-target"
            onChange={(e) => {
              // An empty SKU or category is kept while it is being typed (the server ignores an empty one).
              const { sku: _s, category: _c, ...rest } = node;
              onChange(e.target.value === 'all' ? rest : { ...rest, [e.target.value]: '' });
            }}>
            <option value="all">{t('seg.purchase.all')}</option>
            <option value="sku">{t('seg.purchase.sku')}</option>
            <option value="category">{t('seg.purchase.category')}</option>
          </select>
          {target !== 'all' && (
            <input className="input" value={(target === 'sku' ? node.sku : node.category) ?? ''} aria-label={t(`seg.purchase.${target}`)} data-testid="cond-purchase-value"
              onChange={(e) => onChange({ ...node, [target]: e.target.value })} />
          )}
          <WindowInput value={node.window} onChange={(window) => set({ window })} />
        </span>
      );
    }
    case 'no_purchase':
      return (
        <span className="seg-inline">
          <NumberInput value={node.days} min={1} label={t('seg.unit.days')} testId="cond-days" onChange={(days) => onChange({ ...node, days: days as number })} />
          <Words>{t('seg.noPurchase.suffix')}</Words>
        </span>
      );
    case 'no_contact':
      return (
        <span className="seg-inline">
          <NumberInput value={node.days} min={1} label={t('seg.unit.days')} testId="cond-days" onChange={(days) => onChange({ ...node, days: days as number })} />
          <Words>{t('seg.noContact.suffix')}</Words>
        </span>
      );
    case 'negative_feedback':
      return (
        <span className="seg-inline">
          <NumberInput value={node.days} min={1} label={t('seg.unit.days')} testId="cond-days" onChange={(days) => onChange({ ...node, days: days as number })} />
          <Words>{t('seg.negativeFeedback.suffix')}</Words>
        </span>
      );
    case 'rfm': {
      const score = (key: 'r' | 'f' | 'm') => (
        <span className="seg-inline" key={key}>
          <Words>{key.toUpperCase()}</Words>
          <MinMax min={node[key]?.min} max={node[key]?.max} unit="" testId={`cond-${key}`} onChange={(min, max) => set({ [key]: min === undefined && max === undefined ? undefined : { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } })} />
        </span>
      );
      return (
        <span className="seg-inline seg-wrap">
          <Words>{t('seg.rfm.tiers')}</Words>
          <MultiSelect size={6} label={t('seg.rfm.tiers')} testId="cond-tiers" values={node.tiers ?? []} onChange={(tiers) => set({ tiers })}
            options={TIERS.map((tier) => ({ value: tier, label: `${RFM_TIERS[tier][lang]}（${RFM_TIERS[tier].segments.map((seg) => RFM_SEGMENTS[seg][lang]).join(' / ')}）` }))} />
          <Words>{t('seg.rfm.scores')}</Words>
          {score('r')}{score('f')}{score('m')}
        </span>
      );
    }
    case 'predicted':
      return (
        <span className="seg-inline">
          <select className="input" value={node.metric} aria-label={t('seg.cond.predicted')} data-testid="cond-metric" onChange={(e) => onChange({ ...node, metric: e.target.value as typeof node.metric })}>
            {(['p_alive', 'expected_purchases_90d', 'expected_order_value', 'predicted_value_365d'] as const).map((m) => <option key={m} value={m}>{t(`seg.predicted.${m}`)}</option>)}
          </select>
          <MinMax min={node.min} max={node.max} unit="" step={node.metric === 'p_alive' ? 0.05 : undefined} testId="cond-range" onChange={(min, max) => set({ min, max })} />
        </span>
      );
    case 'candidate':
      return (
        <span className="seg-inline seg-wrap">
          <Words>{t('seg.candidate.product')}</Words>
          <ProductPicker sku={node.sku} onChange={(sku) => onChange({ ...node, sku })} />
          <Words>{t('seg.candidate.within')}</Words>
          <NumberInput value={node.maxRank} min={1} width={64} label={t('seg.candidate.maxRank')} testId="cond-max-rank" onChange={(maxRank) => set({ maxRank })} />
          <Words>{t('seg.candidate.rankSuffix')}</Words>
          <Words>{t('seg.candidate.kind')}</Words>
          <select className="input" value={node.kind ?? ''} aria-label={t('seg.candidate.kind')} data-testid="cond-candidate-kind"
            onChange={(e) => set({ kind: e.target.value === '' ? undefined : e.target.value })}>
            <option value="">{t('seg.candidate.anyKind')}</option>
            <option value="cross_sell">{t('seg.candidate.onlyCross')}</option>
            <option value="up_sell">{t('seg.candidate.onlyUp')}</option>
          </select>
        </span>
      );
    case 'segment':
      return (
        <span className="seg-inline">
          <select className="input" value={node.segmentId} aria-label={t('seg.cond.segment')} data-testid="cond-segment" onChange={(e) => onChange({ ...node, segmentId: e.target.value })}>
            <option value="">{t('common.select')}</option>
            {choices.segments.filter((s) => s.id !== selfId).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
          <Words>{t('seg.segment.suffix')}</Words>
        </span>
      );
    default:
      // A kind saved through the API that this builder has no inputs for: shown as it is.
      return <code className="seg-raw" data-testid="cond-raw">{JSON.stringify(node)}</code>;
  }
}
