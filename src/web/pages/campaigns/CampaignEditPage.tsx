/**
 * キャンペーンの作成・編集: name, channel, department and the segments (none: 全顧客, with a warning); for e-mail the
 * subject, the text body and an optional HTML body with the merge-field inserter (差し込み項目 at the caret of the
 * field last edited) and blocks shown by behaviour. Beside it: the audience as it would be now (POST
 * /campaigns/audience, debounced: 配信対象 and 除外 per reason), and the preview as a chosen customer with テスト送信.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { campaignsApi, messagingApi, segmentsApi, type AudienceSummary, type Campaign, type CampaignPreview, type CustomerListItem } from '../../api.ts';
import { localizeFieldMessage, useI18n } from '../../i18n.ts';
import { Link, navigate } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { Button } from '../../components/Button.tsx';
import { ErrorBanner, FormField, Loading, Notice, PageHeader, useFieldErrors, useLoad } from '../../components/ui.tsx';
import {
  allowedActions, audienceKey, blockTag, draftOf, emptyDraft, inputOf, insertAt, isDirty, mergeTag, newBlock, patchOf, switchWhen, toggleId,
  MERGE_FIELDS, type Block, type CampaignDraft, type Channel,
} from './campaign-state.ts';
import { AudiencePanel, CustomerPicker } from './parts.tsx';

const AUDIENCE_DEBOUNCE_MS = 500;
const PREVIEW_DEBOUNCE_MS = 600;

export function CampaignEditPage({ id }: { id?: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const existing = useLoad(() => (id ? campaignsApi.get(id) : Promise.resolve(null)), [id]);
  if (id && !existing.data) {
    return (
      <div className="page">
        <Link to="/campaigns" className="back-link">{t('camp.back')}</Link>
        {existing.loading ? <Loading /> : <ErrorBanner error={existing.error} />}
      </div>
    );
  }
  const campaign = existing.data ?? null;
  if (campaign && !allowedActions(campaign.status, can).has('edit')) {
    return (
      <div className="page">
        <Link to={`/campaigns/${campaign.id}`} className="back-link">{t('camp.backToCampaign')}</Link>
        <div className="alert alert-info" data-testid="campaign-not-editable">{t('camp.edit.locked')}</div>
      </div>
    );
  }
  return <Editor key={id ?? 'new'} campaign={campaign} />;
}

type Target = 'subject' | 'bodyText' | 'bodyHtml';

function Editor({ campaign }: { campaign: Campaign | null }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [draft, setDraft] = useState<CampaignDraft>(() => (campaign ? draftOf(campaign) : { ...emptyDraft(), department: me?.user.department ?? '' }));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const errors = useFieldErrors(saveError);
  const set = <K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const email = draft.channel === 'email';

  // ── the merge-field inserter: into the field last edited, at its caret ──
  const refs = {
    subject: useRef<HTMLInputElement>(null),
    bodyText: useRef<HTMLTextAreaElement>(null),
    bodyHtml: useRef<HTMLTextAreaElement>(null),
  };
  const [target, setTarget] = useState<Target>('bodyText');
  const insert = (token: string) => {
    const el = refs[target].current;
    const value = draft[target];
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const next = insertAt(value, start, end, token);
    set(target, next.text);
    window.requestAnimationFrame(() => {
      const field = refs[target].current;
      if (!field) return;
      field.focus();
      field.setSelectionRange(next.caret, next.caret);
    });
  };

  // ── the audience now, debounced ──
  const segments = useLoad(() => segmentsApi.list(), []);
  const [audience, setAudience] = useState<{ key: string; data: AudienceSummary } | null>(null);
  const [audienceError, setAudienceError] = useState<unknown>(null);
  const key = audienceKey(draft.channel, draft.segmentIds);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    const [channel, ids] = [key.slice(0, key.indexOf(':')) as Channel, key.slice(key.indexOf(':') + 1)];
    const timer = window.setTimeout(() => {
      campaignsApi.audienceCheck(channel, ids ? ids.split(',') : []).then(
        (data) => { if (mine === seq.current) { setAudience({ key, data }); setAudienceError(null); } },
        (e: unknown) => { if (mine === seq.current) setAudienceError(e); },
      );
    }, AUDIENCE_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [key]);

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      if (campaign) {
        const patch = patchOf(campaign, draft);
        if (Object.keys(patch).length) await campaignsApi.update(campaign.id, patch);
        navigate(`/campaigns/${campaign.id}?saved=1`);
      } else {
        const created = await campaignsApi.create(inputOf(draft));
        navigate(`/campaigns/${created.id}?saved=1`);
      }
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };
  const dirty = isDirty(campaign, draft);

  return (
    <div className="page seg-builder-page" data-testid="campaign-editor">
      <Link to={campaign ? `/campaigns/${campaign.id}` : '/campaigns'} className="back-link">{campaign ? t('camp.backToCampaign') : t('camp.back')}</Link>
      <PageHeader
        title={campaign ? t('camp.editTitle', { name: campaign.name }) : t('camp.newTitle')}
        sub={t('camp.editLead')}
        actions={
          <>
            <Button onClick={() => navigate(campaign ? `/campaigns/${campaign.id}` : '/campaigns')} disabled={saving}>{t('common.cancel')}</Button>
            <Button variant="primary" onClick={() => void save()} disabled={saving || (campaign !== null && !dirty)} data-testid="campaign-save">
              {saving ? t('common.saving') : t('camp.save')}
            </Button>
          </>
        }
      />
      <ErrorBanner error={saveError} testId="campaign-save-error" />
      <div className="seg-layout">
        <div className="seg-main">
          <section className="card">
            <div className="card-header"><h2>{t('camp.section.basics')}</h2></div>
            <div className="form-grid">
              <FormField label={t('camp.field.name')} name="name" required error={errors.name}>
                <input id="input-name" value={draft.name} maxLength={200} onChange={(e) => set('name', e.target.value)} placeholder={t('camp.field.namePlaceholder')} data-testid="campaign-name" />
              </FormField>
              <FormField label={t('camp.field.department')} name="department" error={errors.department} hint={t('camp.field.departmentHint')}>
                <input id="input-department" value={draft.department} maxLength={100} onChange={(e) => set('department', e.target.value)} data-testid="campaign-department" />
              </FormField>
              <FormField label={t('camp.field.channel')} name="channel" required wide hint={campaign ? t('camp.field.channelFixed') : undefined}>
                <div className="camp-radios" role="radiogroup">
                  {(['email', 'dm'] as const).map((ch) => (
                    <label key={ch} className="checkbox">
                      <input type="radio" name="channel" value={ch} checked={draft.channel === ch} disabled={campaign !== null} onChange={() => set('channel', ch)} data-testid={`campaign-channel-${ch}`} />
                      {t(`camp.channel.${ch}`)} <span className="muted small">{t(`camp.channelHint.${ch}`)}</span>
                    </label>
                  ))}
                </div>
              </FormField>
              <FormField label={t('camp.field.segments')} name="segmentIds" wide error={errors.segmentIds}>
                <SegmentChooser
                  segments={segments.data?.items ?? null}
                  chosen={draft.segmentIds}
                  onToggle={(sid) => set('segmentIds', toggleId(draft.segmentIds, sid))}
                />
                {draft.segmentIds.length === 0 && (
                  <div className="alert alert-warning camp-all-warning" data-testid="all-customers-warning">{t('camp.field.allWarning')}</div>
                )}
              </FormField>
            </div>
          </section>

          {email ? (
            <section className="card" data-testid="campaign-content">
              <div className="card-header"><h2>{t('camp.section.content')}</h2></div>
              <MergeFieldBar target={target} onInsert={insert} blocks={draft.blocks} />
              <div className="stack">
                <FormField label={t('camp.field.subject')} name="subject" required error={errors.subject}>
                  <input id="input-subject" ref={refs.subject} value={draft.subject} maxLength={300} onFocus={() => setTarget('subject')}
                    onChange={(e) => set('subject', e.target.value)} placeholder={t('camp.field.subjectPlaceholder')} data-testid="campaign-subject" />
                </FormField>
                <FormField label={t('camp.field.bodyText')} name="bodyText" required error={errors.bodyText} hint={t('camp.field.bodyTextHint')}>
                  <textarea id="input-bodyText" ref={refs.bodyText} value={draft.bodyText} rows={12} onFocus={() => setTarget('bodyText')}
                    onChange={(e) => set('bodyText', e.target.value)} className="camp-body" data-testid="campaign-body-text" />
                </FormField>
                <label className="checkbox camp-html-toggle">
                  <input type="checkbox" checked={draft.htmlOn} onChange={(e) => { set('htmlOn', e.target.checked); if (!e.target.checked && target === 'bodyHtml') setTarget('bodyText'); }} data-testid="campaign-html-on" />
                  {t('camp.field.htmlOn')}
                </label>
                {draft.htmlOn && (
                  <FormField label={t('camp.field.bodyHtml')} name="bodyHtml" error={errors.bodyHtml} hint={t('camp.field.bodyHtmlHint')}>
                    <textarea id="input-bodyHtml" ref={refs.bodyHtml} value={draft.bodyHtml} rows={10} onFocus={() => setTarget('bodyHtml')}
                      onChange={(e) => set('bodyHtml', e.target.value)} className="camp-body mono" data-testid="campaign-body-html" />
                  </FormField>
                )}
              </div>
              <BlocksEditor blocks={draft.blocks} onChange={(blocks) => set('blocks', blocks)} onInsert={(k) => insert(blockTag(k))} errors={errors} />
            </section>
          ) : (
            <section className="card" data-testid="campaign-dm-note">
              <div className="card-header"><h2>{t('camp.section.dm')}</h2></div>
              <p className="small">{t('camp.dm.lead')}</p>
            </section>
          )}
        </div>
        <aside className="seg-side">
          <AudiencePanel
            summary={audience?.data ?? null}
            channel={draft.channel}
            checking={audience === null || audience.key !== key}
            error={audienceError}
            title={t('camp.audience.liveTitle')}
            // The people of each reason are listed for the saved campaign, while its segments are as saved.
            campaignId={campaign && key === audienceKey(campaign.channel, campaign.segments.map((s) => s.id)) ? campaign.id : undefined}
            listHint={campaign ? t('camp.audience.listAfterSave') : t('camp.audience.listAfterCreate')}
          />
          {email && <PreviewPane draft={draft} campaign={campaign} />}
        </aside>
      </div>
    </div>
  );
}

function SegmentChooser({ segments, chosen, onToggle }: {
  segments: Array<{ id: string; name: string; memberCount: number | null }> | null;
  chosen: string[];
  onToggle: (id: string) => void;
}) {
  const { t } = useI18n();
  if (!segments) return <div className="muted small">{t('common.loading')}</div>;
  if (segments.length === 0) return <div className="muted small" data-testid="segments-none">{t('camp.field.noSegments')} <Link to="/segments/new">{t('seg.new')}</Link></div>;
  return (
    <div className="camp-segments" data-testid="segment-chooser">
      {segments.map((s) => (
        <label key={s.id} className={`camp-segment${chosen.includes(s.id) ? ' on' : ''}`} data-testid="segment-option" data-name={s.name}>
          <input type="checkbox" checked={chosen.includes(s.id)} onChange={() => onToggle(s.id)} />
          <span className="camp-segment-name">{s.name}</span>
          <span className="muted small tabular">{s.memberCount === null ? '—' : t('seg.detail.members', { n: s.memberCount.toLocaleString('ja-JP') })}</span>
        </label>
      ))}
    </div>
  );
}

function MergeFieldBar({ target, onInsert, blocks }: { target: Target; onInsert: (token: string) => void; blocks: Block[] }) {
  const { t } = useI18n();
  return (
    <div className="camp-merge" data-testid="merge-fields">
      <span className="camp-merge-label">{t('camp.merge.label')}<span className="muted small"> → {t(`camp.merge.target.${target}`)}</span></span>
      <span className="camp-merge-buttons">
        {MERGE_FIELDS.map((f) => (
          <Button key={f} small title={t(`camp.merge.hint.${f}`)} onMouseDown={(e) => e.preventDefault()} onClick={() => onInsert(mergeTag(f))} data-testid="merge-field" data-field={f}>
            {mergeTag(f)}
          </Button>
        ))}
        {blocks.filter((b) => b.key).map((b) => (
          <Button key={`block-${b.key}`} small variant="ghost" title={t('camp.merge.blockHint')} onMouseDown={(e) => e.preventDefault()} onClick={() => onInsert(blockTag(b.key))} data-testid="merge-block" data-key={b.key}>
            {blockTag(b.key)}
          </Button>
        ))}
      </span>
      <div className="muted small">{t('camp.merge.fallback')}</div>
    </div>
  );
}

function BlocksEditor({ blocks, onChange, onInsert, errors }: { blocks: Block[]; onChange: (b: Block[]) => void; onInsert: (key: string) => void; errors: Record<string, string> }) {
  const { t } = useI18n();
  const update = (i: number, next: Block) => onChange(blocks.map((b, j) => (j === i ? next : b)));
  return (
    <div className="camp-blocks" data-testid="blocks">
      <h3 className="camp-subtitle">{t('camp.blocks.title')}</h3>
      <p className="muted small">{t('camp.blocks.lead')}</p>
      {blocks.map((b, i) => {
        const err = (field: string) => errors[`blocks[${i}].${field}`] ?? errors[`blocks.${i}.${field}`];
        return (
          <div className="camp-block" key={i} data-testid="block">
            <div className="camp-block-row">
              <label className="seg-inline">{t('camp.blocks.key')}
                <input value={b.key} onChange={(e) => update(i, { ...b, key: e.target.value })} className="mono camp-block-key" maxLength={40} data-testid="block-key" />
              </label>
              <label className="seg-inline">{t('camp.blocks.when')}
                <select value={b.when.type} onChange={(e) => update(i, { ...b, when: switchWhen(b.when, e.target.value as Block['when']['type']) })} data-testid="block-when">
                  {(['viewed_url', 'bought_category', 'always'] as const).map((w) => <option key={w} value={w}>{t(`camp.blocks.when.${w}`)}</option>)}
                </select>
              </label>
              {b.when.type === 'viewed_url' && (
                <input value={b.when.pattern} placeholder={t('camp.blocks.patternHint')} onChange={(e) => update(i, { ...b, when: { ...b.when as { type: 'viewed_url'; pattern: string; days: number }, pattern: e.target.value } })} data-testid="block-pattern" />
              )}
              {b.when.type === 'bought_category' && (
                <input value={b.when.category} placeholder={t('camp.blocks.categoryHint')} onChange={(e) => update(i, { ...b, when: { ...b.when as { type: 'bought_category'; category: string; days: number }, category: e.target.value } })} data-testid="block-category" />
              )}
              {'days' in b.when && (
                <label className="seg-inline">{t('camp.blocks.within')}
                  <input type="number" min={1} max={3650} value={b.when.days} className="seg-num camp-days"
                    onChange={(e) => update(i, { ...b, when: { ...b.when, days: Number(e.target.value) || 1 } as Block['when'] })} data-testid="block-days" />
                  {t('camp.blocks.days')}
                </label>
              )}
              <span className="seg-node-controls">
                <Button small variant="ghost" onClick={() => onInsert(b.key)} disabled={!b.key} data-testid="block-insert">{t('camp.blocks.insert')}</Button>
                <Button small variant="danger-outline" onClick={() => onChange(blocks.filter((_, j) => j !== i))} data-testid="block-remove">{t('seg.remove')}</Button>
              </span>
            </div>
            <textarea value={b.text} rows={3} placeholder={t('camp.blocks.textHint')} onChange={(e) => update(i, { ...b, text: e.target.value })} data-testid="block-text" />
            {[err('key'), err('when'), err('text')].filter(Boolean).map((m) => <div key={m} className="field-error">{m}</div>)}
          </div>
        );
      })}
      <Button small onClick={() => onChange([...blocks, newBlock(blocks)])} data-testid="block-add">{t('camp.blocks.add')}</Button>
    </div>
  );
}

/** The message as one customer would get it (debounced on every change), and テスト送信 to oneself. */
function PreviewPane({ draft, campaign }: { draft: CampaignDraft; campaign: Campaign | null }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [customer, setCustomer] = useState<CustomerListItem | null>(null);
  const [preview, setPreview] = useState<{ of: string; data: CampaignPreview } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [view, setView] = useState<'text' | 'html'>('text');
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<ReactNode>(null);
  const [sendError, setSendError] = useState<unknown>(null);
  const content = inputOf(draft);
  const body = { subject: content.subject, bodyText: content.bodyText, bodyHtml: content.bodyHtml ?? null, blocks: draft.blocks };
  const json = JSON.stringify(body);
  const of = `${customer?.id ?? ''}:${json}`;
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    if (!customer) return;
    const timer = window.setTimeout(() => {
      messagingApi.preview(JSON.parse(json) as typeof body, customer.id).then(
        (data) => { if (mine === seq.current) { setPreview({ of: `${customer.id}:${json}`, data }); setError(null); } },
        (e: unknown) => { if (mine === seq.current) setError(e); },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [customer, json]);
  const testSend = async () => {
    setSending(true);
    setSendError(null);
    setSent(null);
    try {
      const r = await messagingApi.testSend(body, { ...(customer ? { customerId: customer.id } : {}), ...(campaign ? { campaignId: campaign.id } : {}) });
      setSent(r.delivery === 'outbox'
        ? <>{t('camp.test.outbox', { to: r.to })} <Link to="/outbox">{t('camp.outbox.open')}</Link></>
        : t('camp.test.sent', { to: r.to }));
    } catch (e) {
      setSendError(e);
    } finally {
      setSending(false);
    }
  };
  const p = preview?.data ?? null;
  const stale = preview !== null && preview.of !== of;
  return (
    <section className="card camp-preview" data-testid="preview-pane">
      <div className="card-header"><h2>{t('camp.preview.title')}</h2></div>
      <div className="camp-preview-as">
        <span className="small strong">{t('camp.preview.as')}</span>
        <CustomerPicker value={customer} onChange={(c) => { setCustomer(c); if (!c) setPreview(null); }} />
      </div>
      <ErrorBanner error={error} testId="preview-error" />
      {!customer && <p className="muted small">{t('camp.preview.pick')}</p>}
      {customer && p && (
        <div className={stale ? 'seg-stale' : undefined} data-testid="preview-result" data-state={stale ? 'checking' : 'ok'}>
          {p.errors.length > 0 && (
            <div className="alert alert-error" data-testid="preview-errors">
              <ul className="field-reasons">{p.errors.map((e, i) => <li key={i}>{localizeFieldMessage(e.message, lang)}</li>)}</ul>
            </div>
          )}
          <dl className="camp-preview-head">
            <dt>{t('camp.preview.to')}</dt><dd data-testid="preview-to">{p.to ?? <span className="muted">{t('camp.preview.noAddress')}</span>}</dd>
            <dt>{t('camp.field.subject')}</dt><dd className="strong" data-testid="preview-subject">{p.subject}</dd>
            {p.shownBlocks.length > 0 && <><dt>{t('camp.preview.blocks')}</dt><dd className="mono small" data-testid="preview-blocks">{p.shownBlocks.join(', ')}</dd></>}
          </dl>
          {p.html !== null && (
            <div className="dash-switch camp-preview-switch">
              <button type="button" className={`chip${view === 'text' ? ' chip-on' : ''}`} onClick={() => setView('text')} data-testid="preview-view-text">{t('camp.preview.text')}</button>
              <button type="button" className={`chip${view === 'html' ? ' chip-on' : ''}`} onClick={() => setView('html')} data-testid="preview-view-html">HTML</button>
            </div>
          )}
          {view === 'html' && p.html !== null
            ? <iframe className="camp-preview-html" title={t('camp.preview.title')} sandbox="" srcDoc={p.html} data-testid="preview-html" />
            : <pre className="camp-preview-text" data-testid="preview-text">{p.text}</pre>}
        </div>
      )}
      {customer && !p && !error && <p className="muted small">{t('common.loading')}</p>}
      <div className="camp-test-send">
        <Button onClick={() => void testSend()} disabled={sending || !content.subject.trim() || !content.bodyText.trim()} data-testid="test-send">
          {sending ? t('camp.test.sending') : t('camp.test.button')}
        </Button>
        <span className="muted small">{t('camp.test.to', { email: me?.user.email ?? '' })}</span>
      </div>
      <ErrorBanner error={sendError} testId="test-send-error" />
      {sent && <Notice testId="test-send-result">{sent}</Notice>}
    </section>
  );
}
