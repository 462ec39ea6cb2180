/** A run's or a validation's figures as a grid of small cards. */
import type { CSSProperties } from 'react';

export interface Count {
  key: string;
  label: string;
  n: number;
}

/** `alert` keys are shown in red when above 0. */
export function CountCards({ counts, testId, alert = [], style }: { counts: Count[]; testId: string; alert?: string[]; style: CSSProperties }) {
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(120px, 1fr))', gap: 8, ...style }}>
      {counts.map(({ key, label, n }) => (
        <div key={key} className="card" style={{ margin: 0, padding: '8px 12px' }} data-testid={testId} data-key={key}>
          <div className="muted small">{label}</div>
          <div className={`strong tabular${alert.includes(key) && n > 0 ? ' field-error' : ''}`} style={{ fontSize: 18 }}>{n.toLocaleString('ja-JP')}</div>
        </div>
      ))}
    </div>
  );
}
