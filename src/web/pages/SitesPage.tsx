/** サイト: tracked websites — register, allowed origins, write key rotation, install snippet, today's counts. */
import { useState, type FormEvent } from 'react';
import { api, type TrackerSite } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Icon } from '../components/Icon.tsx';
import { Button } from '../components/Button.tsx';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { sortRows } from '../components/list-state.ts';
import { ErrorBanner, FormField, Notice, PageHeader, useFieldErrors, useLoad } from '../components/ui.tsx';

/** The script tag a site pastes into every page (before </head>). */
export function installSnippet(site: Pick<TrackerSite, 'writeKey'>, consent = false): string {
  return `<script async src="${window.location.origin}/t.js" data-key="${site.writeKey}"${consent ? ' data-consent="required"' : ''}></script>`;
}

const lines = (text: string) => text.split(/[\n,\s]+/).map((s) => s.trim()).filter(Boolean);

/** The API names a bad origin by its index (allowedOrigins.2): shown under the one textarea. */
const originsError = (errors: Record<string, string>) => errors.allowedOrigins ?? Object.entries(errors).find(([k]) => k.startsWith('allowedOrigins.'))?.[1];

export function SitesPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { data, error, reload } = useLoad(() => api.listSites(), []);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const writable = can('sites:write');
  return (
    <div className="page" data-testid="sites-page">
      <PageHeader
        title={t('sites.title')}
        sub={t('sites.lead')}
        actions={writable && !creating && (
          <Button variant="primary" onClick={() => { setCreating(true); setNotice(null); }} data-testid="site-new">{t('sites.new')}</Button>
        )}
      />
      {notice && <Notice testId="notice"><Icon name="check" size={13} /> {notice}</Notice>}
      {creating && (
        <SiteCreate onDone={(site) => {
          setCreating(false);
          if (site) {
            setNotice(t('sites.created', { name: site.name }));
            void reload();
          }
        }} />
      )}
      <ErrorBanner error={error} />
      {data && data.items.length === 0 && !creating && <p className="muted" data-testid="sites-empty">{t('sites.empty')}</p>}
      {(data?.items ?? []).map((site) => (
        <SiteCard key={site.id} site={site} writable={writable} onChanged={(message) => { setNotice(message); void reload(); }} />
      ))}
      {data && data.unknownKeyRejectedToday > 0 && (
        <p className="muted small" data-testid="unknown-key-rejections">{t('sites.unknownKey', { n: data.unknownKeyRejectedToday })}</p>
      )}
      <p className="muted small">{t('sites.privacy')}</p>
    </div>
  );
}

