/**
 * 「エクスポート」: download links for the customer exports (audited on the server). Shown only with customers:export.
 * `filters`: the customer list's search, filters and sort, which the customer exports then follow (not the links table).
 */
import { useEffect, useRef, useState } from 'react';
import { importApi } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';
import { Button } from '../components/Button.tsx';
import { exportUrlWith } from './customer-list-summary.ts';

export function ExportMenu({ showLinks = false, filters = {} }: { showLinks?: boolean; filters?: Record<string, string | undefined> }) {
  const { can } = useSession();
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  if (!can('customers:export')) return null;
  const items: Array<[string, string]> = [
    [exportUrlWith(importApi.exportUrls.csvCp932, filters), t('export.csvCp932')],
    [exportUrlWith(importApi.exportUrls.csvUtf8, filters), t('export.csvUtf8')],
    [exportUrlWith(importApi.exportUrls.jsonl, filters), t('export.jsonl')],
    ...(showLinks ? [[importApi.exportUrls.links, t('export.links')] as [string, string]] : []),
  ];
  return (
    <div ref={ref} style={{ position: 'relative', display: 'inline-block' }} data-testid="export-menu">
      <Button aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="export-button">
        {t('export.button')} ▾
      </Button>
      {open && (
        <div
          role="menu"
          className="card"
          style={{ position: 'absolute', right: 0, top: '100%', marginTop: 4, zIndex: 20, minWidth: 260, padding: '6px 0', boxShadow: '0 4px 16px rgba(0,0,0,.12)' }}
        >
          {items.map(([href, label]) => (
            <a key={href} role="menuitem" href={href} download style={{ display: 'block', padding: '6px 14px' }} onClick={() => setOpen(false)} data-testid="export-link">
              {label}
            </a>
          ))}
          {Object.values(filters).some(Boolean) && <div className="muted small" style={{ padding: '6px 14px 2px', maxWidth: 300 }} data-testid="export-filtered">{t('export.filtered')}</div>}
          <div className="muted small" style={{ padding: '6px 14px 2px' }}>{t('export.note')}</div>
        </div>
      )}
    </div>
  );
}
