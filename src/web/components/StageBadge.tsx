/** A lifecycle stage as a small coloured tag (colours by code; unknown codes are grey). */
export function StageBadge({ code, label }: { code: string; label: string }) {
  return (
    <span className={`badge stage-${/^[a-z_]+$/.test(code) ? code : 'other'}`} data-testid="stage-badge">
      {label}
    </span>
  );
}
