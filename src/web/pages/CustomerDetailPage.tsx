/**
 * 顧客詳細: the profile in Japanese conventions (姓 名, フリガナ, 〒123-4567, 都道府県 + 住所, national phone),
 * each value with where it came from and when; the timeline beside it; edit (PATCH) and delete by permission.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { api, privacyApi, type Customer, type CustomerInput, type Provenance } from '../api.ts';
import { formatDate, formatDateTime, formatPostal, joinName } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.ts';
import { useSession } from '../session.tsx';
import { CustomerForm } from '../components/CustomerForm.tsx';
import { Icon } from '../components/Icon.tsx';
import { StageBadge } from '../components/StageBadge.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { PurchaseSummary } from '../components/PurchaseSummary.tsx';
import { CustomerValueCard } from '../components/CustomerValueCard.tsx';
import { CandidatesCard } from '../components/CandidatesCard.tsx';
import { ConsentCard } from '../components/ConsentCard.tsx';
import { QualityCard } from '../components/QualityCard.tsx';
import { AffiliationCard } from '../components/AffiliationCard.tsx';
import { VoiceCustomerCard } from './voice/VoiceCards.tsx';
import { ReviewIdentityPanel } from './ReviewIdentityPanel.tsx';
import { Button } from '../components/Button.tsx';
import { OtherValues, SourceAttributesCard } from '../components/SourceValues.tsx';
import { ErrorBanner, Loading, MaskBadge, MaskBanner, Notice, ProvenanceLine, useLoad } from '../components/ui.tsx';

/** The newest provenance among the fields a displayed value is made of. */
function newest(customer: Customer, fields: string[]): Provenance | undefined {
  let best: Provenance | undefined;
  for (const f of fields) {
    const p = customer.provenance[f];
    if (p && (!best || p.at > best.at)) best = p;
  }
  return best;
}

