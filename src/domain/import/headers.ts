/**
 * Header names as the import uses them (pure): trimmed, never empty, unique.
 */

export interface HeaderNames {
  headers: string[];
  /** One note per renamed header, for the wizard. */
  warnings: string[];
}

/**
 * Trims header names, names empty ones after their position (`列3`) and makes duplicates unique in order of
 * appearance: `住所`, `住所 (2)`, `住所 (3)` (skipping names the file already uses).
 */
export function uniqueHeaders(raw: readonly string[]): HeaderNames {
  const trimmed = raw.map((h) => h.trim());
  const taken = new Set(trimmed.filter((h) => h !== ''));
  const seen = new Set<string>();
  const warnings: string[] = [];
  const headers = trimmed.map((name, i) => {
    let base = name;
    if (base === '') {
      base = `列${i + 1}`;
      if (!seen.has(base) && !taken.has(base)) {
        seen.add(base);
        warnings.push(`${i + 1}列目の見出しが空なので「${base}」としました (empty header in column ${i + 1} named "${base}")`);
        return base;
      }
    } else if (!seen.has(base)) {
      seen.add(base);
      return base;
    }
    let k = 2;
    while (seen.has(`${base} (${k})`) || taken.has(`${base} (${k})`)) k++;
    const unique = `${base} (${k})`;
    seen.add(unique);
    warnings.push(`見出し「${base}」が重複しているため ${i + 1}列目を「${unique}」としました (duplicate header "${base}" in column ${i + 1} renamed "${unique}")`);
    return unique;
  });
  return { headers, warnings };
}
