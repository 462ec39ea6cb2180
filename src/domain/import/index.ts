/**
 * Import: profiles, mapping suggestions (header vocabulary, then a value-fit check on sample rows), header-row and
 * encoding/delimiter detection, CSV parsing (pure). The file readers (streaming CSV/TSV/xlsx) live in
 * src/intake/files/readers/.
 */
export * from './cell-kind.ts';
export * from './csv.ts';
export * from './encoding.ts';
export * from './header-row.ts';
export * from './headers.ts';
export * from './profile.ts';
export * from './reasons.ts';
export * from './suggest.ts';
export * from './text-table.ts';
export * from './value-fit.ts';
