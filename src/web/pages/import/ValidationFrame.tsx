/**
 * A validation report's frame, the customer and the order wizard's alike: its title, the lead (nothing was written)
 * or, once the mapping has changed, the note that these figures are of other settings (the report dimmed).
 */
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n.ts';

export function ValidationFrame({ testId, staleTestId, stale, title, lead, children }: {
  testId: string;
  staleTestId: string;
  stale: boolean;
  title: string;
  lead: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div data-testid={testId} data-stale={stale ? 'true' : 'false'} style={{ marginBottom: 12, opacity: stale ? 0.55 : 1 }}>
      <h3 style={{ margin: '0 0 4px' }}>{title}</h3>
      {stale
        ? <div className="alert alert-warning small" data-testid={staleTestId}>{t('import.validationStale')}</div>
        : <p className="muted small" style={{ margin: '0 0 8px' }}>{lead}</p>}
      {children}
    </div>
  );
}
