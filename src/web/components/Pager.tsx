/**
 * Paging of the list pages, both kinds the API's cursors allow: previous / next over a stack of cursors
 * (useCursorPaging + CursorPager), and "load more" that appends the next page (useCursorList + LoadMoreButton).
 */
import { useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n.ts';
import { Button, type ButtonLook } from './Button.tsx';
import { appendPage, cursorsOf, nextCursorOf, pageBack, pageForward, type CursorPage, type CursorStack } from './list-state.ts';
import { useLoad } from './ui.tsx';

export interface CursorPaging {
  /** The cursor of the page shown (undefined on page 1): what the list's query sends. */
  cursor: string | undefined;
  /** 1 for the first page. */
  page: number;
  forward: (cursor: string) => void;
  back: () => void;
  reset: () => void;
}

/**
 * Previous / next paging. The cursors belong to one query: pass its `key` (the filters, joined) and a changed
 * query starts at page 1 by itself; or call reset() where the query changes.
 */
export function useCursorPaging(key = ''): CursorPaging {
  const [stack, setStack] = useState<CursorStack>({ key, cursors: [] });
  const cursors = cursorsOf(stack, key);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length + 1,
    forward: (cursor) => setStack((s) => pageForward(s, key, cursor)),
    back: () => setStack((s) => pageBack(s, key)),
    reset: () => setStack({ key, cursors: [] }),
  };
}

/** 「前へ」「次へ」 under a list, with a summary (how many shown, which page) on the left. */
export function CursorPager({ paging, data, loading, summary }: {
  paging: CursorPaging;
  data: { nextCursor: string | null; hasMore?: boolean } | null | undefined;
  loading: boolean;
  summary?: ReactNode;
}) {
  const { t } = useI18n();
  const next = nextCursorOf(data);
  return (
    <div className="pager" data-testid="pager">
      {summary ?? <span />}
      <div className="pager-buttons">
        <Button small disabled={paging.page === 1 || loading} onClick={paging.back} data-testid="page-prev">{t('common.prev')}</Button>
        <Button small disabled={!next || loading} onClick={() => next && paging.forward(next)} data-testid="page-next">{t('common.next')}</Button>
      </div>
    </div>
  );
}

export interface CursorList<P> {
  data: P | null;
  error: unknown;
  loading: boolean;
  /** A "load more" in flight, and why the last one failed. */
  loadingMore: boolean;
  moreError: unknown;
  nextCursor: string | null;
  more: () => Promise<void>;
  reload: () => Promise<void>;
  setData: (update: P | null | ((data: P | null) => P | null)) => void;
}

/**
 * A list read page by page and shown as one: the first page when `deps` change, later pages appended by more().
 * `fetchPage` reads the page that starts at a cursor (none: the first). A page that arrives after the query changed is
 * dropped.
 */
export function useCursorList<P extends CursorPage<unknown>>(fetchPage: (cursor?: string) => Promise<P>, deps: readonly unknown[]): CursorList<P> {
  const first = useLoad(() => fetchPage(), deps);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const latest = useRef(first.data);
  latest.current = first.data;
  const nextCursor = nextCursorOf(first.data);
  const more = async () => {
    const shown = latest.current;
    const cursor = nextCursorOf(shown);
    if (!shown || !cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const next = await fetchPage(cursor);
      first.setData((d) => (d === shown ? { ...d, ...appendPage(d, next) } : d));
    } catch (e) {
      setMoreError(e);
    } finally {
      setLoadingMore(false);
    }
  };
  return { ...first, loadingMore, moreError, nextCursor, more };
}

/** The "load more" button under an appended list; shown while there is a next page. */
export function LoadMoreButton({ list, label, testId, ...look }: ButtonLook & {
  list: Pick<CursorList<unknown>, 'nextCursor' | 'loading' | 'loadingMore' | 'more'>;
  label: string;
  testId?: string;
}) {
  const { t } = useI18n();
  if (!list.nextCursor) return null;
  return (
    <Button {...look} disabled={list.loading || list.loadingMore} onClick={() => void list.more()} data-testid={testId}>
      {list.loadingMore ? t('common.loading') : label}
    </Button>
  );
}