export function CustomerDetailPage({ id }: { id: string }) {
  const { t, label } = useI18n();
  const { reference, can } = useSession();
  const { search } = useLocation();
  const { data: customer, error, loading, setData } = useLoad(() => api.getCustomer(id), [id]);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(search.get('created') ? 'created' : null);
  const [timelineKey, setTimelineKey] = useState(0);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const justCreated = search.has('created');
  // What other source records say (「他のデータソースの値」, unmapped columns): reloaded after each edit.
  const sourceValues = useLoad(() => api.customerSourceValues(id), [id, timelineKey]);
  // 利用停止 (APPI): shown as a banner so nobody uses the person's data by hand either.
  const useStop = useLoad(() => privacyApi.useStop(id), [id]);
  // "?created=1" only says to show the notice once; drop it so a reload or a shared link does not repeat it.
  useEffect(() => {
    if (justCreated) navigate(`/customers/${id}`, { replace: true });
  }, [justCreated, id]);

  if (!customer) {
    return (
      <div className="page">
        <Link to="/customers" className="back-link">{t('detail.back')}</Link>
        {loading ? <Loading /> : <ErrorBanner error={error} />}
      </div>
    );
  }

  const c = customer;
  const stage = reference?.lifecycleStages.find((s) => s.code === c.lifecycleStage);
  const channel = reference?.acquisitionChannels.find((s) => s.code === c.acquisitionChannel);
  const kana = joinName(c.familyNameKana, c.givenNameKana);
  const others = sourceValues.data?.otherValues ?? {};
  const useOther = async (input: CustomerInput) => {
    const updated = await api.updateCustomer(c.id, input);
    setData(updated);
    setNotice('saved');
    setTimelineKey((k) => k + 1);
  };
  const otherValues = (key: string) => <OtherValues groupKey={key} items={others[key]} masked={c.masked} onUse={useOther} />;
  const remove = async () => {
    try {
      await api.deleteCustomer(c.id);
      navigate('/customers');
    } catch (e) {
      setDeleteError(e);
    }
  };

  return (
    <div className="page" data-testid="customer-detail-page">
      <Link to="/customers" className="back-link">{t('detail.back')}</Link>
      <div className="detail-header">
        <div className="detail-title">
          {kana && <div className="detail-kana" data-testid="detail-kana">{kana}</div>}
          <h1 data-testid="detail-name">{c.displayName || c.email || '—'}</h1>
          <div className="detail-subline">
            <StageBadge code={c.lifecycleStage} label={label(stage, c.lifecycleStage)} />
            {c.company && (
              <Link to={`/companies/${c.company.id}`} data-testid="detail-company-link" className="icon-link"><Icon name="building" size={13} />{c.company.name}</Link>
            )}
            {(c.department || c.title) && <span>{[c.department, c.title].filter(Boolean).join(' / ')}</span>}
            {c.owner && <span className="muted">{t('field.owner')}: {c.owner.displayName}</span>}
          </div>
        </div>
        <div className="page-actions">
          {can('customers:write') && !editing && (
            <Button variant="primary" onClick={() => { setEditing(true); setNotice(null); }} data-testid="customer-edit">
              <Icon name="edit" size={13} />{t('detail.edit')}
            </Button>
          )}
          {can('customers:delete') && !editing && (
            <Button variant="danger-outline" onClick={() => setConfirmDelete(true)} data-testid="customer-delete">
              {t('detail.delete')}
            </Button>
          )}
        </div>
      </div>

      {confirmDelete && (
        <div className="alert alert-warning confirm" role="alertdialog" data-testid="delete-confirm">
          <span>{t('detail.deleteConfirm')}</span>
          <span className="confirm-actions">
            <Button variant="danger" small onClick={() => void remove()} data-testid="delete-yes">{t('detail.deleteYes')}</Button>
            <Button small onClick={() => setConfirmDelete(false)}>{t('common.cancel')}</Button>
          </span>
        </div>
      )}
      <ErrorBanner error={deleteError} />
      {notice === 'created' && <Notice testId="notice">{t('detail.createdNotice')}</Notice>}
      {notice === 'saved' && <Notice testId="notice">{t('detail.saved')}</Notice>}
      {c.masked && <MaskBanner />}
      {useStop.data?.requestId && (
        <div className="alert alert-warning" data-testid="use-stop-banner">
          {t('privacy.banner', { date: formatDate(useStop.data.receivedOn) })}
          {can('privacy:manage') && <> <Link to={`/privacy/requests/${useStop.data.requestId}`}>{t('privacy.bannerLink')}</Link></>}
        </div>
      )}

      <div className="detail-grid">
        <div className="detail-main">
          {editing ? (
            <section className="card">
              <div className="card-header"><h2>{t('detail.editTitle')}</h2></div>
              <CustomerForm
                customer={c}
                testId="customer-edit-form"
                submitLabel={t('common.save')}
                onCancel={() => setEditing(false)}
                onSubmit={async (input) => {
                  const updated = await api.updateCustomer(c.id, input);
                  setData(updated);
                  setEditing(false);
                  setNotice('saved');
                  setTimelineKey((k) => k + 1);
                }}
              />
            </section>
          ) : (
            <>
              <Card title={t('detail.profile')} testId="card-profile">
                <Row name="name" label={t('field.name')} prov={newest(c, ['familyName', 'givenName'])}>
                  {joinName(c.familyName, c.givenName) && (
                    <span className="name-parts">
                      <span data-testid="value-familyName">{c.familyName}</span> <span data-testid="value-givenName">{c.givenName}</span>
                    </span>
                  )}
                </Row>
                {otherValues('name')}
                <Row name="kana" label={`${t('field.kana')}（${t('field.familyNameKana')} ${t('field.givenNameKana')}）`} prov={newest(c, ['familyNameKana', 'givenNameKana'])}>
                  {kana}
                </Row>
                {otherValues('reading')}
                <Row name="company" label={t('field.company')} prov={c.provenance.companyName}>
                  {c.company && <Link to={`/companies/${c.company.id}`}>{c.company.name}</Link>}
                </Row>
                <Row name="department" label={t('field.department')} prov={c.provenance.department}>{c.department}</Row>
                <Row name="title" label={t('field.title')} prov={c.provenance.title}>{c.title}</Row>
                {otherValues('affiliation')}
                <Row name="birthDate" label={t('field.birthDate')} prov={c.provenance.birthDate} masked={c.masked && Boolean(c.birthDate)}>
                  {formatDate(c.birthDate)}
                </Row>
                {otherValues('birthDate')}
                <Row name="gender" label={t('field.gender')} prov={c.provenance.gender}>
                  {c.gender && t(`gender.${c.gender as 'female' | 'male' | 'other' | 'unknown'}`)}
                </Row>
                {otherValues('gender')}
              </Card>
              <Card title={t('detail.contact')} testId="card-contact">
                <Row name="email" label={t('field.email')} prov={c.provenance.email} masked={c.masked && Boolean(c.email)}>
                  {c.email && (c.masked ? c.email : <a href={`mailto:${c.email}`}>{c.email}</a>)}
                </Row>
                {c.emailPlaceholder && (
                  // Kept visible with its flag, never as a link to write to: it is not the customer's e-mail.
                  <div className="kv-row" data-testid="row-emailPlaceholder">
                    <dt />
                    <dd>
                      <div className="kv-value" data-testid="value-emailPlaceholder">
                        <span className={c.masked ? 'masked-value' : 'muted'}>{c.emailPlaceholder}</span>
                        <span className="badge badge-warn" title={t('detail.emailPlaceholderTitle')} data-testid="email-placeholder-badge">{t('detail.emailPlaceholder')}</span>
                      </div>
                      <ProvenanceLine p={c.provenance.emailPlaceholder} testId="prov-emailPlaceholder" />
                    </dd>
                  </div>
                )}
                {otherValues('email')}
                <Row name="phone" label={t('field.phone')} prov={c.provenance.phone} masked={c.masked && Boolean(c.phone)}>
                  {c.phoneNational && (c.masked ? c.phoneNational : <a href={`tel:${c.phone ?? ''}`} className="tabular">{c.phoneNational}</a>)}
                </Row>
                {otherValues('phone')}
              </Card>
              <Card title={t('detail.address')} testId="card-address">
                <Row name="postalCode" label={t('field.postalCode')} prov={c.provenance.postalCode} masked={c.masked && Boolean(c.postalCode)}>
                  {c.postalCode && <span className="tabular">〒{formatPostal(c.postalCode)}</span>}
                </Row>
                <Row name="prefecture" label={t('field.prefecture')} prov={c.provenance.prefecture}>{c.prefecture}</Row>
                <Row name="address" label={t('field.address')} prov={c.provenance.address} masked={c.masked && Boolean(c.address)}>{c.address}</Row>
                <Row name="building" label={t('field.building')} prov={c.provenance.building} masked={c.masked && Boolean(c.building)}>{c.building}</Row>
                {otherValues('address')}
              </Card>
              <Card title={t('detail.management')} testId="card-management">
                <Row name="lifecycleStage" label={t('field.lifecycleStage')} prov={c.provenance.lifecycleStage}>
                  <StageBadge code={c.lifecycleStage} label={label(stage, c.lifecycleStage)} />
                </Row>
                {otherValues('lifecycleStage')}
                <Row name="acquisitionChannel" label={t('field.acquisitionChannel')} prov={c.provenance.acquisitionChannel}>
                  {c.acquisitionChannel && label(channel, c.acquisitionChannel)}
                </Row>
                {otherValues('acquisitionChannel')}
                <Row name="owner" label={t('field.owner')} prov={c.provenance.ownerUserId}>{c.owner?.displayName}</Row>
                <Row name="createdAt" label={t('field.createdAt')}>{formatDateTime(c.createdAt)}</Row>
                <Row name="updatedAt" label={t('field.updatedAt')}>{formatDateTime(c.updatedAt)}</Row>
              </Card>
              <SourceAttributesCard attributes={sourceValues.data?.attributes ?? []} />
            </>
          )}
        </div>
        <div className="detail-side">
          <ConsentCard customerId={c.id} canWrite={can('customers:write')} />
          <QualityCard customerId={c.id} />
          <AffiliationCard customerId={c.id} reloadKey={timelineKey} />
          {can('commerce:read') && <PurchaseSummary customerId={c.id} />}
          {can('commerce:read') && <CustomerValueCard customerId={c.id} />}
          {can('commerce:read') && <CandidatesCard customerId={c.id} />}
          {can('voice:read') && <VoiceCustomerCard customerId={c.id} />}
          <Timeline customerId={c.id} reloadKey={timelineKey} canWrite={can('customers:write')} />
          <ReviewIdentityPanel customerId={c.id} onSplit={(id) => navigate(`/customers/${id}`)} />
        </div>
      </div>
    </div>
  );
}

function Card({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="card" data-testid={testId}>
      <div className="card-header"><h2>{title}</h2></div>
      <dl className="kv">{children}</dl>
    </section>
  );
}

function Row({ name, label, prov, masked, children }: { name: string; label: string; prov?: Provenance | undefined; masked?: boolean; children: ReactNode }) {
  const empty = children === null || children === undefined || children === '' || children === false;
  return (
    <div className="kv-row" data-testid={`row-${name}`}>
      <dt>{label}</dt>
      <dd>
        <div className="kv-value" data-testid={`value-${name}`}>
          {empty ? <span className="muted">—</span> : <span className={masked ? 'masked-value' : undefined}>{children}</span>}
          {masked && <MaskBadge />}
        </div>
        {!empty && <ProvenanceLine p={prov} testId={`prov-${name}`} />}
      </dd>
    </div>
  );
}
