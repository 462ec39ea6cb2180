export { openTable, previewTable, detectFormat, type TablePreview } from './open-table.ts';
export { UnreadableTableError, type OpenedTable, type OpenTableOptions, type TableErrorCode, type TableFormat, type TableRow } from './types.ts';
