/**
 * 自動配信ルールの作成・編集: the segment builder's condition tree (GroupEditor, with the definition's problems shown at
 * their nodes), the action — an e-mail (subject and text with merge fields, as a campaign's) or a task for the
 * customer's owner (title, due in N days, the user who takes it when there is no owner) —, the cool-down and 有効.
 */
import { useMemo, useState } from 'react';
import { ApiError, triggersApi, type SegmentNode, type TriggerItem } from '../../api.ts';
import { localizeFieldMessage, useI18n } from '../../i18n.ts';
import { Link, navigate } from '../../router.ts';
import { useOwners } from '../../hooks.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorBanner, FormField, Loading, PageHeader, useFieldErrors, useLoad } from '../../components/ui.tsx';
import { GroupEditor, useChoices } from '../segments/SegmentBuilderPage.tsx';
import { asRootGroup, errorsByNode, inLanguage, type Group } from '../segments/tree.ts';

const EXAMPLE: Group = {
  type: 'and', conditions: [
    { type: 'page_views', url: '/pricing*', minCount: 2, window: { lastDays: 7 } },
    { type: 'no_contact', days: 14 },
  ],
};

export function TriggerEditPage({ id }: { id?: string }) {
  const { t } = useI18n();
  const existing = useLoad(() => (id ? triggersApi.get(id) : Promise.resolve(null)), [id]);
  if (id && !existing.data) {
    return (
      <div className="page">
        <Link to="/triggers" className="back-link">{t('trg.back')}</Link>
        {existing.loading ? <Loading /> : <ErrorBanner error={existing.error} />}
      </div>
    );
  }
  return <Editor key={id ?? 'new'} rule={existing.data ?? null} />;
}

function Editor({ rule }: { rule: TriggerItem | null }) {
  const { t, lang } = useI18n();
  const owners = useOwners();
  const choices = useChoices(undefined);
  const [definition, setDefinition] = useState<Group>(() => (rule ? asRootGroup(rule.definition) : EXAMPLE));
  const [draft, setDraft] = useState({
    name: rule?.name ?? '', enabled: rule?.enabled ?? true, action: rule?.action ?? ('email' as 'email' | 'task'), cooldownDays: rule?.cooldownDays ?? 30,
    subject: rule?.subject ?? '', bodyText: rule?.bodyText ?? '', taskTitle: rule?.taskTitle ?? '', dueInDays: rule?.dueInDays ?? 3,
    fallbackUserId: rule?.fallbackUserId ?? '',
  });
  const set = <K extends keyof typeof draft>(key: K, value: (typeof draft)[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const errors = useFieldErrors(error);
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : [];
  const nodeErrors = useMemo(() => errorsByNode(definition, fieldErrors.map((e) => ({ field: e.field, message: inLanguage(localizeFieldMessage(e.message, lang), lang) }))), [definition, fieldErrors, lang]);

  const save = async () => {
    setSaving(true);
    setError(null);
    const input = {
      name: draft.name, enabled: draft.enabled, definition: definition as SegmentNode, action: draft.action, cooldownDays: draft.cooldownDays,
      subject: draft.subject, bodyText: draft.bodyText, blocks: [],
      ...(draft.action === 'task' ? { taskTitle: draft.taskTitle, dueInDays: draft.dueInDays, fallbackUserId: draft.fallbackUserId || null } : {}),
    };
    try {
      if (rule) await triggersApi.update(rule.id, input);
      else await triggersApi.create(input);
      navigate('/triggers');
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="page" data-testid="trigger-editor">
      <Link to="/triggers" className="back-link">{t('trg.back')}</Link>
      <PageHeader title={rule ? t('trg.editTitle', { name: rule.name }) : t('trg.newTitle')} sub={t('trg.editLead')} />
      <ErrorBanner error={error} />
      <section className="card stack">
        <FormField label={t('trg.name')} name="name" required error={errors.name}>
          <input id="input-name" value={draft.name} maxLength={200} onChange={(e) => set('name', e.target.value)} data-testid="trigger-name" />
        </FormField>
        <label className="checkbox"><input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} data-testid="trigger-enabled-input" /> {t('trg.enabledLabel')}</label>
      </section>
      <section className="card seg-tree" data-testid="trigger-conditions">
        <div className="card-header"><h2>{t('trg.conditions')}</h2></div>
        <GroupEditor node={definition} root={definition} path={[]} errors={nodeErrors} choices={choices} selfId={undefined}
          onChange={(next) => setDefinition(asRootGroup(next))} />
      </section>
      <section className="card stack">
        <FormField label={t('trg.action')} name="action" required>
          <select id="input-action" value={draft.action} onChange={(e) => set('action', e.target.value as 'email' | 'task')} data-testid="trigger-action">
            <option value="email">{t('trg.action.email')}</option>
            <option value="task">{t('trg.action.task')}</option>
          </select>
        </FormField>
        <FormField label={t('trg.cooldown')} name="cooldownDays" required error={errors.cooldownDays} hint={t('trg.cooldownHint')}>
          <input id="input-cooldownDays" type="number" min={1} max={3650} value={draft.cooldownDays} onChange={(e) => set('cooldownDays', Number(e.target.value))} data-testid="trigger-cooldown" />
        </FormField>
        {draft.action === 'email' ? (
          <>
            <FormField label={t('camp.field.subject')} name="subject" required error={errors.subject}>
              <input id="input-subject" value={draft.subject} maxLength={300} onChange={(e) => set('subject', e.target.value)} data-testid="trigger-subject" />
            </FormField>
            <FormField label={t('camp.field.bodyText')} name="bodyText" required error={errors.bodyText} hint={t('camp.field.bodyTextHint')}>
              <textarea id="input-bodyText" value={draft.bodyText} rows={10} onChange={(e) => set('bodyText', e.target.value)} className="camp-body" data-testid="trigger-body" />
            </FormField>
            <p className="muted small">{t('trg.emailNote')}</p>
          </>
        ) : (
          <>
            <FormField label={t('trg.taskTitle')} name="taskTitle" required error={errors.taskTitle}>
              <input id="input-taskTitle" value={draft.taskTitle} maxLength={300} onChange={(e) => set('taskTitle', e.target.value)} data-testid="trigger-task-title" />
            </FormField>
            <FormField label={t('trg.dueInDays')} name="dueInDays" required error={errors.dueInDays}>
              <input id="input-dueInDays" type="number" min={0} max={365} value={draft.dueInDays} onChange={(e) => set('dueInDays', Number(e.target.value))} data-testid="trigger-due" />
            </FormField>
            <FormField label={t('trg.fallbackUser')} name="fallbackUserId" required error={errors.fallbackUserId} hint={t('trg.fallbackHint')}>
              <select id="input-fallbackUserId" value={draft.fallbackUserId} onChange={(e) => set('fallbackUserId', e.target.value)} data-testid="trigger-fallback">
                <option value="">—</option>
                {owners.map((o) => <option key={o.id} value={o.id}>{o.displayName}</option>)}
              </select>
            </FormField>
          </>
        )}
        <div><Button variant="primary" onClick={() => void save()} disabled={saving} data-testid="trigger-save">{t('trg.save')}</Button></div>
      </section>
    </div>
  );
}
