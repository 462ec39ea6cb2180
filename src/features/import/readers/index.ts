export { openTable, previewTable, detectFormat, type TablePreview } from './open-table.ts';
export type { OpenedTable, OpenTableOptions, TableErrorCode, TableFormat, TableRow } from './types.ts';
