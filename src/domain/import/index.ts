/**
 * Import: profiles, mapping suggestions, encoding/delimiter detection, CSV parsing (pure). The file readers
 * (streaming CSV/TSV/xlsx) live in src/intake/files/readers/.
 */
export * from './csv.ts';
export * from './encoding.ts';
export * from './headers.ts';
export * from './profile.ts';
export * from './suggest.ts';
export * from './text-table.ts';
