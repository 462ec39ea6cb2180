import { AppError } from '../../app/errors.ts';
import { bindProfile, type ImportProfile } from '../../domain/import/profile.ts';
import { openTable, type OpenedTable } from './readers/index.ts';

/**
 * Opens an import file as the profile says (encoding, delimiter, sheet) and binds the profile to its headers; a column
 * the profile names but the file lacks is a validation error (400), and the file is closed again. Shared by the import
 * and its dry run (validate.service.ts), so both read a file exactly alike.
 */
export async function openWithProfile(filePath: string, profile: ImportProfile): Promise<{ table: OpenedTable; profile: ImportProfile }> {
  const table = await openTable(filePath, {
    ...(profile.encoding ? { encoding: profile.encoding } : {}),
    ...(profile.delimiter ? { delimiter: profile.delimiter } : {}),
    ...(profile.sheet !== null && profile.sheet !== undefined ? { sheet: profile.sheet } : {}),
  });
  const binding = bindProfile(profile, table.headers);
  if (binding.missing.length) {
    await table.close();
    throw new AppError('validation_failed', `The file lacks columns the profile names: ${binding.missing.join(', ')}`,
      binding.missing.map((c) => ({ field: 'profile', message: `列「${c}」がファイルにありません (column not in file)` })));
  }
  return { table, profile: binding.profile };
}
