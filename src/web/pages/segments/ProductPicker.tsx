/**
 * A product picked by SKU for the segment builder (「商品の提案対象」): type a SKU or part of the name, the catalogue
 * (GET /products?q=) suggests matches, a click takes one. Beside the input: the name of the product the SKU is, or
 * that the catalogue has no such SKU.
 */
import { useEffect, useRef, useState } from 'react';
import { commerceApi, type Product } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { yen } from '../../components/TierBadge.tsx';

const DEBOUNCE_MS = 250;

export function ProductPicker({ sku, onChange }: { sku: string; onChange: (sku: string) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  // The catalogue's answer and the text it answers: an answer to an older text is not shown.
  const [answer, setAnswer] = useState<{ q: string; items: Product[] } | null>(null);
  const [active, setActive] = useState(0);
  const seq = useRef(0);
  const text = sku.trim();

  useEffect(() => {
    const mine = ++seq.current;
    if (!text) return;
    const timer = window.setTimeout(() => {
      commerceApi.products({ q: text, limit: 8 })
        .then((page) => { if (mine === seq.current) { setAnswer({ q: text, items: page.items }); setActive(0); } })
        .catch(() => { if (mine === seq.current) setAnswer({ q: text, items: [] }); });
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const matches = text && answer?.q === text ? answer.items : null;
  const exact = matches?.find((p) => p.sku === text) ?? null;
  const pick = (p: Product) => {
    onChange(p.sku);
    setOpen(false);
  };
  const shown = open && matches !== null && !(matches.length === 1 && exact);
  return (
    <span className="product-picker" data-testid="product-picker">
      <input
        className="input mono" value={sku} placeholder={t('seg.candidate.search')} aria-label={t('seg.candidate.product')} data-testid="cond-sku"
        role="combobox" aria-expanded={shown} aria-autocomplete="list" autoComplete="off" style={{ width: 160 }}
        onChange={(e) => { onChange(e.target.value); setOpen(true); }}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') { setOpen(false); return; }
          if (!matches?.length) return;
          if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); setActive((i) => Math.min(i + 1, matches.length - 1)); }
          if (e.key === 'ArrowUp') { e.preventDefault(); setActive((i) => Math.max(i - 1, 0)); }
          if (e.key === 'Enter' && shown) { e.preventDefault(); const p = matches[active]; if (p) pick(p); }
        }}
      />
      {text && matches !== null && (
        exact
          ? <span className="product-picker-name small" data-testid="cond-sku-name">{exact.name}</span>
          : <span className="product-picker-name small text-danger" data-testid="cond-sku-unknown">{t('seg.candidate.unknown')}</span>
      )}
      {shown && (
        <ul className="product-picker-list" role="listbox" data-testid="product-options">
          {matches.length === 0 && <li className="muted small product-picker-empty">{t('seg.candidate.noMatch')}</li>}
          {matches.map((p, i) => (
            <li key={p.id} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined} data-testid="product-option" data-sku={p.sku}
              onMouseDown={(e) => { e.preventDefault(); pick(p); }}>
              <span className="mono">{p.sku}</span>
              <span>{p.name}</span>
              <span className="muted small">{[p.category, p.price === null ? null : yen(p.price)].filter(Boolean).join(' · ')}</span>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
