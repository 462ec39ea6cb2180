/**
 * 顧客の声の設定 (voice:settings): the teams and their members, the routing rules (tag / product / sentiment /
 * customer tier → team and / or owner, with a due date; the first matching rule by order wins) and the tag rules
 * (keywords, form, products, channel). Each is added, edited, switched on and off and deleted (deleting confirmed).
 */
import { useState, type ReactNode } from 'react';
import { RFM_TIERS, type RfmTier } from '../../../domain/value/rfm.ts';
import { formsApi, voiceApi, type RoutingRule, type RoutingRuleInput, type TagRule, type TagRuleInput, type VoiceTeam } from '../../api.ts';
import { useOwners } from '../../hooks.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { Button } from '../../components/Button.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorBanner, Notice, PageHeader, useLoad } from '../../components/ui.tsx';
import { tierLabel } from '../../components/TierBadge.tsx';
import { SentimentBadge, useVoiceChoices } from './parts.tsx';
import { joinList, numberOrNull, splitList } from './rule-text.ts';
import { VOICE_CHANNEL_CODES, VOICE_SENTIMENT_CODES } from './voice-filters.ts';

/** A card's save / delete runs: busy, its error, and a notice when done. */
function useRunner() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>, done: string): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
      setNotice(done);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, notice, run };
}

function Card({ title, lead, testId, children }: { title: string; lead: string; testId: string; children: ReactNode }) {
  return (
    <section className="card" data-testid={testId}>
      <div className="card-header"><h2>{title}</h2></div>
      <p className="muted small">{lead}</p>
      {children}
    </section>
  );
}

export function VoiceSettingsPage() {
  const { t } = useI18n();
  // A team added or renamed is offered by the routing form at once.
  const [teamsVersion, setTeamsVersion] = useState(0);
  return (
    <div className="page" data-testid="voice-settings-page">
      <Link to="/voice" className="back-link">{t('voice.back')}</Link>
      <PageHeader title={t('voice.settingsTitle')} sub={t('voice.settingsLead')} />
      <TeamsCard onChanged={() => setTeamsVersion((v) => v + 1)} />
      <RoutingCard teamsVersion={teamsVersion} />
      <TagRulesCard />
    </div>
  );
}

// ── teams ──

function TeamsCard({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const teams = useLoad(() => voiceApi.teams(), []);
  const owners = useOwners();
  const runner = useRunner();
  const [editing, setEditing] = useState<VoiceTeam | 'new' | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const open = (team: VoiceTeam | 'new') => {
    setEditing(team);
    setName(team === 'new' ? '' : team.name);
    setEmail(team === 'new' ? '' : team.email ?? '');
    setMembers(team === 'new' ? [] : team.members.map((m) => m.userId));
  };
  const save = async () => {
    const input = { name, email: email.trim() || null, memberUserIds: members };
    const ok = await runner.run(
      () => (editing === 'new' || !editing ? voiceApi.createTeam(input) : voiceApi.updateTeam(editing.id, input)),
      t('voice.teamSaved', { name: name.trim() }),
    );
    if (ok) { setEditing(null); void teams.reload(); onChanged(); }
  };
  const remove = async (team: VoiceTeam) => {
    if (!window.confirm(t('voice.teamDeleteConfirm', { name: team.name }))) return;
    if (await runner.run(() => voiceApi.deleteTeam(team.id), t('voice.teamDeleted', { name: team.name }))) { void teams.reload(); onChanged(); }
  };
  return (
    <Card title={t('voice.teams')} lead={t('voice.teamsLead')} testId="voice-teams">
      <ErrorBanner error={teams.error ?? runner.error} testId="voice-teams-error" />
      {runner.notice && <Notice testId="voice-teams-notice">{runner.notice}</Notice>}
      <DataTable<VoiceTeam>
        testId="voice-teams-table"
        rows={teams.data?.items}
        loading={teams.loading}
        rowKey={(x) => x.id}
        rowProps={(x) => ({ 'data-testid': 'voice-team-row', 'data-name': x.name })}
        empty={t('voice.teamNone')}
        columns={[
          { key: 'name', header: t('voice.teamName'), cell: (x) => <span className="strong">{x.name}</span> },
          { key: 'email', header: t('voice.teamEmail'), cellClassName: 'small', cell: (x) => x.email ?? <span className="muted">—</span> },
          { key: 'members', header: t('voice.teamMembers'), cellClassName: 'small', cell: (x) => x.members.map((m) => m.displayName).join('、') || <span className="muted">—</span> },
          { key: 'actions', header: '', cellClassName: 'nowrap', cell: (x) => (
            <>
              <Button small onClick={() => open(x)} data-testid="voice-team-edit">{t('common.edit')}</Button>{' '}
              <Button small variant="danger-outline" disabled={runner.busy} onClick={() => void remove(x)} data-testid="voice-team-delete">{t('common.delete')}</Button>
            </>
          ) },
        ]}
      />
      {editing === null ? (
        <Button onClick={() => open('new')} data-testid="voice-team-new">{t('voice.teamAdd')}</Button>
      ) : (
        <form className="voice-rule-form" onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="voice-team-form">
          <label><span className="small muted">{t('voice.teamName')}</span><input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} data-testid="voice-team-name" /></label>
          <label><span className="small muted">{t('voice.teamEmail')}</span><input type="email" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="voice-team-email" /></label>
          <div className="wide">
            <div className="small muted">{t('voice.teamMembers')}</div>
            <div className="voice-members">
              {owners.map((o) => (
                <label key={o.id} className="checkbox">
                  <input type="checkbox" checked={members.includes(o.id)} onChange={(e) => setMembers(e.target.checked ? [...members, o.id] : members.filter((m) => m !== o.id))} data-testid="voice-team-member" data-name={o.displayName} />
                  {o.displayName}
                </label>
              ))}
            </div>
          </div>
          <div className="wide form-actions">
            <Button type="submit" variant="primary" disabled={runner.busy || !name.trim()} data-testid="voice-team-save">{t('common.save')}</Button>
            <Button onClick={() => setEditing(null)} disabled={runner.busy}>{t('common.cancel')}</Button>
          </div>
        </form>
      )}
    </Card>
  );
}

