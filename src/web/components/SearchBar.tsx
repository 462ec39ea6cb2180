/**
 * The search box above a list: Enter or 「検索」 searches at once; with `debounceMs` typing searches after that
 * pause too, though not while an IME is still composing kana / kanji. The page holds the text (it may come from the
 * URL) and gets the trimmed query in onSearch. Filters that belong to the search go in as children.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n.ts';
import { Button } from './Button.tsx';

export function SearchBar({ value, onChange, onSearch, placeholder, testId, debounceMs, buttonLabel, children }: {
  value: string;
  onChange: (text: string) => void;
  onSearch: (query: string) => void;
  placeholder: string;
  testId: string;
  debounceMs?: number;
  buttonLabel?: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const typing = useRef<number | undefined>(undefined);
  const composing = useRef(false);
  useEffect(() => () => window.clearTimeout(typing.current), []);
  const type = (text: string) => {
    onChange(text);
    if (debounceMs === undefined) return;
    window.clearTimeout(typing.current);
    if (!composing.current) typing.current = window.setTimeout(() => onSearch(text.trim()), debounceMs);
  };
  return (
    <form
      className="searchbar"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        window.clearTimeout(typing.current);
        onSearch(value.trim());
      }}
    >
      <input
        type="search"
        className="search-input"
        placeholder={placeholder}
        aria-label={placeholder}
        value={value}
        onChange={(e) => type(e.target.value)}
        onCompositionStart={() => { composing.current = true; }}
        onCompositionEnd={(e) => { composing.current = false; type(e.currentTarget.value); }}
        data-testid={testId}
      />
      {children}
      <Button type="submit">{buttonLabel ?? t('common.search')}</Button>
    </form>
  );
}