function SiteCard({ site, writable, onChanged }: { site: TrackerSite; writable: boolean; onChanged: (message: string) => void }) {
  const { t, tOr } = useI18n();
  const [editing, setEditing] = useState(false);
  const [origins, setOrigins] = useState(site.allowedOrigins.join('\n'));
  const [consent, setConsent] = useState(false);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = useFieldErrors(error);
  const stats = site.stats;
  const rejected = sortRows(Object.entries(stats?.rejectedToday ?? {}), ([, n]) => n, 'descending');
  const snippet = installSnippet(site, consent);
  const act = async (f: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      setEditing(false);
      onChanged(message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const saveOrigins = (e: FormEvent) => {
    e.preventDefault();
    void act(() => api.updateSite(site.id, { allowedOrigins: lines(origins) }), t('sites.saved', { name: site.name }));
  };
  const rotate = () => {
    if (!window.confirm(t('sites.rotateConfirm'))) return;
    void act(() => api.rotateSiteKey(site.id), t('sites.rotated', { name: site.name }));
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(snippet);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="card" data-testid="site-card" data-site={site.id}>
      <div className="card-header">
        <h2>
          {site.name}{' '}
          {site.active ? <span className="badge badge-ok">{t('sites.active')}</span> : <span className="badge badge-warn" data-testid="site-paused">{t('sites.paused')}</span>}
        </h2>
        {writable && (
          <div className="page-actions">
            <Button small disabled={busy} onClick={() => setEditing((v) => !v)} data-testid="site-edit-origins">{t('sites.editOrigins')}</Button>
            <Button small disabled={busy} onClick={rotate} data-testid="site-rotate">{t('sites.rotate')}</Button>
            <Button small disabled={busy} data-testid="site-toggle"
              onClick={() => void act(() => api.updateSite(site.id, { active: !site.active }), site.active ? t('sites.pausedNotice', { name: site.name }) : t('sites.resumedNotice', { name: site.name }))}>
              {site.active ? t('sites.pause') : t('sites.resume')}
            </Button>
          </div>
        )}
      </div>
      <ErrorBanner error={error} />
      <div className="stat-row" data-testid="site-stats">
        <div className="stat"><div className="muted small">{t('sites.pageViewsToday')}</div><div className="strong tabular" data-testid="site-pv-today">{(stats?.pageViewsToday ?? 0).toLocaleString('ja-JP')}</div></div>
        <div className="stat"><div className="muted small">{t('sites.visitorsToday')}</div><div className="strong tabular">{(stats?.visitorsToday ?? 0).toLocaleString('ja-JP')}</div></div>
        <div className="stat"><div className="muted small">{t('sites.identifiedToday')}</div><div className="strong tabular">{(stats?.identifiedToday ?? 0).toLocaleString('ja-JP')}</div></div>
        <div className="stat">
          <div className="muted small">{t('sites.rejectedToday')}</div>
          <div className="tabular" data-testid="site-rejected">
            {rejected.length === 0 ? <span className="muted">0</span> : rejected.map(([reason, n]) => (
              <span key={reason} className="badge" title={reason}>{tOr(`sites.reason.${reason}`, reason)} {n}</span>
            ))}
          </div>
        </div>
      </div>
      <dl className="kv site-kv">
        <dt>{t('sites.writeKey')}</dt>
        <dd><code data-testid="site-key">{site.writeKey}</code>{site.keyRotatedAt && <span className="muted small"> （{t('sites.rotatedAt')} {formatDateTime(site.keyRotatedAt)}）</span>}</dd>
        <dt>{t('sites.origins')}</dt>
        <dd data-testid="site-origins">{site.allowedOrigins.length ? site.allowedOrigins.map((o) => <div key={o}><code>{o}</code></div>) : <span className="badge badge-warn">{t('sites.noOrigins')}</span>}</dd>
      </dl>
      {editing && (
        <form onSubmit={saveOrigins} noValidate>
          <FormField label={t('sites.origins')} name="allowedOrigins" hint={t('sites.originsHint')} error={originsError(errors)} wide>
            <textarea id="input-allowedOrigins" className="mono" rows={3} value={origins} onChange={(e) => setOrigins(e.target.value)} data-testid="site-origins-input" />
          </FormField>
          <div className="form-actions">
            <Button type="submit" variant="primary" disabled={busy} data-testid="site-origins-save">{t('common.save')}</Button>
            <Button onClick={() => setEditing(false)} disabled={busy}>{t('common.cancel')}</Button>
          </div>
        </form>
      )}
      <div className="snippet">
        <div className="muted small">{t('sites.install')}</div>
        <pre className="mono" data-testid="site-snippet">{snippet}</pre>
        <label className="small"><input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} data-testid="site-consent-required" /> {t('sites.consentRequired')}</label>{' '}
        <Button small onClick={() => void copy()} data-testid="site-copy">{copied ? t('sites.copied') : t('sites.copy')}</Button>
        <div className="muted small">{t('sites.identifyHint')}</div>
      </div>
    </section>
  );
}

function SiteCreate({ onDone }: { onDone: (site: TrackerSite | null) => void }) {
  const { t } = useI18n();
  const form = useFormValues({ name: '', origins: '' });
  const { values, set, errors } = form;
  return (
    <FormPanel
      title={t('sites.createTitle')}
      testId="site-create"
      form={form}
      onSubmit={async (v) => onDone(await api.createSite({ name: v.name.trim(), allowedOrigins: lines(v.origins) }))}
      submitTestId="site-create-submit"
      onCancel={() => onDone(null)}
    >
      <FormField label={t('sites.name')} name="name" required error={errors.name}>
        <input id="input-name" value={values.name} onChange={set('name')} placeholder="コーポレートサイト" data-testid="site-name-input" />
      </FormField>
      <FormField label={t('sites.origins')} name="allowedOrigins" hint={t('sites.originsHint')} error={originsError(errors)} wide>
        <textarea id="input-allowedOrigins" className="mono" rows={3} value={values.origins} onChange={set('origins')} placeholder="https://www.example.co.jp" data-testid="site-create-origins" />
      </FormField>
    </FormPanel>
  );
}
