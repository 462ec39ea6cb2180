/**
 * ユーザーと権限: the users (create, change role, disable for users:write) and the role × permission matrix
 * from GET /reference.
 */
import { useState, type FormEvent } from 'react';
import { api, type Role, type User } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Icon } from '../components/Icon.tsx';
import { ErrorBanner, FormField, Notice, PageHeader, useFieldErrors, useLoad } from '../components/ui.tsx';

const ROLE_ORDER: Role[] = ['admin', 'manager', 'marketing', 'sales', 'viewer'];

export function UsersPage() {
  const { t, label, tOr } = useI18n();
  const { me, reference, can } = useSession();
  const { data, error, reload, setData } = useLoad(() => api.listUsers(), []);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const mayWrite = can('users:write');
  const roles = reference?.roles ?? ROLE_ORDER.map((code) => ({ code, labelJa: code, labelEn: code, permissions: [] as string[] }));

  const patch = async (user: User, input: { role?: Role; disabled?: boolean }, message: string) => {
    setBusyId(user.id);
    setRowError(null);
    setNotice(null);
    try {
      const updated = await api.updateUser(user.id, input);
      setData((d) => (d ? { items: d.items.map((u) => (u.id === updated.id ? updated : u)) } : d));
      setNotice(`${updated.displayName}: ${message}`);
    } catch (e) {
      setRowError(e);
      void reload();
    } finally {
      setBusyId(null);
    }
  };

  return (
    <div className="page" data-testid="users-page">
      <PageHeader
        title={t('users.title')}
        actions={mayWrite && !creating && (
          <button type="button" className="btn btn-primary" onClick={() => { setCreating(true); setNotice(null); }} data-testid="user-new">{t('users.new')}</button>
        )}
      />
      {notice && <Notice testId="notice">{notice}</Notice>}
      {creating && (
        <UserCreate
          onDone={(user) => {
            setCreating(false);
            if (user) {
              setNotice(`${t('users.created')}: ${user.displayName}`);
              void reload();
            }
          }}
        />
      )}
      <ErrorBanner error={error ?? rowError} />
      <div className="table-wrap">
        <table className="table table-zebra" data-testid="users-table">
          <thead>
            <tr>
              <th>{t('users.displayName')}</th>
              <th>{t('users.email')}</th>
              <th>{t('users.department')}</th>
              <th>{t('users.role')}</th>
              <th>{t('users.status')}</th>
              <th>{t('users.lastLogin')}</th>
              {mayWrite && <th />}
            </tr>
          </thead>
          <tbody>
            {(data?.items ?? []).map((u) => {
              const self = u.id === me?.user.id;
              return (
                <tr key={u.id} data-testid="user-row" data-email={u.email} className={u.disabled ? 'row-disabled' : undefined}>
                  <td className="strong">{u.displayName}{self && <span className="muted small"> {t('users.you')}</span>}</td>
                  <td>{u.email}</td>
                  <td>{u.department}</td>
                  <td>
                    {mayWrite && !self ? (
                      <select
                        className="select-small"
                        value={u.role}
                        disabled={busyId === u.id}
                        aria-label={t('users.role')}
                        onChange={(e) => void patch(u, { role: e.target.value as Role }, t('users.roleChanged'))}
                        data-testid="user-role"
                      >
                        {roles.map((r) => <option key={r.code} value={r.code}>{label(r, r.code)}</option>)}
                      </select>
                    ) : (
                      <span className="role-tag">{label(roles.find((r) => r.code === u.role), u.role)}</span>
                    )}
                  </td>
                  <td>{u.disabled ? <span className="badge badge-off">{t('users.disabled')}</span> : <span className="badge badge-ok">{t('users.active')}</span>}</td>
                  <td className="nowrap tabular">{formatDateTime(u.lastLoginAt) || <span className="muted">—</span>}</td>
                  {mayWrite && (
                    <td className="actions">
                      {!self && (
                        <button
                          type="button"
                          className={`btn btn-small ${u.disabled ? '' : 'btn-danger-outline'}`}
                          disabled={busyId === u.id}
                          onClick={() => void patch(u, { disabled: !u.disabled }, u.disabled ? t('users.enable') : t('users.disable'))}
                          data-testid="user-toggle"
                        >
                          {u.disabled ? t('users.enable') : t('users.disable')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {reference && (
        <section className="card matrix-card" data-testid="permission-matrix">
          <div className="card-header"><h2>{t('users.matrix')}</h2></div>
          <div className="table-wrap">
            <table className="table table-zebra matrix">
              <thead>
                <tr>
                  <th>{t('users.permission')}</th>
                  {reference.roles.map((r) => <th key={r.code} className="center">{label(r, r.code)}</th>)}
                </tr>
              </thead>
              <tbody>
                {Object.entries(reference.permissions).map(([perm, description]) => (
                  <tr key={perm}>
                    <td>
                      <div>{tOr(`perm.${perm}`, description)}</div>
                      <code className="muted small">{perm}</code>
                    </td>
                    {reference.roles.map((r) => (
                      <td key={r.code} className="center">
                        {r.permissions.includes(perm) ? <span className="yes" title={t('common.yes')}><Icon name="check" size={14} title={t('common.yes')} /></span> : <span className="no" aria-label={t('common.no')}>—</span>}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}

function UserCreate({ onDone }: { onDone: (user: User | null) => void }) {
  const { t, label } = useI18n();
  const { reference } = useSession();
  const [form, setForm] = useState({ displayName: '', email: '', password: '', role: 'viewer' as Role, department: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const errors = useFieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await api.createUser({
        email: form.email.trim(),
        password: form.password,
        role: form.role,
        ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
        department: form.department.trim() || null,
      }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section className="card form-card" data-testid="user-create">
      <div className="card-header"><h2>{t('users.createTitle')}</h2></div>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <div className="form-grid">
          <FormField label={t('users.displayName')} name="displayName" error={errors.displayName}>
            <input id="input-displayName" value={form.displayName} onChange={set('displayName')} placeholder="山田 太郎" />
          </FormField>
          <FormField label={t('users.email')} name="email" required error={errors.email}>
            <input id="input-email" type="email" value={form.email} onChange={set('email')} autoComplete="off" />
          </FormField>
          <FormField label={t('users.password')} name="password" required error={errors.password} hint={t('users.passwordHint')}>
            <input id="input-password" type="password" value={form.password} onChange={set('password')} autoComplete="new-password" />
          </FormField>
          <FormField label={t('users.role')} name="role" required error={errors.role}>
            <select id="input-role" value={form.role} onChange={set('role')}>
              {(reference?.roles ?? ROLE_ORDER.map((code) => ({ code, labelJa: code, labelEn: code }))).map((r) => (
                <option key={r.code} value={r.code}>{label(r, r.code)}</option>
              ))}
            </select>
          </FormField>
          <FormField label={t('users.department')} name="department" error={errors.department}>
            <input id="input-department" value={form.department} onChange={set('department')} placeholder="営業部" />
          </FormField>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="user-create-submit">{busy ? t('common.creating') : t('common.create')}</button>
          <button type="button" className="btn" onClick={() => onDone(null)} disabled={busy}>{t('common.cancel')}</button>
        </div>
      </form>
    </section>
  );
}
