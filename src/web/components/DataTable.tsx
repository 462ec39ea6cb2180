/**
 * The list table of every list page: columns defined once (header, cell, classes, the sort a header stands for), a
 * row per item, the "loading" / empty row, and a pager below it. Sorting is the page's: it says which sort is active
 * and what a header click does (the server sorts, or the page with sortRows from list-state.ts).
 */
import type { CSSProperties, HTMLAttributes, MouseEvent, ReactNode, TableHTMLAttributes, TdHTMLAttributes } from 'react';
import { useI18n } from '../i18n.ts';
import { ariaSort, sortMark, type SortDirection } from './list-state.ts';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T, index: number) => ReactNode;
  /** Classes of the header and of every cell (e.g. `num`, `nowrap`). */
  className?: string;
  /** Classes of the body cells only, after `className` (e.g. `tabular` under a `num` header). */
  cellClassName?: string;
  /** Other attributes of every body cell (a style, a test id). */
  cellProps?: TdHTMLAttributes<HTMLTableCellElement> & DataAttributes;
  /** Makes the header a sort button: the sort it stands for and the direction that sort has. */
  sort?: { key: string; direction: SortDirection };
  /** Attributes of the header cell (aria-label of an unlabelled column). */
  headerProps?: HTMLAttributes<HTMLTableCellElement>;
}

type DataAttributes = { [data: `data-${string}`]: string | number | boolean | undefined };
export type RowAttributes = HTMLAttributes<HTMLTableRowElement> & DataAttributes;

/** Clicks on these inside a clickable row do their own thing rather than open the row. */
const INTERACTIVE = 'a, button, input, label, select, textarea';

export interface DataTableProps<T> {
  columns: ReadonlyArray<Column<T> | false | null | undefined>;
  /** The rows, or null while the first page loads. */
  rows: readonly T[] | null | undefined;
  rowKey: (row: T, index: number) => string | number;
  testId?: string;
  /** The table's classes; zebra stripes by default, `table-hover` is added for clickable rows. */
  className?: string;
  rowTestId?: string;
  rowProps?: (row: T) => RowAttributes;
  /** Opens a row on a click anywhere in it but its links, buttons and inputs. */
  onRowClick?: (row: T) => void;
  loading?: boolean;
  /** The text of the empty row (default 「該当するデータはありません」) and its test id. */
  empty?: ReactNode;
  emptyTestId?: string;
  /** The active sort and what a click on a sortable header does; without it the headers are plain. */
  sort?: { active: string | null; onSort: (key: string) => void };
  /** Under the table: a CursorPager or a LoadMoreButton. */
  pager?: ReactNode;
  caption?: ReactNode;
  footer?: ReactNode;
  tableProps?: TableHTMLAttributes<HTMLTableElement> & DataAttributes;
  /** Without the scrolling `table-wrap` box (a table inside a narrow card). */
  bare?: boolean;
  /** Without a header row (a list whose cells say what they are). */
  headless?: boolean;
  /** The style of the `table-wrap` box (a maximum height, so a long table scrolls inside it). */
  wrapStyle?: CSSProperties;
}

export function DataTable<T>({
  columns, rows, rowKey, testId, className = 'table table-zebra', rowTestId, rowProps, onRowClick, loading = false,
  empty, emptyTestId, sort, pager, caption, footer, tableProps, bare = false, headless = false, wrapStyle,
}: DataTableProps<T>) {
  const { t } = useI18n();
  const shown = columns.filter((c): c is Column<T> => Boolean(c));
  const classes = onRowClick && !className.includes('table-hover') ? `${className} table-hover` : className;
  const open = (event: MouseEvent<HTMLTableRowElement>, row: T) => {
    if (!onRowClick || (event.target as HTMLElement).closest(INTERACTIVE)) return;
    onRowClick(row);
  };
  const table = (
    <table className={classes} data-testid={testId} {...tableProps}>
      {caption && <caption className="muted small">{caption}</caption>}
      {!headless && <thead><HeaderRow columns={shown} sort={sort} /></thead>}
      <tbody>
        {(rows ?? []).map((row, index) => (
          <tr key={rowKey(row, index)} data-testid={rowTestId} onClick={onRowClick ? (e) => open(e, row) : undefined} {...rowProps?.(row)}>
            {shown.map((c) => (
              <td key={c.key} className={[c.className, c.cellClassName].filter(Boolean).join(' ') || undefined} {...c.cellProps}>{c.cell(row, index)}</td>
            ))}
          </tr>
        ))}
        {rows && rows.length === 0 && (
          <tr className="empty-row"><td colSpan={shown.length} data-testid={emptyTestId}>{empty ?? t('common.noResults')}</td></tr>
        )}
        {!rows && loading && (
          <tr className="empty-row"><td colSpan={shown.length}>{t('common.loading')}</td></tr>
        )}
      </tbody>
      {footer && <tfoot>{footer}</tfoot>}
    </table>
  );
  return (
    <>
      {bare ? table : <div className="table-wrap" style={wrapStyle}>{table}</div>}
      {pager}
    </>
  );
}

function HeaderRow<T>({ columns, sort }: { columns: Array<Column<T>>; sort: DataTableProps<T>['sort'] }) {
  return (
    <tr>
      {columns.map((c) => {
        if (!c.sort || !sort) return <th key={c.key} className={c.className} {...c.headerProps}>{c.header}</th>;
        const on = c.sort.key === sort.active;
        const key = c.sort.key;
        return (
          <th key={c.key} className={c.className} aria-sort={ariaSort(c.sort, sort.active)} {...c.headerProps}>
            <button type="button" className="th-sort" onClick={() => sort.onSort(key)}>
              {c.header}
              <span className={`sort-mark${on ? ' on' : ''}`}>{sortMark(c.sort, sort.active)}</span>
            </button>
          </th>
        );
      })}
    </tr>
  );
}
