/**
 * セグメントの作成・編集: an AND / OR group of conditions (nested groups, 「〜でない」), 「条件を追加」 from a
 * categorised list, undo (Ctrl+Z and a button), the live count while editing (debounced; the server's 400 messages
 * shown under the condition they name), the first members and the distribution, then 保存 (name, description,
 * dynamic / snapshot, refresh interval).
 *
 * /segments/new?definition=<JSON> opens the builder pre-filled (the RFM grid's cells link here); &name=… starts the
 * name (a product page's 「この条件でセグメントを作成」).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  ApiError, campaignsApi, customFieldsApi, eventsApi, formsApi, segmentsApi, type LeafCondition, type Segment, type SegmentNode, type SegmentPreview,
} from '../../api.ts';
import { localizeFieldMessage, useI18n, type MessageKey } from '../../i18n.ts';
import { Link, navigate, useLocation } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { useOwners, useSources } from '../../hooks.ts';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { ErrorBanner, FormField, Loading, PageHeader, useLoad } from '../../components/ui.tsx';
import { errorMessage } from '../../error-message.ts';
import { CATALOG, CATEGORIES, kindOf } from './catalog.ts';
import { ConditionEditor, type Choices } from './ConditionEditor.tsx';
import { DistributionPanel } from './DistributionPanel.tsx';
import {
  addTo, asRootGroup, errorsByNode, inLanguage, isGroup, leafCount, pathKey, pushHistory, removeAt, startHistory, toggleNot, undoHistory, updateAt,
  type Group, type History, type NodeError, type Path,
} from './tree.ts';

const DEBOUNCE_MS = 400;
const REFRESH_CHOICES = [null, 60, 360, 1440, 10_080] as const;

/** The definition in the URL (?definition=…), when it is JSON; otherwise an empty AND. */
function initialFromUrl(search: URLSearchParams): Group {
  const raw = search.get('definition');
  if (!raw) return asRootGroup(null);
  try {
    return asRootGroup(JSON.parse(raw));
  } catch {
    return asRootGroup(null);
  }
}

export function SegmentBuilderPage({ id }: { id?: string }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const existing = useLoad(() => (id ? segmentsApi.get(id) : Promise.resolve(null)), [id]);
  if (id && !existing.data) {
    return (
      <div className="page">
        <Link to="/segments" className="back-link">{t('seg.back')}</Link>
        {existing.loading ? <Loading /> : <ErrorBanner error={existing.error} />}
      </div>
    );
  }
  return (
    <Builder key={id ?? 'new'} segment={existing.data ?? null} initial={existing.data ? asRootGroup(existing.data.definition) : initialFromUrl(search)}
      initialName={id ? '' : (search.get('name') ?? '').slice(0, 200)} />
  );
}

export function useChoices(selfId: string | undefined): Choices {
  const { can } = useSession();
  const owners = useOwners();
  const sources = useSources();
  const mayForms = can('forms:read');
  const mayEvents = can('events:read');
  const forms = useLoad(async () => (mayForms ? (await formsApi.list()).items : []), [mayForms]);
  const events = useLoad(async () => (mayEvents ? (await eventsApi.list({ limit: 100 })).items : []), [mayEvents]);
  const mayCampaigns = can('campaigns:read');
  const campaigns = useLoad(async () => (mayCampaigns ? (await campaignsApi.list()).items : []), [mayCampaigns]);
  const mayCustomFields = can('custom_fields:read');
  const customFields = useLoad(async () => (mayCustomFields ? (await customFieldsApi.list('customer')).items.filter((f) => !f.archived) : []), [mayCustomFields]);
  const segments = useLoad(() => segmentsApi.list(), []);
  return useMemo(() => ({
    owners,
    sources: sources.map((s) => ({ name: s.name, label: s.label })),
    forms: (forms.data ?? []).map((f) => ({ id: f.id, title: f.title })),
    events: (events.data ?? []).map((e) => ({ id: e.id, name: e.name })),
    campaigns: (campaigns.data ?? []).map((c) => ({ id: c.id, name: c.name })),
    customFields: customFields.data ?? [],
    segments: (segments.data?.items ?? []).filter((s) => s.id !== selfId),
  }), [owners, sources, forms.data, events.data, campaigns.data, customFields.data, segments.data, selfId]);
}

