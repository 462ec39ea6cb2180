import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buttonClass } from '../../src/web/components/Button.tsx';
import { filledValues, textOrNull, withValue } from '../../src/web/components/form-values.ts';

test('withValue changes one value in a new object', () => {
  const values = { name: '株式会社サンプル', website: '' };
  const next = withValue(values, 'website', 'https://example.co.jp');
  assert.deepEqual(next, { name: '株式会社サンプル', website: 'https://example.co.jp' });
  assert.equal(values.website, '', 'the old values stay as they were (React state)');
  assert.notEqual(next, values);
});

test('filledValues keeps the trimmed values that were filled in and leaves blank ones out', () => {
  assert.deepEqual(
    filledValues({ name: ' 株式会社サンプル ', nameKana: '', corporateNumber: '   ', industry: '製造業\n', prefecture: '東京都' }),
    { name: '株式会社サンプル', industry: '製造業', prefecture: '東京都' },
  );
  assert.deepEqual(filledValues({ a: '', b: ' ' }), {});
});

test('textOrNull clears a nullable field when it is blank', () => {
  assert.equal(textOrNull('  営業部 '), '営業部');
  assert.equal(textOrNull(''), null);
  assert.equal(textOrNull(' \t'), null);
});

test('buttonClass composes the look of a button in the one style', () => {
  assert.equal(buttonClass(), 'btn');
  assert.equal(buttonClass({ variant: 'primary' }), 'btn btn-primary');
  assert.equal(buttonClass({ variant: 'ghost', small: true }), 'btn btn-ghost btn-small');
  assert.equal(buttonClass({ variant: 'danger-outline', small: true, block: true }), 'btn btn-danger-outline btn-small btn-block');
  assert.equal(buttonClass({ variant: 'link', className: 'lang-toggle' }), 'btn btn-link lang-toggle');
  assert.equal(buttonClass({ variant: 'default', small: true }), 'btn btn-small');
});
