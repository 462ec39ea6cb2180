import assert from 'node:assert/strict';
import { test } from 'node:test';
// @ts-expect-error: a plain ES module script without types (scripts/architecture.mjs prints the same figures)
import * as shape from '../scripts/architecture.mjs';

/** The code's shape, as ARCHITECTURE.md states it; each failure names the files to move or fix. */
test('no import cycles (type-only imports included)', () => {
  const cycles = shape.cyclicComponents(shape.importGraph()) as string[][];
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.map((c) => `  ${c.join(' → ')}`).join('\n')}`);
});

test('no import runs from a lower area up into a higher one (domain/db/config < core < platform < ledger < resolution < intake, use; app, cli on top)', () => {
  assert.deepEqual(shape.upwardImports(), []);
});

test('no two features import each other', () => {
  assert.deepEqual(shape.featureTies(), []);
});

test('SQL is written only in *.repository.ts files and src/db', () => {
  assert.deepEqual(shape.sqlOutsideRepositories(), []);
});

test('each table is written by one repository', () => {
  assert.deepEqual(shape.tablesWithSeveralWriters(), []);
});

test('every top-level folder of src/ is an area the rules know', () => {
  const known = new Set([...Object.keys(shape.AREA_RANK), 'web']);
  const areas = new Set((shape.sourceFiles() as string[]).map((f) => f.split('/')[1] ?? '').filter((a) => a !== '' && !a.includes('.')));
  assert.deepEqual([...areas].filter((a) => !known.has(a)), []);
});

test('the checks see what they should: a cycle, an upward import and SQL are caught on a made-up graph', () => {
  const graph = new Map([['src/ledger/a/a.ts', ['src/intake/b/b.ts']], ['src/intake/b/b.ts', ['src/ledger/a/a.ts']]]);
  assert.equal((shape.cyclicComponents(graph) as string[][]).length, 1);
  assert.deepEqual(shape.upwardImports(graph), ['src/ledger/a/a.ts → src/intake/b/b.ts']);
  assert.deepEqual(shape.featureTies(graph), ['intake/b ↔ ledger/a']);
});
