import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImportUpload } from '../../src/web/api.ts';
import {
  addColumn, canAddColumn, IMPORT_FIELDS, mappingFrom, mappingFromProfile, removeColumnAt, setColumnAt, sourceFromFileName, toProfile, withColumns,
} from '../../src/web/pages/import/mapping.ts';

function upload(fileName: string, suggestion: { fields: Record<string, string | string[]>; idColumn: string | null }, headers: string[]): ImportUpload {
  return {
    uploadId: 'u1', fileName, size: 2048,
    preview: { format: 'csv', encoding: 'cp932', delimiter: ',', headers, rows: [], more: false, warnings: [], suggestion },
  } as unknown as ImportUpload;
}

test('the source code name is taken from the file name, without dates and odd characters', () => {
  assert.equal(sourceFromFileName('meishi_2026-11.csv'), 'meishi');
  assert.equal(sourceFromFileName('Shiryo_Seikyu.CSV'), 'shiryo_seikyu');
  assert.equal(sourceFromFileName('EC members 20261101.xlsx'), 'ec_members');
  assert.equal(sourceFromFileName('pos-members.tsv'), 'pos-members');
  assert.equal(sourceFromFileName('名刺.csv'), '', 'nothing usable: the user types one');
  assert.equal(sourceFromFileName('__export__.csv'), 'export');
  assert.equal(sourceFromFileName(`${'a'.repeat(80)}.csv`).length, 60);
});

test('the suggestion becomes a mapping with every field, single columns as lists', () => {
  const m = mappingFrom(upload('meishi_2026-11.csv', { fields: { full_name: '氏名', address: ['住所1', '住所2'] }, idColumn: '名刺ID' }, ['名刺ID', '氏名', '住所1', '住所2']));
  assert.equal(m.source, 'meishi');
  assert.equal(m.idColumn, '名刺ID');
  assert.equal(m.encoding, 'auto');
  assert.deepEqual(Object.keys(m.fields), IMPORT_FIELDS.map((f) => f.key), 'every field, in the table order');
  assert.deepEqual(m.fields.full_name, ['氏名']);
  assert.deepEqual(m.fields.address, ['住所1', '住所2']);
  assert.deepEqual(m.fields.email, []);
});

test('a saved profile is applied to this file: columns it does not have are dropped', () => {
  const m = mappingFromProfile(
    { source: 'meishi', id_column: '名刺ID', encoding: 'cp932', fields: { full_name: '氏名', email: 'メール', address: ['住所1', '住所3'] } },
    ['氏名', '住所1', '住所2'],
  );
  assert.equal(m.source, 'meishi');
  assert.equal(m.idColumn, '', 'the file has no 名刺ID column');
  assert.equal(m.encoding, 'cp932');
  assert.deepEqual(m.fields.full_name, ['氏名']);
  assert.deepEqual(m.fields.email, []);
  assert.deepEqual(m.fields.address, ['住所1']);
});

test('the profile sent to the API: one column as a string, several as a list, blanks and unmapped fields left out', () => {
  const base = mappingFrom(upload('x.csv', { fields: {}, idColumn: null }, []));
  let m = withColumns(base, 'full_name', ['氏名']);
  m = withColumns(m, 'address', ['住所1', '', '住所2']);
  m = withColumns(m, 'email', ['']);
  assert.deepEqual(toProfile({ ...m, source: '  meishi ' }), { source: 'meishi', fields: { full_name: '氏名', address: ['住所1', '住所2'] } });
  assert.deepEqual(toProfile({ ...m, source: 'm', idColumn: 'ID', encoding: 'utf-8' }).id_column, 'ID');
  assert.equal(toProfile({ ...m, source: 'm', encoding: 'utf-8' }).encoding, 'utf-8');
  assert.equal('encoding' in toProfile({ ...m, source: 'm' }), false, '"auto" is the server default, not sent');
  assert.deepEqual(base.fields.full_name, [], 'withColumns does not change the mapping it was given');
});

test('editing a multi-column field: choose, add, clear and remove selects', () => {
  assert.deepEqual(setColumnAt([], 0, '住所1'), ['住所1'], 'the first select of an empty field');
  assert.deepEqual(setColumnAt([], 0, ''), [], 'clearing it leaves the field empty');
  assert.equal(canAddColumn([]), false);
  assert.equal(canAddColumn(['住所1']), true);
  const two = addColumn(['住所1']);
  assert.deepEqual(two, ['住所1', '']);
  assert.equal(canAddColumn(two), false, 'one blank select at a time');
  assert.deepEqual(setColumnAt(two, 1, '住所2'), ['住所1', '住所2']);
  assert.deepEqual(setColumnAt(['住所1', '住所2', '住所3'], 1, ''), ['住所1', '住所3'], '（なし） removes that select when there are others');
  assert.deepEqual(setColumnAt(['住所1', ''], 0, ''), [''], 'the blank one left stays to be chosen');
  assert.deepEqual(setColumnAt(['住所1'], 0, '住所2'), ['住所2']);
  assert.deepEqual(removeColumnAt(['住所1', '住所2', '住所3'], 0), ['住所2', '住所3']);
});

test('header_row: a header detected below line 1 goes into the profile, a saved one comes back, line 1 is left out', () => {
  const titled = upload('eight.csv', { fields: { full_name: '氏名' }, idColumn: null }, ['氏名']);
  const at8 = { ...titled, preview: { ...titled.preview, headerLine: 8 } };
  assert.equal(toProfile(mappingFrom(at8)).header_row, 8);
  const at1 = { ...titled, preview: { ...titled.preview, headerLine: 1 } };
  assert.equal('header_row' in toProfile(mappingFrom(at1)), false);
  assert.equal(mappingFromProfile({ source: 'eight', header_row: 8, fields: { full_name: '氏名' } }, ['氏名']).headerRow, 8);
  assert.equal(mappingFromProfile({ source: 'eight', fields: {} }, []).headerRow, null);
});