// ── routing rules ──

interface RoutingDraft { name: string; position: string; tag: string; productSku: string; sentiment: string; customerTier: string; teamId: string; assigneeUserId: string; dueInDays: string }

const routingDraftOf = (r: RoutingRule | null, nextPosition: number): RoutingDraft => ({
  name: r?.name ?? '', position: String(r?.position ?? nextPosition), tag: r?.tag ?? '', productSku: r?.productSku ?? '', sentiment: r?.sentiment ?? '',
  customerTier: r?.customerTier ?? '', teamId: r?.teamId ?? '', assigneeUserId: r?.assigneeUserId ?? '', dueInDays: r?.dueInDays === null || r?.dueInDays === undefined ? '' : String(r.dueInDays),
});

function routingInputOf(d: RoutingDraft): RoutingRuleInput {
  return {
    name: d.name, position: numberOrNull(d.position) ?? 0, enabled: true,
    tag: d.tag.trim() || null, productSku: d.productSku.trim() || null,
    sentiment: (d.sentiment || null) as RoutingRuleInput['sentiment'], customerTier: d.customerTier || null,
    teamId: d.teamId || null, assigneeUserId: d.assigneeUserId || null, dueInDays: numberOrNull(d.dueInDays),
  };
}

function RoutingCard({ teamsVersion }: { teamsVersion: number }) {
  const { t, lang } = useI18n();
  const rules = useLoad(() => voiceApi.routingRules(), []);
  const owners = useOwners();
  const { tags } = useVoiceChoices();
  const teamList = useLoad(() => voiceApi.teams(), [teamsVersion]);
  const teams = teamList.data?.items ?? [];
  const runner = useRunner();
  const [editing, setEditing] = useState<RoutingRule | 'new' | null>(null);
  const items = rules.data?.items ?? [];
  const nextPosition = items.reduce((m, r) => Math.max(m, r.position + 10), 10);
  const [draft, setDraft] = useState<RoutingDraft>(() => routingDraftOf(null, 10));
  const set = (key: keyof RoutingDraft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  const open = (r: RoutingRule | 'new') => { setEditing(r); setDraft(routingDraftOf(r === 'new' ? null : r, nextPosition)); };
  const [local, setLocal] = useState<string | null>(null);
  const save = async () => {
    if (!draft.teamId && !draft.assigneeUserId) { setLocal(t('voice.routingNeedTarget')); return; }
    setLocal(null);
    const input = routingInputOf(draft);
    const ok = await runner.run(
      () => (editing === 'new' || !editing ? voiceApi.createRoutingRule(input) : voiceApi.updateRoutingRule(editing.id, { ...input, enabled: editing.enabled })),
      t('voice.routingSaved', { name: draft.name.trim() }),
    );
    if (ok) { setEditing(null); void rules.reload(); }
  };
  const toggle = async (r: RoutingRule) => {
    if (await runner.run(() => voiceApi.updateRoutingRule(r.id, { enabled: !r.enabled }), t('voice.routingSaved', { name: r.name }))) void rules.reload();
  };
  const remove = async (r: RoutingRule) => {
    if (!window.confirm(t('voice.routingDeleteConfirm', { name: r.name }))) return;
    if (await runner.run(() => voiceApi.deleteRoutingRule(r.id), t('voice.routingDeleted', { name: r.name }))) void rules.reload();
  };
  const when = (r: RoutingRule) => {
    const parts: ReactNode[] = [];
    if (r.tag) parts.push(<span key="tag">{t('voice.f.tag')}: <span className="badge voice-tag">{r.tag}</span></span>);
    if (r.productSku) parts.push(<span key="sku">{t('voice.f.product')}: {r.productSku}</span>);
    if (r.sentiment) parts.push(<span key="s">{t('voice.f.sentiment')}: <SentimentBadge sentiment={r.sentiment} /></span>);
    if (r.customerTier) parts.push(<span key="tier">{t('voice.routingTier')}: {tierLabel(r.customerTier, lang, r.customerTier)}</span>);
    return parts.length ? <span className="badge-list voice-when">{parts}</span> : <span className="muted">{t('voice.routingAnyCondition')}</span>;
  };
  return (
    <Card title={t('voice.routing')} lead={t('voice.routingLead')} testId="voice-routing">
      <ErrorBanner error={rules.error ?? runner.error} testId="voice-routing-error" />
      {runner.notice && <Notice testId="voice-routing-notice">{runner.notice}</Notice>}
      <DataTable<RoutingRule>
        testId="voice-routing-table"
        rows={items}
        loading={rules.loading}
        rowKey={(x) => x.id}
        rowProps={(x) => ({ 'data-testid': 'voice-routing-row', 'data-name': x.name })}
        empty={t('voice.routingNone')}
        columns={[
          { key: 'pos', header: t('voice.routingPosition'), className: 'num', cellClassName: 'tabular', cell: (x) => x.position },
          { key: 'name', header: t('voice.routingName'), cell: (x) => <span className={x.enabled ? 'strong' : 'muted'}>{x.name}</span> },
          { key: 'when', header: t('voice.routingWhen'), cellClassName: 'small', cell: when },
          { key: 'then', header: t('voice.routingThen'), cellClassName: 'small', cell: (x) => (
            <>{[x.teamName, x.assigneeName].filter(Boolean).join(' / ')}{x.dueInDays !== null && <div className="muted">{t('voice.due')}: {t('voice.routingDueN', { n: x.dueInDays })}</div>}</>
          ) },
          { key: 'enabled', header: '', cell: (x) => <span className={`badge ${x.enabled ? 'badge-ok' : 'badge-off'}`}>{t(x.enabled ? 'voice.enabled' : 'voice.disabled')}</span> },
          { key: 'actions', header: '', cellClassName: 'nowrap', cell: (x) => (
            <>
              <Button small onClick={() => open(x)} data-testid="voice-routing-edit">{t('common.edit')}</Button>{' '}
              <Button small disabled={runner.busy} onClick={() => void toggle(x)}>{t(x.enabled ? 'voice.disable' : 'voice.enable')}</Button>{' '}
              <Button small variant="danger-outline" disabled={runner.busy} onClick={() => void remove(x)} data-testid="voice-routing-delete">{t('common.delete')}</Button>
            </>
          ) },
        ]}
      />
      {editing === null ? (
        <Button onClick={() => open('new')} data-testid="voice-routing-new">{t('voice.routingAdd')}</Button>
      ) : (
        <form className="voice-rule-form" onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="voice-routing-form">
          <label><span className="small muted">{t('voice.routingName')}</span><input value={draft.name} onChange={set('name')} maxLength={200} data-testid="voice-routing-name" /></label>
          <label><span className="small muted">{t('voice.routingPosition')}</span><input type="number" min={0} value={draft.position} onChange={set('position')} data-testid="voice-routing-position" /></label>
          <label>
            <span className="small muted">{t('voice.f.tag')}</span>
            <input list="voice-routing-tags" value={draft.tag} onChange={set('tag')} maxLength={60} data-testid="voice-routing-tag" />
            <datalist id="voice-routing-tags">{tags.map((x) => <option key={x} value={x} />)}</datalist>
          </label>
          <label><span className="small muted">{t('voice.f.product')}</span><input value={draft.productSku} onChange={set('productSku')} maxLength={100} data-testid="voice-routing-sku" /></label>
          <label>
            <span className="small muted">{t('voice.f.sentiment')}</span>
            <select value={draft.sentiment} onChange={set('sentiment')} data-testid="voice-routing-sentiment">
              <option value="">{t('voice.f.any')}</option>
              {VOICE_SENTIMENT_CODES.map((s) => <option key={s} value={s}>{t(`voice.sentiment.${s}`)}</option>)}
            </select>
          </label>
          <label>
            <span className="small muted">{t('voice.routingTier')}</span>
            <select value={draft.customerTier} onChange={set('customerTier')} data-testid="voice-routing-tier">
              <option value="">{t('voice.f.any')}</option>
              {(Object.keys(RFM_TIERS) as RfmTier[]).map((k) => <option key={k} value={k}>{RFM_TIERS[k][lang]}</option>)}
            </select>
          </label>
          <label>
            <span className="small muted">{t('voice.team')}</span>
            <select value={draft.teamId} onChange={set('teamId')} data-testid="voice-routing-team">
              <option value="">{t('voice.none')}</option>
              {teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
            </select>
          </label>
          <label>
            <span className="small muted">{t('voice.assignee')}</span>
            <select value={draft.assigneeUserId} onChange={set('assigneeUserId')} data-testid="voice-routing-assignee">
              <option value="">{t('voice.none')}</option>
              {owners.map((o) => <option key={o.id} value={o.id}>{o.displayName}</option>)}
            </select>
          </label>
          <label><span className="small muted">{t('voice.routingDueDays')}</span><input type="number" min={0} max={365} value={draft.dueInDays} onChange={set('dueInDays')} data-testid="voice-routing-due" /></label>
          {local && <div className="wide field-error" role="alert" data-testid="voice-routing-local-error">{local}</div>}
          <div className="wide form-actions">
            <Button type="submit" variant="primary" disabled={runner.busy || !draft.name.trim()} data-testid="voice-routing-save">{t('common.save')}</Button>
            <Button onClick={() => { setEditing(null); setLocal(null); }} disabled={runner.busy}>{t('common.cancel')}</Button>
          </div>
        </form>
      )}
    </Card>
  );
}

// ── tag rules ──

interface TagDraft { tag: string; keywords: string; formId: string; productSkus: string; channel: string }

const tagDraftOf = (r: TagRule | null): TagDraft => ({
  tag: r?.tag ?? '', keywords: joinList(r?.keywords ?? []), formId: r?.formId ?? '', productSkus: joinList(r?.productSkus ?? []), channel: r?.channel ?? '',
});

function tagInputOf(d: TagDraft, enabled: boolean): TagRuleInput {
  return {
    tag: d.tag, keywords: splitList(d.keywords), formId: d.formId || null, productSkus: splitList(d.productSkus),
    channel: (d.channel || null) as TagRuleInput['channel'], enabled,
  };
}

function TagRulesCard() {
  const { t } = useI18n();
  const rules = useLoad(() => voiceApi.tagRules(), []);
  const forms = useLoad(() => formsApi.list(), []);
  const runner = useRunner();
  const [editing, setEditing] = useState<TagRule | 'new' | null>(null);
  const [draft, setDraft] = useState<TagDraft>(() => tagDraftOf(null));
  const set = (key: keyof TagDraft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  const open = (r: TagRule | 'new') => { setEditing(r); setDraft(tagDraftOf(r === 'new' ? null : r)); };
  const formTitle = (id: string | null) => (id ? forms.data?.items.find((f) => f.id === id)?.title ?? id : null);
  const save = async () => {
    const enabled = editing === 'new' || !editing ? true : editing.enabled;
    const input = tagInputOf(draft, enabled);
    const ok = await runner.run(
      () => (editing === 'new' || !editing ? voiceApi.createTagRule(input) : voiceApi.updateTagRule(editing.id, input)),
      t('voice.tagRuleSaved', { tag: draft.tag.trim() }),
    );
    if (ok) { setEditing(null); void rules.reload(); }
  };
  const toggle = async (r: TagRule) => {
    if (await runner.run(() => voiceApi.updateTagRule(r.id, { enabled: !r.enabled }), t('voice.tagRuleSaved', { tag: r.tag }))) void rules.reload();
  };
  const remove = async (r: TagRule) => {
    if (!window.confirm(t('voice.tagRuleDeleteConfirm', { tag: r.tag }))) return;
    if (await runner.run(() => voiceApi.deleteTagRule(r.id), t('voice.tagRuleDeleted', { tag: r.tag }))) void rules.reload();
  };
  return (
    <Card title={t('voice.tagRules')} lead={t('voice.tagRulesLead')} testId="voice-tag-rules">
      <ErrorBanner error={rules.error ?? runner.error} testId="voice-tag-rules-error" />
      {runner.notice && <Notice testId="voice-tag-rules-notice">{runner.notice}</Notice>}
      {editing === null ? (
        <Button onClick={() => open('new')} data-testid="voice-tag-rule-new">{t('voice.tagRuleAdd')}</Button>
      ) : (
        <form className="voice-rule-form" onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="voice-tag-rule-form">
          <label><span className="small muted">{t('voice.f.tag')}</span><input value={draft.tag} onChange={set('tag')} maxLength={60} data-testid="voice-tag-rule-tag" /></label>
          <label className="wide">
            <span className="small muted">{t('voice.tagRuleKeywords')} <span className="muted">({t('voice.tagRuleKeywordsHint')})</span></span>
            <input value={draft.keywords} onChange={set('keywords')} data-testid="voice-tag-rule-keywords" />
          </label>
          <label>
            <span className="small muted">{t('voice.tagRuleForm')}</span>
            <select value={draft.formId} onChange={set('formId')} data-testid="voice-tag-rule-form-select">
              <option value="">{t('voice.f.any')}</option>
              {(forms.data?.items ?? []).map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
            </select>
          </label>
          <label>
            <span className="small muted">{t('voice.tagRuleProducts')}</span>
            <input value={draft.productSkus} onChange={set('productSkus')} placeholder={t('voice.tagRuleProductsHint')} data-testid="voice-tag-rule-skus" />
          </label>
          <label>
            <span className="small muted">{t('voice.f.channel')}</span>
            <select value={draft.channel} onChange={set('channel')} data-testid="voice-tag-rule-channel">
              <option value="">{t('voice.f.any')}</option>
              {VOICE_CHANNEL_CODES.map((c) => <option key={c} value={c}>{t(`voice.channel.${c}`)}</option>)}
            </select>
          </label>
          <div className="wide form-actions">
            <Button type="submit" variant="primary" disabled={runner.busy || !draft.tag.trim()} data-testid="voice-tag-rule-save">{t('common.save')}</Button>
            <Button onClick={() => setEditing(null)} disabled={runner.busy}>{t('common.cancel')}</Button>
          </div>
        </form>
      )}
      <DataTable<TagRule>
        testId="voice-tag-rules-table"
        rows={rules.data?.items}
        loading={rules.loading}
        rowKey={(x) => x.id}
        rowProps={(x) => ({ 'data-testid': 'voice-tag-rule-row', 'data-tag': x.tag })}
        empty={t('voice.tagRuleNone')}
        columns={[
          { key: 'tag', header: t('voice.f.tag'), cellClassName: 'nowrap', cell: (x) => (
            <><span className="badge voice-tag">{x.tag}</span>{x.seeded && <span className="tag-soft">{t('voice.tagRuleSeeded')}</span>}</>
          ) },
          { key: 'keywords', header: t('voice.tagRuleKeywords'), cellClassName: 'small', cell: (x) => joinList(x.keywords) || <span className="muted">—</span> },
          { key: 'other', header: t('voice.routingWhen'), cellClassName: 'small', cell: (x) => (
            [formTitle(x.formId) && `${t('voice.tagRuleForm')}: ${formTitle(x.formId)}`, x.productSkus.length > 0 && `${t('voice.tagRuleProducts')}: ${x.productSkus.join(', ')}`,
              x.channel && `${t('voice.f.channel')}: ${t(`voice.channel.${x.channel}`)}`].filter(Boolean).join(' · ') || <span className="muted">—</span>
          ) },
          { key: 'enabled', header: '', cell: (x) => <span className={`badge ${x.enabled ? 'badge-ok' : 'badge-off'}`}>{t(x.enabled ? 'voice.enabled' : 'voice.disabled')}</span> },
          { key: 'actions', header: '', cellClassName: 'nowrap', cell: (x) => (
            <>
              <Button small onClick={() => open(x)} data-testid="voice-tag-rule-edit">{t('common.edit')}</Button>{' '}
              <Button small disabled={runner.busy} onClick={() => void toggle(x)}>{t(x.enabled ? 'voice.disable' : 'voice.enable')}</Button>{' '}
              <Button small variant="danger-outline" disabled={runner.busy} onClick={() => void remove(x)} data-testid="voice-tag-rule-delete">{t('common.delete')}</Button>
            </>
          ) },
        ]}
      />
    </Card>
  );
}
