/**
 * What a customer's source records say besides the golden record (GET /customers/:id/other-values):
 * 「他のデータソースの値」 under each value, with the source and date and 「この値を使う」, and the values a source sent
 * under its own names (unmapped columns, a form's own questions) per source.
 */
import { useState } from 'react';
import type { CustomerInput, OtherSourceValue, SourceAttribute } from '../api.ts';
import { formatDate, formatDateTime, formatPhone, formatPostal, isMaskedValue } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Button } from './Button.tsx';
import { DataTable } from './DataTable.tsx';
import { ErrorBanner } from './ui.tsx';

/**
 * The members of each group, as the server's survivorship takes them (domain/customers/fields.ts FIELD_GROUPS): a
 * group is set whole, so a member the chosen record lacks is cleared rather than kept from another record.
 */
const GROUP_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  name: ['familyName', 'givenName'],
  reading: ['familyNameKana', 'givenNameKana'],
  address: ['postalCode', 'prefecture', 'address', 'building'],
  affiliation: ['companyName', 'department', 'title'],
};

/** Fields a user may set through the customer PATCH (a placeholder e-mail is shown, never chosen). */
const SETTABLE: ReadonlySet<string> = new Set([
  'kind', 'familyName', 'givenName', 'familyNameKana', 'givenNameKana', 'email', 'phone', 'postalCode', 'prefecture', 'address',
  'building', 'birthDate', 'gender', 'companyName', 'department', 'title', 'lifecycleStage', 'acquisitionChannel', 'ownerUserId',
]);

/** The PATCH that makes `other` the customer's value: the group whole (absent members cleared), or the one field. */
export function inputForOtherValue(key: string, other: OtherSourceValue): CustomerInput | null {
  const members = GROUP_MEMBERS[key] ?? [key];
  if (!members.every((m) => SETTABLE.has(m))) return null;
  const input: Record<string, unknown> = {};
  for (const m of members) {
    const v = other.values[m];
    input[m] = v === undefined ? null : v;
  }
  // The phone is stored in E.164; the PATCH takes what a person would type.
  if (typeof input.phone === 'string') input.phone = formatPhone(input.phone);
  return input as CustomerInput;
}

/** One value as the profile shows it (〒123-4567, 090-1234-5678, dates, the group's members in their order). */
function useValueText() {
  const { t, tOr } = useI18n();
  return (key: string, values: Record<string, unknown>): string => {
    const text = (field: string): string => {
      const v = values[field];
      if (v === undefined || v === null || v === '') return '';
      if (isMaskedValue(v)) return String(v);
      switch (field) {
        case 'phone': return formatPhone(String(v));
        case 'postalCode': return `〒${formatPostal(String(v))}`;
        case 'birthDate': return formatDate(String(v));
        case 'gender': return tOr(`gender.${String(v)}`, String(v));
        default: return typeof v === 'string' ? v : JSON.stringify(v);
      }
    };
    const members = GROUP_MEMBERS[key] ?? [key];
    const sep = key === 'affiliation' ? ' / ' : ' ';
    return members.map(text).filter(Boolean).join(sep) || t('common.unset');
  };
}

/** The other values of one group or field, under its row on the profile. */
export function OtherValues({ groupKey, items, masked, onUse }: {
  groupKey: string;
  items: readonly OtherSourceValue[] | undefined;
  masked: boolean;
  onUse: (input: CustomerInput) => Promise<void>;
}) {
  const { t } = useI18n();
  const { can } = useSession();
  const valueText = useValueText();
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (!items || items.length === 0) return null;
  const use = async (other: OtherSourceValue, input: CustomerInput) => {
    setBusy(other.sourceRecordId);
    setError(null);
    try {
      await onUse(input);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="kv-row other-values" data-testid={`other-values-${groupKey}`}>
      <dt />
      <dd>
      <div className="other-values-title">{t('detail.otherValues')}</div>
      <ul>
        {items.map((other) => {
          const input = !masked && can('customers:write') ? inputForOtherValue(groupKey, other) : null;
          return (
            <li key={`${other.sourceRecordId}`} data-testid="other-value" data-source-record={other.sourceRecordId}>
              <span className={masked ? 'masked-value' : 'other-value'}>{valueText(groupKey, other.values)}</span>
              <span className="provenance"> {other.source === 'manual' ? t('provenance.manual') : other.sourceLabel} · {formatDateTime(other.at)}</span>
              {input && (
                <Button small variant="link" title={t('detail.useValueTitle')} disabled={busy !== null}
                  onClick={() => void use(other, input)} data-testid="use-other-value">
                  {t('detail.useValue')}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      <ErrorBanner error={error} />
      </dd>
    </div>
  );
}

/** Per source record: the values it holds under the source's own column or question names. */
export function SourceAttributesCard({ attributes }: { attributes: readonly SourceAttribute[] }) {
  const { t } = useI18n();
  if (attributes.length === 0) return null;
  const records = new Map<number, SourceAttribute[]>();
  for (const a of attributes) records.set(a.sourceRecordId, [...(records.get(a.sourceRecordId) ?? []), a]);
  return (
    <section className="card" data-testid="card-source-attributes">
      <div className="card-header"><h2>{t('detail.sourceAttributes')}</h2></div>
      <p className="small muted">{t('detail.sourceAttributesHint')}</p>
      {[...records.values()].map((list) => (
        <div key={list[0]!.sourceRecordId} className="source-attributes" data-testid="source-attributes" data-source={list[0]!.source}>
          <div className="source-attributes-head">{list[0]!.sourceLabel} <span className="provenance">· {formatDateTime(list[0]!.at)}</span></div>
          <DataTable
            rows={list}
            rowKey={(a) => a.name}
            rowTestId="source-attribute"
            columns={[
              { key: 'name', header: t('detail.attributeName'), cell: (a) => a.name, className: 'nowrap' },
              { key: 'value', header: t('detail.attributeValue'), cell: (a) => <AttributeValue value={a.value} /> },
            ]}
          />
        </div>
      ))}
    </section>
  );
}

function AttributeValue({ value }: { value: unknown }) {
  if (isMaskedValue(value)) return <span className="masked-value">{String(value)}</span>;
  if (Array.isArray(value)) return <>{value.map(String).join('、')}</>;
  return <>{typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value)}</>;
}
