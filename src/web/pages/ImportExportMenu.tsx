/** 「エクスポート」: download links for the customer exports (audited on the server). Shown only with customers:export. */
import { useEffect, useRef, useState } from 'react';
import { importApi } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useSession } from '../session.tsx';

const LABELS = {
  ja: { button: 'エクスポート', csvCp932: 'CSV（Excel / Shift_JIS）', csvUtf8: 'CSV（UTF-8）', jsonl: 'JSON Lines', links: '取込レコードと顧客の対応表（CSV）', note: 'ダウンロードは監査ログに記録されます' },
  en: { button: 'Export', csvCp932: 'CSV (Excel / Shift_JIS)', csvUtf8: 'CSV (UTF-8)', jsonl: 'JSON Lines', links: 'Source records → customers (CSV)', note: 'Downloads are recorded in the audit log' },
};

export function ExportMenu({ showLinks = false }: { showLinks?: boolean }) {
  const { can } = useSession();
  const { lang } = useI18n();
  const L = LABELS[lang];
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
    [importApi.exportUrls.csvCp932, L.csvCp932],
    [importApi.exportUrls.csvUtf8, L.csvUtf8],
    [importApi.exportUrls.jsonl, L.jsonl],
    ...(showLinks ? [[importApi.exportUrls.links, L.links] as [string, string]] : []),
  ];
  return (
    <div ref={ref} style={{ position: 'relative', display: 'inline-block' }} data-testid="export-menu">
      <button type="button" className="btn" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="export-button">
        {L.button} ▾
      </button>
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
          <div className="muted small" style={{ padding: '6px 14px 2px' }}>{L.note}</div>
        </div>
      )}
    </div>
  );
}