function Builder({ segment, initial, initialName }: { segment: Segment | null; initial: Group; initialName: string }) {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const [history, setHistory] = useState<History>(() => startHistory(initial));
  const definition = history.current;
  const choices = useChoices(segment?.id);

  const change = useCallback((next: SegmentNode, key: string | null = null) => {
    setHistory((h) => pushHistory(h, asRootGroup(next), key));
  }, []);
  const undo = useCallback(() => setHistory(undoHistory), []);

  // Ctrl+Z / ⌘Z undoes the last change of the definition (the inputs are all controlled: the browser's own undo has nothing to undo).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'z') {
        const inForm = (event.target as HTMLElement | null)?.closest?.('[data-save-form]');
        if (inForm) return; // the name and description inputs keep their own undo
        event.preventDefault();
        undo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo]);

  // ── the live count and preview, debounced ──
  const [count, setCount] = useState<{ count: number; ms: number } | null>(null);
  // The preview with the definition it is of: while a newer one is being counted the older stays, dimmed.
  const [preview, setPreview] = useState<{ of: string; data: SegmentPreview } | null>(null);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);
  const seq = useRef(0);
  const json = JSON.stringify(definition);
  useEffect(() => {
    const mine = ++seq.current;
    setChecking(true);
    const timer = setTimeout(() => {
      const body = JSON.parse(json) as SegmentNode;
      segmentsApi.count(body).then(
        (c) => {
          if (mine !== seq.current) return;
          setCount(c);
          setCheckError(null);
          setChecking(false);
          segmentsApi.preview(body).then((p) => { if (mine === seq.current) setPreview({ of: json, data: p }); }, () => undefined);
        },
        (e: unknown) => {
          if (mine !== seq.current) return;
          setCheckError(e);
          setChecking(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [json]);

  const fieldErrors = checkError instanceof ApiError ? checkError.fieldErrors : [];
  const errors = useMemo(() => errorsByNode(definition, fieldErrors.map((e) => ({ field: e.field, message: inLanguage(localizeFieldMessage(e.message, lang), lang) }))), [definition, fieldErrors, lang]);
  const rootErrors = errors.get('definition') ?? [];

  return (
    <div className="page seg-builder-page" data-testid="segment-builder">
      <Link to={segment ? `/segments/${segment.id}` : '/segments'} className="back-link">{segment ? t('seg.backToSegment') : t('seg.back')}</Link>
      <PageHeader
        title={segment ? t('seg.editTitle', { name: segment.name }) : t('seg.newTitle')}
        sub={t('seg.builderLead')}
        actions={
          <Button onClick={undo} disabled={history.past.length === 0} title={t('seg.undoTitle')} data-testid="segment-undo">
            <Icon name="undo" size={13} />{t('seg.undo')}{history.past.length > 0 && <span className="muted small" data-testid="segment-undo-steps"> ({history.past.length})</span>}
          </Button>
        }
      />
      <div className="seg-layout">
        <div className="seg-main">
          <section className="card seg-tree" data-testid="segment-tree">
            <GroupEditor
              node={definition} path={[]} errors={errors} choices={choices} selfId={segment?.id}
              onChange={(next, key) => change(next, key)} root={definition}
            />
            {rootErrors.length > 0 && <NodeErrors errors={rootErrors} />}
          </section>
          {can('segments:write') && <SavePanel segment={segment} definition={definition} initialName={initialName} />}
        </div>
        <aside className="seg-side">
          <section className="card seg-count-card" data-testid="segment-count-card">
            <div className="seg-count-label">{t('seg.count.label')}</div>
            <div className="seg-count" aria-live="polite">
              <span className="tabular" data-testid="segment-count" data-state={checking ? 'checking' : checkError ? 'error' : 'ok'}>
                {count && !checkError ? count.count.toLocaleString('ja-JP') : '—'}
              </span>
              <span className="seg-count-unit">{t('seg.count.unit')}</span>
            </div>
            <div className="muted small">
              {checking ? t('seg.count.checking') : checkError ? t('seg.count.fix') : count ? t('seg.count.ms', { ms: Math.round(count.ms) }) : ''}
              {leafCount(definition) === 0 && !checking && <> · {t('seg.count.everyone')}</>}
            </div>
            {checkError !== null && !(checkError instanceof ApiError && checkError.fieldErrors.length) && (
              <div className="alert alert-error" role="alert" data-testid="segment-count-error">{errorMessage(checkError, t, lang)}</div>
            )}
          </section>
          {preview && !checkError && (
            <div className={preview.of === json ? undefined : 'seg-stale'} data-testid="segment-preview-state" data-state={preview.of === json ? 'ok' : 'stale'}>
              <section className="card" data-testid="segment-preview">
                <div className="card-header"><h2>{t('seg.preview.title')}</h2></div>
                {preview.data.members.length === 0 ? <p className="muted small">{t('seg.preview.none')}</p> : (
                  <ul className="seg-preview-list">
                    {preview.data.members.map((m) => (
                      <li key={m.id} data-testid="preview-member">
                        <Link to={`/customers/${m.id}`}>{m.displayName || '—'}</Link>
                        <span className="muted small">{[m.prefecture, m.companyName].filter(Boolean).join(' · ')}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section className="card">
                <div className="card-header"><h2>{t('seg.dist.title')}</h2></div>
                <DistributionPanel distribution={preview.data.distribution} />
              </section>
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}

function NodeErrors({ errors }: { errors: NodeError[] }) {
  const { t, tOr } = useI18n();
  return (
    <ul className="seg-errors" role="alert" data-testid="condition-errors">
      {errors.map((e, i) => (
        <li key={i} className="field-error" data-field={e.field ?? ''}>
          <Icon name="warn" size={12} /> {e.field ? `${tOr(`seg.field.${e.field.split(/[.[]/u)[0]}`, e.field)}: ` : ''}{e.message || t('error.validation')}
        </li>
      ))}
    </ul>
  );
}

interface NodeProps {
  node: SegmentNode;
  root: SegmentNode;
  path: Path;
  errors: Map<string, NodeError[]>;
  choices: Choices;
  selfId: string | undefined;
  onChange: (next: SegmentNode, key?: string | null) => void;
}

/** A condition or a group, with 「〜でない」 and 削除 (not on the root group). */
function NodeEditor(props: NodeProps) {
  const { t } = useI18n();
  const { node, root, path, onChange } = props;
  const negated = node.type === 'not';
  const inner = node.type === 'not' ? node.condition : node;
  const innerPath: Path = negated ? [...path, 'not'] : path;
  const controls = (
    <span className="seg-node-controls">
      <label className="seg-not" title={t('seg.notTitle')}>
        <input type="checkbox" checked={negated} data-testid="condition-not" onChange={() => onChange(toggleNot(root, path))} />
        {t('seg.not')}
      </label>
      <Button variant="ghost" small onClick={() => onChange(removeAt(root, path))} aria-label={t('seg.remove')} data-testid="condition-remove">
        {t('seg.remove')}
      </Button>
    </span>
  );
  if (isGroup(inner)) {
    return <GroupEditor {...props} node={inner} path={innerPath} negated={negated} controls={controls} />;
  }
  const leaf = inner as LeafCondition;
  const kind = kindOf(leaf);
  const key = pathKey(innerPath);
  const errs = [...(props.errors.get(key) ?? []), ...(negated ? props.errors.get(pathKey(path)) ?? [] : [])];
  return (
    <div className={`seg-cond${negated ? ' seg-negated' : ''}${errs.length ? ' has-error' : ''}`} data-testid="condition" data-type={leaf.type} data-path={key}>
      <div className="seg-cond-row">
        <span className="seg-cond-label">
          {negated && <span className="badge seg-not-badge" data-testid="condition-negated">{t('seg.notBadge')}</span>}
          {kind && <span className="seg-cat">{t(`seg.cat.${kind.category}` as MessageKey)}</span>}
          <strong>{kind ? t(`seg.cond.${kind.id}` as MessageKey) : leaf.type}</strong>
        </span>
        <ConditionEditor node={leaf} choices={props.choices} selfId={props.selfId} onChange={(next) => onChange(updateAt(root, innerPath, () => next), key)} />
        {controls}
      </div>
      {errs.length > 0 && <NodeErrors errors={errs} />}
    </div>
  );
}

export function GroupEditor({ node, root, path, errors, choices, selfId, onChange, negated = false, controls }: NodeProps & { negated?: boolean; controls?: ReactNode }) {
  const { t } = useI18n();
  const group = node as Group;
  const [adding, setAdding] = useState(false);
  const isRoot = path.length === 0;
  const add = (next: SegmentNode) => {
    onChange(addTo(root, path, next));
    setAdding(false);
  };
  return (
    <div className={`seg-group${isRoot ? ' seg-root' : ''}${negated ? ' seg-negated' : ''}`} data-testid="condition-group" data-path={pathKey(path)}>
      <div className="seg-group-head">
        {negated && <span className="badge seg-not-badge" data-testid="condition-negated">{t('seg.notBadge')}</span>}
        <span>{t('seg.group.prefix')}</span>
        <select
          className="input" value={group.type} aria-label={t('seg.group.mode')} data-testid="group-mode"
          onChange={(e) => onChange(updateAt(root, path, (g) => ({ ...(g as Group), type: e.target.value as Group['type'] })))}
        >
          <option value="and">{t('seg.group.and')}</option>
          <option value="or">{t('seg.group.or')}</option>
        </select>
        <span>{t('seg.group.suffix')}</span>
        {controls}
      </div>
      {group.conditions.length === 0 && <p className="muted small seg-empty" data-testid="group-empty">{isRoot ? t('seg.emptyRoot') : t('seg.emptyGroup')}</p>}
      <div className="seg-children">
        {group.conditions.map((child, i) => (
          <div key={i} className="seg-child">
            {i > 0 && <div className="seg-joiner">{group.type === 'and' ? t('seg.joiner.and') : t('seg.joiner.or')}</div>}
            <NodeEditor node={child} root={root} path={[...path, i]} errors={errors} choices={choices} selfId={selfId} onChange={onChange} />
          </div>
        ))}
      </div>
      <div className="seg-group-actions">
        <Button small variant={isRoot ? 'primary' : 'default'} onClick={() => setAdding((a) => !a)} aria-expanded={adding} data-testid="add-condition">
          <Icon name="plus" size={12} />{t('seg.addCondition')}
        </Button>
        <Button small onClick={() => add({ type: group.type === 'and' ? 'or' : 'and', conditions: [] })} data-testid="add-group">
          <Icon name="plus" size={12} />{t('seg.addGroup')}
        </Button>
      </div>
      {adding && <ConditionMenu onPick={(leaf) => add(leaf)} onClose={() => setAdding(false)} />}
    </div>
  );
}

/** The categorised list of 「条件を追加」. */
function ConditionMenu({ onPick, onClose }: { onPick: (leaf: LeafCondition) => void; onClose: () => void }) {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <div className="seg-menu" role="menu" data-testid="condition-menu" onKeyDown={(e) => { if (e.key === 'Escape') onClose(); }}>
      {CATEGORIES.map((category) => (
        <div key={category} className="seg-menu-col">
          <div className="seg-menu-title">{t(`seg.cat.${category}` as MessageKey)}</div>
          {CATALOG.filter((e) => e.category === category)
            .filter((e) => !(e.id === 'source' && !can('sources:read')))
            .map((entry) => (
              <button key={entry.id} type="button" role="menuitem" className="seg-menu-item" data-testid={`cond-option-${entry.id}`} onClick={() => onPick(entry.make())}>
                <span>{t(`seg.cond.${entry.id}` as MessageKey)}</span>
                <span className="muted small">{t(`seg.hint.${entry.id}` as MessageKey)}</span>
              </button>
            ))}
        </div>
      ))}
      <div className="seg-menu-foot"><Button small variant="ghost" onClick={onClose}>{t('common.close')}</Button></div>
    </div>
  );
}

/** 保存: name, description, 動的 / スナップショット, 自動更新の間隔. */
function SavePanel({ segment, definition, initialName }: { segment: Segment | null; definition: Group; initialName: string }) {
  const { t } = useI18n();
  const [name, setName] = useState(segment?.name ?? initialName);
  const [description, setDescription] = useState(segment?.description ?? '');
  const [mode, setMode] = useState<'dynamic' | 'snapshot'>(segment?.mode ?? 'dynamic');
  const [refresh, setRefresh] = useState<number | null>(segment ? segment.refreshMinutes : 1440);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldErrors = error instanceof ApiError ? error.byField() : {};
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = { name, description: description.trim() || null, mode, refreshMinutes: mode === 'dynamic' ? refresh : null, definition };
      const saved = segment
        ? await segmentsApi.update(segment.id, segment.mode === 'snapshot' ? { name: body.name, description: body.description } : body)
        : await segmentsApi.create(body);
      navigate(`/segments/${saved.id}?saved=1`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card form-card" data-testid="segment-save" data-save-form="">
      <div className="card-header"><h2>{t('seg.save.title')}</h2></div>
      <form onSubmit={(e) => { e.preventDefault(); void save(); }} noValidate>
        <ErrorBanner error={error} testId="segment-save-error" />
        <div className="form-grid">
          <FormField label={t('seg.save.name')} name="segment-name" required error={fieldErrors.name}>
            <input id="input-segment-name" className="input" value={name} maxLength={200} data-testid="segment-name" placeholder={t('seg.save.namePlaceholder')} onChange={(e) => setName(e.target.value)} />
          </FormField>
          <FormField label={t('seg.save.mode')} name="segment-mode" hint={t(mode === 'dynamic' ? 'seg.mode.dynamicHint' : 'seg.mode.snapshotHint')}>
            <select id="input-segment-mode" className="input" value={mode} disabled={segment?.mode === 'snapshot'} data-testid="segment-mode" onChange={(e) => setMode(e.target.value as 'dynamic' | 'snapshot')}>
              <option value="dynamic">{t('seg.mode.dynamic')}</option>
              <option value="snapshot">{t('seg.mode.snapshot')}</option>
            </select>
          </FormField>
          <FormField label={t('seg.save.description')} name="segment-description" wide error={fieldErrors.description}>
            <textarea id="input-segment-description" className="input" rows={2} value={description} data-testid="segment-description" onChange={(e) => setDescription(e.target.value)} />
          </FormField>
          {mode === 'dynamic' && (
            <FormField label={t('seg.save.refresh')} name="segment-refresh" error={fieldErrors.refreshMinutes}>
              <select id="input-segment-refresh" className="input" value={refresh === null ? '' : String(refresh)} data-testid="segment-refresh"
                onChange={(e) => setRefresh(e.target.value === '' ? null : Number(e.target.value))}>
                {REFRESH_CHOICES.map((m) => <option key={m ?? 'manual'} value={m === null ? '' : String(m)}>{t(`seg.refresh.${m ?? 'manual'}` as MessageKey)}</option>)}
              </select>
            </FormField>
          )}
        </div>
        {segment?.mode === 'snapshot' && <p className="muted small">{t('seg.save.snapshotFixed')}</p>}
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={busy || !name.trim()} data-testid="segment-save-submit">
            {busy ? t('common.saving') : t('common.save')}
          </Button>
        </div>
      </form>
    </section>
  );
}
