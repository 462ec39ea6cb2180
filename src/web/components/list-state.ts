/**
 * The pure state of list pages: sorting rows, the cursor stack of a paged list ("previous / next") and the pages of
 * an appended list ("load more"). No React here, so it is tested without a browser (test/web/list-state.test.ts).
 */

export type SortDirection = 'ascending' | 'descending';
export type SortValue = string | number | null | undefined;

const collator = new Intl.Collator('ja', { numeric: true });

/**
 * The rows ordered by `value`, a new array; ties keep their order. Empty values (null, undefined, '') go last in
 * either direction, so a descending sort still starts with what has a value. Strings compare as Japanese readers
 * expect (kana before kanji, 「2」 before 「10」).
 */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, direction: SortDirection = 'ascending'): T[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, key: value(row) }))
    .sort((a, b) => {
      const aEmpty = a.key === null || a.key === undefined || a.key === '';
      const bEmpty = b.key === null || b.key === undefined || b.key === '';
      if (aEmpty || bEmpty) return aEmpty === bEmpty ? a.index - b.index : aEmpty ? 1 : -1;
      const order = typeof a.key === 'number' && typeof b.key === 'number' ? a.key - b.key : collator.compare(String(a.key), String(b.key));
      return order === 0 ? a.index - b.index : sign * order;
    })
    .map((x) => x.row);
}

/** What a sortable column header says to assistive technology: its direction when it is the active sort. */
export function ariaSort(column: { key: string; direction: SortDirection }, active: string | null | undefined): SortDirection | undefined {
  return column.key === active ? column.direction : undefined;
}

/** The mark beside a sortable header: ▲ / ▼ on the active column, ↕ on the others. */
export function sortMark(column: { key: string; direction: SortDirection }, active: string | null | undefined): string {
  if (column.key !== active) return '↕';
  return column.direction === 'ascending' ? '▲' : '▼';
}

/**
 * The cursors of the pages before the one shown, remembered for one query (`key`): a list whose query changed starts
 * again at page 1 without a separate reset.
 */
export interface CursorStack {
  key: string;
  cursors: readonly string[];
}

export function cursorsOf(stack: CursorStack, key: string): readonly string[] {
  return stack.key === key ? stack.cursors : [];
}

/** Forward to the page that starts at `cursor`. */
export function pageForward(stack: CursorStack, key: string, cursor: string): CursorStack {
  return { key, cursors: [...cursorsOf(stack, key), cursor] };
}

/** Back one page (page 1 stays page 1). */
export function pageBack(stack: CursorStack, key: string): CursorStack {
  return { key, cursors: cursorsOf(stack, key).slice(0, -1) };
}

/** A page of a cursor-paged API answer. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
  hasMore?: boolean;
}

/** Whether a page has a next one: the cursor, unless the API says there is nothing more. */
export function nextCursorOf(page: { nextCursor: string | null; hasMore?: boolean } | null | undefined): string | null {
  if (!page || page.hasMore === false) return null;
  return page.nextCursor;
}

/** "Load more": the next page's items after the ones shown, its cursor (and hasMore) replacing theirs. */
export function appendPage<T>(shown: CursorPage<T>, next: CursorPage<T>): CursorPage<T> {
  return {
    items: [...shown.items, ...next.items],
    nextCursor: next.nextCursor,
    ...(next.hasMore === undefined ? {} : { hasMore: next.hasMore }),
  };
}
