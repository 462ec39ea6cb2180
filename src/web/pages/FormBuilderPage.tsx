/** フォームの作成・編集: basics, fields mapped to customer fields or custom questions, consent, after-submit, preview. */
import { useEffect, useState, type FormEvent } from 'react';
import { eventsApi, formsApi, type ConsentPurposeCode, type FormDef, type FormFieldDef, type FormFieldType, type FormKind, type FormStatus, type FormTarget } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { ErrorBanner, FormField, Loading, PageHeader, useFieldErrors, useLoad } from '../components/ui.tsx';

const KINDS: FormKind[] = ['brochure_request', 'event_registration', 'contact', 'other'];
const ALL_TYPES: FormFieldType[] = ['text', 'textarea', 'email', 'tel', 'postal_code', 'prefecture', 'kana', 'date', 'select', 'radio', 'checkbox'];
const CHOICE: ReadonlySet<FormFieldType> = new Set(['select', 'radio', 'checkbox']);
const CONSENT_PURPOSE_CODES: ConsentPurposeCode[] = ['email_marketing', 'dm', 'phone_marketing', 'profiling', 'third_party'];

/** Input types a target accepts (mirrors src/domain/forms/definition.ts, which the server enforces). */
function typesFor(target: string, natural: FormFieldType | undefined): FormFieldType[] {
  if (target.startsWith('custom.')) return ALL_TYPES;
  if (target === 'gender') return ['select', 'radio'];
  if (target === 'birth_date') return ['date', 'text'];
  if (natural === 'text') return ['text', 'textarea'];
  return natural ? [natural] : ['text'];
}

interface Draft {
  slug: string;
  kind: FormKind;
  title: string;
  description: string;
  fields: FormFieldDef[];
  consentPurpose: string;
  consentText: string;
  consentRequired: boolean;
  /** What a ticked consent box grants to campaigns (one consent-ledger event each). */
  consentPurposes: ConsentPurposeCode[];
  thankYouMessage: string;
  redirectUrl: string;
  allowedOrigins: string;
  eventId: string;
  status: FormStatus;
}

const EMPTY: Draft = {
  slug: '', kind: 'brochure_request', title: '', description: '', fields: [], consentPurpose: 'marketing',
  consentText: 'ご入力いただいた個人情報は、お問い合わせへの回答、資料の送付および当社製品・サービスのご案内に利用します。', consentRequired: true,
  consentPurposes: [],
  thankYouMessage: '', redirectUrl: '', allowedOrigins: '', eventId: '', status: 'draft',
};

function toDraft(f: FormDef): Draft {
  return {
    slug: f.slug, kind: f.kind, title: f.title, description: f.description ?? '', fields: f.fields,
    consentPurpose: f.consentPurpose ?? '', consentText: f.consentText ?? '', consentRequired: f.consentRequired, consentPurposes: f.consentPurposes,
    thankYouMessage: f.thankYouMessage ?? '', redirectUrl: f.redirectUrl ?? '', allowedOrigins: f.allowedOrigins.join('\n'), eventId: f.eventId ?? '', status: f.status,
  };
}

function uniqueKey(base: string, fields: FormFieldDef[]): string {
  const clean = base.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || 'q';
  let key = clean.slice(0, 36);
  for (let i = 2; fields.some((f) => f.key === key); i++) key = `${clean.slice(0, 34)}${i}`;
  return key;
}

