import { AppError } from '../../core/errors.ts';
import { bindProfile, type ImportProfile } from '../../domain/import/profile.ts';
import { openTable, UnreadableTableError, type OpenedTable } from './readers/index.ts';

/** A file that cannot be read as a table, as the 400 the upload's preview, the validation and the import answer. */
export function unreadableFile(error: unknown): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError('validation_failed', `ファイルを読めません (cannot read the file): ${reason}`, [{ field: 'file', message: reason }]);
}

/**
 * Opens an import file as the profile says (encoding, delimiter, sheet, header_row) and binds the profile to its headers; a file
 * the readers refuse, or a column the profile names but the file lacks, is a validation error (400), and the file is
 * closed again. Shared by the import and its dry run (validate.service.ts), so both read a file exactly alike.
 */
export async function openWithProfile(filePath: string, profile: ImportProfile): Promise<{ table: OpenedTable; profile: ImportProfile }> {
  let table: OpenedTable;
  try {
    table = await openTable(filePath, {
      ...(profile.encoding ? { encoding: profile.encoding } : {}),
      ...(profile.delimiter ? { delimiter: profile.delimiter } : {}),
      ...(profile.sheet !== null && profile.sheet !== undefined ? { sheet: profile.sheet } : {}),
      // The profile's header line, or none: then the readers detect it exactly as the upload's preview did.
      ...(profile.headerRow != null ? { headerRow: profile.headerRow } : {}),
    });
  } catch (error) {
    throw error instanceof UnreadableTableError ? unreadableFile(error) : error;
  }
  // A sheet that breaks off while it is read (an xlsx value too long to hold) is the same 400 as one refused at open.
  const rows = table.rows;
  table.rows = (async function* () {
    try {
      yield* rows;
    } catch (error) {
      throw error instanceof UnreadableTableError ? unreadableFile(error) : error;
    }
  })();
  const binding = bindProfile(profile, table.headers);
  if (binding.missing.length) {
    await table.close();
    throw new AppError('validation_failed', `プロファイルの列がファイルにありません: ${binding.missing.join(', ')} (the file lacks columns the profile names)`,
      binding.missing.map((c) => ({ field: 'profile', message: `列「${c}」がファイルにありません (column not in file)` })));
  }
  return { table, profile: binding.profile };
}
