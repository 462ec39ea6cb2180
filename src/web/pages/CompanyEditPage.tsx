/**
 * 企業情報の編集: the company's facts (法人番号, 業種, 従業員数, 資本金, 売上規模, URL, 代表電話, 住所) with the size band
 * and the 中小企業 judgement they give. Only the fields changed are sent: a field edited here is the company's own
 * from then on (later imports do not overwrite it), the others keep following the imports.
 */
import { api, type Company, type CompanyPatch } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { textOrNull } from '../components/form-values.ts';
import { ErrorBanner, FormField, Loading, useLoad } from '../components/ui.tsx';

type EditValues = Record<Exclude<keyof CompanyPatch, 'name'> | 'name', string>;

function valuesOf(c: Company): EditValues {
  return {
    name: c.name, nameKana: c.nameKana ?? '', legalForm: c.legalForm ?? '', corporateNumber: c.corporateNumber ?? '',
    industry: c.industry ?? '', employees: c.employeesText ?? (c.employeeCount !== null ? String(c.employeeCount) : ''),
    capital: c.capitalText ?? (c.capitalYen !== null ? String(c.capitalYen) : ''), revenueBand: c.revenueBand ?? '',
    website: c.website ?? '', phone: c.phone ?? '', postalCode: c.postalCode ?? '', prefecture: c.prefecture ?? '', address: c.address ?? '',
  };
}

/** The changed fields only, blanks as null (cleared); 法人番号 as its digits. */
export function companyChanges(before: EditValues, after: EditValues): CompanyPatch {
  const out: Record<string, string | null> = {};
  for (const key of Object.keys(after) as Array<keyof EditValues>) {
    if (after[key].trim() === before[key].trim()) continue;
    out[key] = key === 'corporateNumber' ? textOrNull(after[key].normalize('NFKC').replace(/\D/gu, '')) : textOrNull(after[key]);
  }
  if (out.name === null) delete out.name;
  return out as CompanyPatch;
}

export function CompanyEditPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { data: company, error, loading } = useLoad(() => api.getCompany(id), [id]);
  return (
    <div className="page" data-testid="company-edit-page">
      <Link to={`/companies/${id}`} className="back-link">← {company?.name ?? t('companies.back')}</Link>
      {company ? <CompanyEditForm company={company} /> : loading ? <Loading /> : <ErrorBanner error={error} />}
    </div>
  );
}

export function SmeSummary({ company }: { company: Company }) {
  const { t } = useI18n();
  const verdict = company.sme.small === true ? t('companies.sme.small') : company.sme.sme === true ? t('companies.sme.yes') : company.sme.sme === false ? t('companies.sme.no') : t('companies.sme.unknown');
  return (
    <dl className="kv" data-testid="company-size">
      <div className="kv-row"><dt>{t('companies.sizeBand')}</dt><dd><div className="kv-value">{company.sizeBandLabel ?? <span className="muted">—</span>}</div></dd></div>
      <div className="kv-row"><dt>{t('companies.sme')}</dt><dd><div className="kv-value" data-testid="company-sme">{verdict}</div><div className="muted small">{t('companies.derived')}</div></dd></div>
    </dl>
  );
}

function CompanyEditForm({ company }: { company: Company }) {
  const { t } = useI18n();
  const { reference } = useSession();
  const initial = valuesOf(company);
  const form = useFormValues<EditValues>(initial);
  const { values, set, errors } = form;
  const field = (key: keyof EditValues, label: string, extra: { hint?: string; placeholder?: string; wide?: boolean; inputMode?: 'numeric' | 'tel' | 'url' } = {}) => (
    <FormField label={label} name={key} error={errors[key]} hint={extra.hint} wide={extra.wide}>
      <input id={`input-${key}`} value={values[key]} onChange={set(key)} placeholder={extra.placeholder} inputMode={extra.inputMode} />
    </FormField>
  );
  return (
    <>
      <FormPanel
        title={t('companies.editTitle')}
        testId="company-edit"
        form={form}
        submitLabel={t('common.save')}
        busyLabel={t('common.saving')}
        submitTestId="company-edit-submit"
        onCancel={() => navigate(`/companies/${company.id}`)}
        onSubmit={async (v) => {
          const changes = companyChanges(initial, v);
          if (Object.keys(changes).length > 0) await api.updateCompany(company.id, changes);
          navigate(`/companies/${company.id}`);
        }}
        after={<p className="muted small">{t('companies.manualNote')}</p>}
      >
        {field('name', t('companies.name'), { placeholder: '株式会社サンプル' })}
        {field('nameKana', t('companies.nameKana'))}
        {field('legalForm', t('companies.legalForm'), { placeholder: '株式会社' })}
        {field('corporateNumber', t('companies.corporateNumber'), { hint: '13桁', inputMode: 'numeric' })}
        {field('industry', t('companies.industry'), { placeholder: '情報サービス業' })}
        {field('employees', t('companies.employees'), { hint: t('companies.employeesHint') })}
        {field('capital', t('companies.capital'), { hint: t('companies.capitalHint') })}
        {field('revenueBand', t('companies.revenueBand'))}
        {field('website', t('companies.website'), { placeholder: 'https://', inputMode: 'url' })}
        {field('phone', t('companies.phone'), { inputMode: 'tel' })}
        {field('postalCode', t('field.postalCode'), { inputMode: 'numeric' })}
        <FormField label={t('field.prefecture')} name="prefecture" error={errors.prefecture}>
          <select id="input-prefecture" value={values.prefecture} onChange={set('prefecture')}>
            <option value="">{t('common.select')}</option>
            {(reference?.prefectures ?? []).map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </FormField>
        {field('address', t('companies.address'), { wide: true })}
      </FormPanel>
      <section className="card">
        <div className="card-header"><h2>{t('companies.sme')}</h2></div>
        <SmeSummary company={company} />
      </section>
    </>
  );
}
