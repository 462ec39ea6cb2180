/**
 * タスク: the signed-in user's open tasks by due date (those behaviour triggers create for a customer's owner), each
 * with its customer, the rule that made it and 完了 (customers:write). Overdue ones are marked.
 */
import { tasksApi } from '../api.ts';
import { formatDate } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { Link } from '../router.ts';
import { useRowAction } from '../row-action.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { ErrorBanner, PageHeader, useLoad } from '../components/ui.tsx';

/** Today in Japan (YYYY-MM-DD), to mark overdue tasks. */
const todayJst = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

export function TasksPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { data, error, loading, reload } = useLoad(() => tasksApi.list({ mine: true, status: 'open' }), []);
  const complete = useRowAction(tasksApi.done, reload);
  const today = todayJst();
  return (
    <div className="page" data-testid="tasks-page">
      <PageHeader title={t('tasks.title')} sub={t('tasks.lead')} />
      <ErrorBanner error={error ?? complete.error} />
      <DataTable
        testId="tasks-table"
        rows={data?.items}
        loading={loading}
        rowKey={(x) => x.id}
        rowProps={() => ({ 'data-testid': 'task-row' })}
        empty={t('tasks.empty')}
        columns={[
          {
            key: 'due', header: t('tasks.due'), cellClassName: 'nowrap tabular',
            cell: (x) => <>{formatDate(x.dueOn)}{x.dueOn < today && <span className="badge" style={{ marginLeft: 6 }} data-testid="task-overdue">{t('tasks.overdue')}</span>}</>,
          },
          { key: 'title', header: t('tasks.task'), cell: (x) => <span className="strong">{x.title}</span> },
          { key: 'customer', header: t('tasks.customer'), cell: (x) => <Link to={`/customers/${x.customerId}`} className="row-link">{x.displayName ?? x.customerId}</Link> },
          { key: 'rule', header: t('tasks.rule'), cell: (x) => <span className="muted small">{x.ruleName ?? '—'}</span> },
          {
            key: 'done', header: '',
            cell: (x) => (can('customers:write')
              ? <Button small onClick={() => void complete.run(x.id)} disabled={complete.busy === x.id} data-testid="task-done">{t('tasks.done')}</Button>
              : null),
          },
        ]}
      />
    </div>
  );
}
