/** The rows an order or attendance file import did not take (or would not), each with its line, field and reason. */
import type { RowProblem } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { DataTable } from '../../components/DataTable.tsx';

export function RowProblemTable({ problems, testId, caption }: { problems: RowProblem[]; testId: string; caption: string }) {
  const { t, tOr } = useI18n();
  return (
    <DataTable
      testId={testId}
      caption={caption}
      className="table table-zebra small"
      wrapStyle={{ maxHeight: 360, overflow: 'auto' }}
      rows={problems}
      rowKey={(p, i) => `${p.line}-${i}`}
      rowTestId="problem-row"
      rowProps={(p) => ({ 'data-line': p.line, 'data-field': p.field ?? '' })}
      columns={[
        { key: 'line', header: t('commerce.line'), className: 'num', cellClassName: 'tabular', cell: (p) => p.line },
        { key: 'field', header: t('commerce.field'), cell: (p) => (p.field ? tOr(`orderImport.field.${p.field}`, p.field) : '') },
        // The server's reasons are written Japanese first, then English in brackets: both languages read them.
        { key: 'reason', header: t('commerce.reason'), cell: (p) => p.reason },
        { key: 'value', header: t('commerce.value'), cellClassName: 'mono', cell: (p) => p.value ?? '' },
      ]}
    />
  );
}