export function FormBuilderPage({ id }: { id?: string }) {
  const { t } = useI18n();
  const catalog = useLoad(() => formsApi.catalog(), []);
  const { can } = useSession();
  const mayListEvents = can('events:read');
  const events = useLoad(() => (mayListEvents ? eventsApi.list({ limit: 200 }) : Promise.resolve(null)), [mayListEvents]);
  const existing = useLoad(() => (id ? formsApi.get(id) : Promise.resolve(null)), [id]);
  const [draft, setDraft] = useState<Draft | null>(id ? null : EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = useFieldErrors(error);

  useEffect(() => {
    if (existing.data) setDraft(toDraft(existing.data));
  }, [existing.data]);

  if (!draft || !catalog.data) return <div className="page"><ErrorBanner error={existing.error ?? catalog.error} /><Loading /></div>;
  const targets = catalog.data.targets;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => (d ? { ...d, [key]: value } : d));
  const setField = (i: number, patch: Partial<FormFieldDef>) => set('fields', draft.fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i: number, by: number) => {
    const next = [...draft.fields];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    set('fields', next);
  };
  const addTarget = (target: FormTarget) => {
    set('fields', [...draft.fields, {
      key: uniqueKey(target.custom ? `c_${target.target.slice(7)}` : target.target, draft.fields),
      target: target.target, labelJa: target.labelJa, labelEn: target.labelEn, type: target.type,
      required: ['email', 'full_name', 'family_name', 'given_name'].includes(target.target),
      ...(target.options.length ? { options: target.options } : {}),
    }]);
  };
  const addQuestion = () => {
    const n = draft.fields.filter((f) => f.target.startsWith('custom.')).length + 1;
    set('fields', [...draft.fields, { key: uniqueKey(`q${n}`, draft.fields), target: `custom.質問${n}`, labelJa: `質問${n}`, type: 'text', required: false }]);
  };
  const used = new Set(draft.fields.map((f) => f.target));
  const available = targets.filter((x) => x.target === 'address' || !used.has(x.target));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      kind: draft.kind, title: draft.title.trim(), description: draft.description.trim() || null,
      fields: draft.fields.map((f) => ({ ...f, options: CHOICE.has(f.type) ? (f.options ?? []).map((o) => o.trim()).filter(Boolean) : undefined })),
      consentPurpose: draft.consentPurpose.trim() || null, consentText: draft.consentText.trim() || null, consentRequired: draft.consentRequired,
      consentPurposes: draft.consentPurposes,
      thankYouMessage: draft.thankYouMessage.trim() || null, redirectUrl: draft.redirectUrl.trim() || null,
      allowedOrigins: draft.allowedOrigins.split(/\s+/).map((o) => o.trim()).filter(Boolean),
      eventId: draft.eventId || null,
    };
    try {
      const saved = id ? await formsApi.update(id, body) : await formsApi.create({ ...body, slug: draft.slug.trim(), status: draft.status });
      navigate(`/forms/${saved.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="page" data-testid="form-builder">
      <PageHeader title={id ? t('forms.builder.editTitle') : t('forms.builder.newTitle')} />
      <form onSubmit={(e) => void save(e)} noValidate>
        <ErrorBanner error={error} />
        <section className="card">
          <div className="card-header"><h2>{t('forms.builder.basics')}</h2></div>
          <div className="form-grid">
            <FormField label={t('forms.builder.formTitle')} name="title" required error={errors.title}>
              <input id="input-title" value={draft.title} onChange={(e) => set('title', e.target.value)} placeholder="製品カタログ資料請求" data-testid="form-title" />
            </FormField>
            <FormField label={t('forms.col.kind')} name="kind" required error={errors.kind}>
              <select id="input-kind" value={draft.kind} onChange={(e) => set('kind', e.target.value as FormKind)} data-testid="form-kind">
                {KINDS.map((k) => <option key={k} value={k}>{t(`forms.kind.${k}`)}</option>)}
              </select>
            </FormField>
            <FormField label={t('forms.builder.slug')} name="slug" required={!id} error={errors.slug} hint={t('forms.builder.slugHint')}>
              <input id="input-slug" className="mono" value={draft.slug} onChange={(e) => set('slug', e.target.value)} disabled={Boolean(id)} placeholder="catalog-2025" autoComplete="off" spellCheck={false} data-testid="form-slug" />
            </FormField>
            {(draft.kind === 'event_registration' || draft.eventId) && events.data && (
              <FormField label={t('forms.builder.event')} name="eventId" error={errors.eventId} hint={t('forms.builder.eventHint')}>
                <select id="input-eventId" value={draft.eventId} onChange={(e) => set('eventId', e.target.value)} data-testid="form-event">
                  <option value="">—</option>
                  {events.data.items.map((ev) => <option key={ev.id} value={ev.id}>{ev.name}</option>)}
                </select>
              </FormField>
            )}
            <FormField label={t('forms.builder.description')} name="description" error={errors.description} wide>
              <textarea id="input-description" rows={2} value={draft.description} onChange={(e) => set('description', e.target.value)} data-testid="form-description" />
            </FormField>
          </div>
        </section>

        <section className="card" data-testid="form-fields">
          <div className="card-header">
            <h2>{t('forms.builder.fields')}</h2>
            <div className="page-actions">
              <select aria-label={t('forms.builder.addField')} value="" data-testid="form-add-field"
                onChange={(e) => { const target = available.find((x) => x.target === e.target.value); if (target) addTarget(target); }}>
                <option value="">＋ {t('forms.builder.addField')}</option>
                {available.map((x) => <option key={x.target} value={x.target}>{x.labelJa}{x.custom ? ' (カスタム)' : ''}</option>)}
              </select>
              <Button small onClick={addQuestion} data-testid="form-add-question">＋ {t('forms.builder.addCustom')}</Button>
            </div>
          </div>
          {errors.fields && <div className="field-error" role="alert" data-testid="error-fields">{errors.fields}</div>}
          {draft.fields.length === 0 && <p className="muted">{t('forms.builder.noFields')}</p>}
          {draft.fields.map((f, i) => {
            const natural = targets.find((x) => x.target === f.target)?.type;
            const err = (k: string) => errors[`fields.${i}.${k}`];
            return (
              <div className="form-builder-field" key={i} data-testid="builder-field" data-key={f.key}>
                <div className="form-grid">
                  <FormField label={t('forms.builder.labelJa')} name={`fields.${i}.labelJa`} required error={err('labelJa')}>
                    <input id={`input-fields.${i}.labelJa`} value={f.labelJa} data-testid="builder-label"
                      onChange={(e) => setField(i, {
                        labelJa: e.target.value,
                        // A new question is saved under its label until someone names the custom field otherwise.
                        ...(f.target === `custom.${f.labelJa}` && !targets.some((x) => x.target === f.target) ? { target: `custom.${e.target.value.trim().slice(0, 60)}` } : {}),
                      })} />
                  </FormField>
                  <FormField label={t('forms.builder.target')} name={`fields.${i}.target`} error={err('target')}>
                    {f.target.startsWith('custom.') && !targets.some((x) => x.target === f.target && x.custom) ? (
                      <input id={`input-fields.${i}.target`} value={f.target.slice(7)} onChange={(e) => setField(i, { target: `custom.${e.target.value}` })} aria-label={t('forms.builder.customName')} data-testid="builder-custom-name" />
                    ) : (
                      <input id={`input-fields.${i}.target`} value={targets.find((x) => x.target === f.target)?.labelJa ?? f.target} disabled />
                    )}
                  </FormField>
                  <FormField label={t('forms.builder.type')} name={`fields.${i}.type`} error={err('type')}>
                    <select id={`input-fields.${i}.type`} value={f.type} onChange={(e) => setField(i, { type: e.target.value as FormFieldType })} data-testid="builder-type">
                      {typesFor(f.target, natural).map((ty) => <option key={ty} value={ty}>{t(`forms.type.${ty}`)}</option>)}
                    </select>
                  </FormField>
                  <FormField label={t('forms.builder.key')} name={`fields.${i}.key`} error={err('key')}>
                    <input id={`input-fields.${i}.key`} className="mono" value={f.key} onChange={(e) => setField(i, { key: e.target.value })} spellCheck={false} />
                  </FormField>
                  <FormField label={t('forms.builder.labelEn')} name={`fields.${i}.labelEn`} error={err('labelEn')}>
                    <input id={`input-fields.${i}.labelEn`} value={f.labelEn ?? ''} onChange={(e) => setField(i, { labelEn: e.target.value })} />
                  </FormField>
                  {CHOICE.has(f.type) && (
                    <FormField label={t('forms.builder.options')} name={`fields.${i}.options`} error={err('options')}>
                      <textarea id={`input-fields.${i}.options`} rows={3} value={(f.options ?? []).join('\n')} onChange={(e) => setField(i, { options: e.target.value.split('\n') })} data-testid="builder-options" />
                    </FormField>
                  )}
                </div>
                <div className="form-actions">
                  <label className="checkbox"><input type="checkbox" checked={f.required} onChange={(e) => setField(i, { required: e.target.checked })} data-testid="builder-required" /> {t('forms.builder.required')}</label>
                  {(f.type === 'text' || f.type === 'textarea') && (
                    // One message field per form: ticking it here unticks it elsewhere.
                    <label className="checkbox" title={t('voice.formMessageHint')}>
                      <input type="checkbox" checked={f.voiceMessage === true} data-testid="builder-voice-message"
                        onChange={(e) => set('fields', draft.fields.map((g, j) => {
                          const { voiceMessage: _drop, ...rest } = g;
                          return (j === i ? e.target.checked : false) ? { ...rest, voiceMessage: true } : rest;
                        }))} />
                      {' '}{t('voice.formMessage')}
                    </label>
                  )}
                  <Button small disabled={i === 0} onClick={() => move(i, -1)}>↑ {t('forms.builder.up')}</Button>
                  <Button small disabled={i === draft.fields.length - 1} onClick={() => move(i, 1)}>↓ {t('forms.builder.down')}</Button>
                  <Button small variant="ghost" onClick={() => set('fields', draft.fields.filter((_, j) => j !== i))} data-testid="builder-remove">{t('forms.builder.remove')}</Button>
                </div>
              </div>
            );
          })}
        </section>

        <section className="card">
          <div className="card-header"><h2>{t('forms.builder.consent')}</h2></div>
          <div className="form-grid">
            <FormField label={t('forms.builder.consentText')} name="consentText" error={errors.consentText} wide>
              <textarea id="input-consentText" rows={3} value={draft.consentText} onChange={(e) => set('consentText', e.target.value)} data-testid="form-consent-text-input" />
            </FormField>
            <FormField label={t('forms.builder.consentPurpose')} name="consentPurpose" error={errors.consentPurpose} hint={t('forms.builder.consentPurposeHint')}>
              <input id="input-consentPurpose" className="mono" value={draft.consentPurpose} onChange={(e) => set('consentPurpose', e.target.value)} />
            </FormField>
            <FormField label={t('forms.builder.consentRequired')} name="consentRequired">
              <label className="checkbox"><input id="input-consentRequired" type="checkbox" checked={draft.consentRequired} onChange={(e) => set('consentRequired', e.target.checked)} data-testid="form-consent-required" /> {t('forms.builder.consentRequired')}</label>
            </FormField>
            <FormField label={t('forms.builder.consentPurposes')} name="consentPurposes" error={errors.consentPurposes} hint={t('forms.builder.consentPurposesHint')} wide>
              <div className="checkbox-group" data-testid="form-consent-purposes">
                {CONSENT_PURPOSE_CODES.map((p) => (
                  <label key={p} className="checkbox">
                    <input
                      type="checkbox" checked={draft.consentPurposes.includes(p)} data-testid={`form-consent-purpose-${p}`}
                      onChange={(e) => set('consentPurposes', e.target.checked ? [...draft.consentPurposes, p] : draft.consentPurposes.filter((x) => x !== p))}
                    /> {t(`forms.builder.consentPurpose.${p}`)}
                  </label>
                ))}
              </div>
            </FormField>
          </div>
        </section>

        <section className="card">
          <div className="card-header"><h2>{t('forms.builder.after')}</h2></div>
          <div className="form-grid">
            <FormField label={t('forms.builder.thanks')} name="thankYouMessage" error={errors.thankYouMessage} wide>
              <textarea id="input-thankYouMessage" rows={2} value={draft.thankYouMessage} onChange={(e) => set('thankYouMessage', e.target.value)} placeholder="送信ありがとうございました。内容を確認のうえ、担当者よりご連絡いたします。" />
            </FormField>
            <FormField label={t('forms.builder.redirect')} name="redirectUrl" error={errors.redirectUrl}>
              <input id="input-redirectUrl" className="mono" value={draft.redirectUrl} onChange={(e) => set('redirectUrl', e.target.value)} placeholder="https://www.example.co.jp/thanks" />
            </FormField>
            <FormField label={t('forms.builder.origins')} name="allowedOrigins" error={Object.entries(errors).find(([k]) => k.startsWith('allowedOrigins'))?.[1]}>
              <textarea id="input-allowedOrigins" className="mono" rows={2} value={draft.allowedOrigins} onChange={(e) => set('allowedOrigins', e.target.value)} placeholder="https://www.example.co.jp" data-testid="form-origins" />
            </FormField>
          </div>
        </section>

        <section className="card" data-testid="form-preview">
          <div className="card-header"><h2>{t('forms.builder.preview')}</h2></div>
          <FormPreview draft={draft} />
        </section>

        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={busy} data-testid="form-save">{busy ? t('common.saving') : t('common.save')}</Button>
          <Button disabled={busy} onClick={() => navigate(id ? `/forms/${id}` : '/forms')}>{t('common.cancel')}</Button>
        </div>
      </form>
    </div>
  );
}

/** What visitors will see, drawn with the app's own styles (inputs are inert). */
function FormPreview({ draft }: { draft: Draft }) {
  const { t } = useI18n();
  return (
    <div className="form-preview" aria-disabled="true">
      <h3>{draft.title || '—'}</h3>
      {draft.description && <p className="muted">{draft.description}</p>}
      <div className="form-grid">
        {draft.fields.map((f, i) => (
          <FormField key={i} label={f.labelJa} name={`preview-${f.key}`} required={f.required} wide={f.type === 'textarea'}>
            {f.type === 'textarea' ? <textarea rows={3} disabled /> :
              f.type === 'select' || f.type === 'prefecture' ? <select disabled><option>{t('forms.preview.choose')}</option></select> :
              f.type === 'radio' || f.type === 'checkbox' ? (
                <div>{(f.options ?? (f.target === 'gender' ? ['女性', '男性', 'その他', '回答しない'] : [])).filter(Boolean).map((o) => (
                  <label key={o} className="checkbox"><input type={f.type} disabled /> {o} </label>
                ))}</div>
              ) : <input disabled placeholder={f.type === 'postal_code' ? '100-0001' : f.type === 'kana' ? 'ヤマダ タロウ' : f.type === 'tel' ? '03-1234-5678' : ''} />}
          </FormField>
        ))}
      </div>
      {draft.consentText && (
        <div className="form-preview-consent">
          <div className="muted small pre-wrap">{draft.consentText}</div>
          <label className="checkbox"><input type="checkbox" disabled /> {t('forms.preview.agree')}{draft.consentRequired && <span className="req">{t('common.required')}</span>}</label>
        </div>
      )}
      <Button variant="primary" disabled>{t('forms.preview.submit')}</Button>
    </div>
  );
}
