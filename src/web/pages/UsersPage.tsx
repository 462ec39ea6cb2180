/**
 * ユーザーと権限: the users (create, change role, disable for users:write) and the role × permission matrix
 * from GET /reference.
 */
import { useState } from 'react';
import { api, type Role, type User } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Icon } from '../components/Icon.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { textOrNull } from '../components/form-values.ts';
import { FormPanel, useFormValues } from '../components/FormPanel.tsx';
import { ErrorBanner, FormField, Notice, PageHeader, useLoad } from '../components/ui.tsx';

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
          <Button variant="primary" onClick={() => { setCreating(true); setNotice(null); }} data-testid="user-new">{t('users.new')}</Button>
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
      <DataTable
        testId="users-table"
        rows={data?.items}
        rowKey={(u) => u.id}
        rowProps={(u) => ({ 'data-testid': 'user-row', 'data-email': u.email, className: u.disabled ? 'row-disabled' : undefined })}
        columns={[
          { key: 'displayName', header: t('users.displayName'), cellClassName: 'strong', cell: (u) => <>{u.displayName}{u.id === me?.user.id && <span className="muted small"> {t('users.you')}</span>}</> },
          { key: 'email', header: t('users.email'), cell: (u) => u.email },
          { key: 'department', header: t('users.department'), cell: (u) => u.department },
          {
            key: 'role',
            header: t('users.role'),
            cell: (u) => (mayWrite && u.id !== me?.user.id ? (
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
            )),
          },
          { key: 'status', header: t('users.status'), cell: (u) => (u.disabled ? <span className="badge badge-off">{t('users.disabled')}</span> : <span className="badge badge-ok">{t('users.active')}</span>) },
          { key: 'lastLogin', header: t('users.lastLogin'), cellClassName: 'nowrap tabular', cell: (u) => formatDateTime(u.lastLoginAt) || <span className="muted">—</span> },
          mayWrite && {
            key: 'actions',
            header: null,
            cellClassName: 'actions',
            cell: (u) => u.id !== me?.user.id && (
              <Button
                small
                variant={u.disabled ? 'default' : 'danger-outline'}
                disabled={busyId === u.id}
                onClick={() => void patch(u, { disabled: !u.disabled }, u.disabled ? t('users.enable') : t('users.disable'))}
                data-testid="user-toggle"
              >
                {u.disabled ? t('users.enable') : t('users.disable')}
              </Button>
            ),
          },
        ]}
      />

      {reference && (
        <section className="card matrix-card" data-testid="permission-matrix">
          <div className="card-header"><h2>{t('users.matrix')}</h2></div>
          <DataTable
            className="table table-zebra matrix"
            rows={Object.entries(reference.permissions)}
            rowKey={([perm]) => perm}
            columns={[
              { key: 'permission', header: t('users.permission'), cell: ([perm, description]) => <><div>{tOr(`perm.${perm}`, description)}</div><code className="muted small">{perm}</code></> },
              ...reference.roles.map((r): Column<[string, string]> => ({
                key: r.code,
                header: label(r, r.code),
                className: 'center',
                cell: ([perm]) => (r.permissions.includes(perm)
                  ? <span className="yes" title={t('common.yes')}><Icon name="check" size={14} title={t('common.yes')} /></span>
                  : <span className="no" aria-label={t('common.no')}>—</span>),
              })),
            ]}
          />
        </section>
      )}
    </div>
  );
}

function UserCreate({ onDone }: { onDone: (user: User | null) => void }) {
  const { t, label } = useI18n();
  const { reference } = useSession();
  const form = useFormValues({ displayName: '', email: '', password: '', role: 'viewer' as Role, department: '' });
  const { values, set, errors } = form;
  return (
    <FormPanel
      title={t('users.createTitle')}
      testId="user-create"
      form={form}
      onSubmit={async (v) => onDone(await api.createUser({
        email: v.email.trim(),
        password: v.password,
        role: v.role,
        ...(v.displayName.trim() ? { displayName: v.displayName.trim() } : {}),
        department: textOrNull(v.department),
      }))}
      submitTestId="user-create-submit"
      onCancel={() => onDone(null)}
    >
      <FormField label={t('users.displayName')} name="displayName" error={errors.displayName}>
        <input id="input-displayName" value={values.displayName} onChange={set('displayName')} placeholder="山田 太郎" />
      </FormField>
      <FormField label={t('users.email')} name="email" required error={errors.email}>
        <input id="input-email" type="email" value={values.email} onChange={set('email')} autoComplete="off" />
      </FormField>
      <FormField label={t('users.password')} name="password" required error={errors.password} hint={t('users.passwordHint')}>
        <input id="input-password" type="password" value={values.password} onChange={set('password')} autoComplete="new-password" />
      </FormField>
      <FormField label={t('users.role')} name="role" required error={errors.role}>
        <select id="input-role" value={values.role} onChange={set('role')}>
          {(reference?.roles ?? ROLE_ORDER.map((code) => ({ code, labelJa: code, labelEn: code }))).map((r) => (
            <option key={r.code} value={r.code}>{label(r, r.code)}</option>
          ))}
        </select>
      </FormField>
      <FormField label={t('users.department')} name="department" error={errors.department}>
        <input id="input-department" value={values.department} onChange={set('department')} placeholder="営業部" />
      </FormField>
    </FormPanel>
  );
}
