import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { readCsv, sniffDelimiter, type CsvItem, type Delimiter } from './csv-records.ts';

async function read(text: string | Buffer[], oneLine = [0, 1, 2]): Promise<{ header: string[] | undefined; headerLine: number; delimiter: Delimiter | undefined; items: CsvItem[] }> {
  const chunks = typeof text === 'string' ? [Buffer.from(text)] : text;
  let header: string[] | undefined;
  let headerLine = 0;
  let delimiter: Delimiter | undefined;
  const items: CsvItem[] = [];
  for await (const item of readCsv(Readable.from(chunks), (fields, line, separator) => {
    header = fields;
    headerLine = line;
    delimiter = separator;
    return { width: fields.length, oneLine };
  })) {
    items.push(item);
  }
  return { header, headerLine, delimiter, items };
}

const rows = (items: CsvItem[]) => items.filter((i) => i.kind === 'row').map((i) => [i.line, ...(i.kind === 'row' ? i.fields : [])]);
const broken = (items: CsvItem[]) => items.filter((i) => i.kind === 'broken').map((i) => [i.line, i.kind === 'broken' ? i.code : '']);

test('a UTF-8 BOM is not part of the first column name', async () => {
  const { header } = await read('\uFEFFid,name,phone\nc1,Ann,123\n');
  assert.deepEqual(header, ['id', 'name', 'phone']);
});

test('CRLF, LF and CR line ends, even mixed, and line numbers as an editor shows them', async () => {
  const { items } = await read('id,name,phone\r\nc1,Ann,1\nc2,Bob,2\rc3,Cy,3\r\n');
  assert.deepEqual(rows(items), [
    [2, 'c1', 'Ann', '1'],
    [3, 'c2', 'Bob', '2'],
    [4, 'c3', 'Cy', '3'],
  ]);
});

test('blank lines, whitespace-only lines and separator-only rows are passed over, and counted in line numbers', async () => {
  const { header, headerLine, items } = await read('\n\nid,name,phone\n\n   \n,,\nc1,Ann,1\n\n');
  assert.deepEqual(header, ['id', 'name', 'phone']);
  assert.equal(headerLine, 3);
  assert.deepEqual(rows(items), [[7, 'c1', 'Ann', '1']]);
  assert.deepEqual(broken(items), []);
});

test('quoted commas, doubled quotes and stray quotes inside a value are read as people meant them', async () => {
  const { items } = await read('id,name,phone\nc1,"Smith, Ann",1\nc2,"The ""Best"" Co",2\nc3,5" monitor,3\n');
  assert.deepEqual(rows(items), [
    [2, 'c1', 'Smith, Ann', '1'],
    [3, 'c2', 'The "Best" Co', '2'],
    [4, 'c3', '5" monitor', '3'],
  ]);
});

test('a quote never closed swallows no good rows: only its own line is reported', async () => {
  const csv = ['id,name,phone', 'c1,Ann,1', 'c2,"Bob,2', 'c3,Cy,3', 'c4,Di,4', 'c5,Ed,5'].join('\n');
  const { items } = await read(csv);
  assert.deepEqual(rows(items), [
    [2, 'c1', 'Ann', '1'],
    [4, 'c3', 'Cy', '3'],
    [5, 'c4', 'Di', '4'],
    [6, 'c5', 'Ed', '5'],
  ]);
  assert.deepEqual(broken(items), [[3, 'BAD_QUOTING']]);
});

test('two bad quotes that pair up across lines: both lines reported, the rows between them kept', async () => {
  const csv = ['id,name,phone', 'c1,"Ann,1', 'c2,Bob,2', 'c3,Cy",3', 'c4,Di,4'].join('\n');
  const { items } = await read(csv);
  assert.deepEqual(rows(items), [
    [3, 'c2', 'Bob', '2'],
    [5, 'c4', 'Di', '4'],
  ]);
  assert.deepEqual(
    broken(items).map(([line]) => line),
    [2, 4],
  );
});

test('a swallowed run with the right field count is still caught by a line break in a one-line column', async () => {
  // c2's quote runs to c4's, and the record happens to have 3 fields.
  const csv = ['id,name,phone', 'c2,"Bob,x', 'c3,Cy,3', 'c4,Di",4', 'c5,Ed,5'].join('\n');
  const { items } = await read(csv);
  assert.deepEqual(
    rows(items).map((r) => r[1]),
    ['c3', 'c5'],
  );
});

test('a legitimate multi-line value in a column we do not use is kept whole', async () => {
  const { items } = await read('id,name,notes\nc1,Ann,"line one\nline two"\nc2,Bob,x\n', [0, 1]);
  assert.deepEqual(rows(items), [
    [2, 'c1', 'Ann', 'line one\nline two'],
    [4, 'c2', 'Bob', 'x'],
  ]);
});

test('wrong column counts are reported with the line, and say which way they are wrong', async () => {
  const { items } = await read('id,name,phone\nc1,Ann\nc2,Bob,2,extra\nc3,Cy,3\n');
  assert.deepEqual(broken(items), [
    [2, 'COLUMN_COUNT'],
    [3, 'COLUMN_COUNT'],
  ]);
  const reasons = items.flatMap((i) => (i.kind === 'broken' ? [i.reason] : []));
  assert.match(reasons[0]!, /2 fields where the header has 3.*missing/);
  assert.match(reasons[1]!, /4 fields where the header has 3.*quotes/);
  assert.deepEqual(rows(items), [[4, 'c3', 'Cy', '3']]);
});

test('an empty file yields nothing and never calls for a header', async () => {
  const { header, items } = await read('');
  assert.equal(header, undefined);
  assert.deepEqual(items, []);
});

test('property: however the bytes are chunked (even inside a UTF-8 character), the rows are the same', async () => {
  const csv = Buffer.from('\uFEFFid,name,phone\r\nc1,"Müller, Jürgen",+49 30 1234567\r\nc2,"Bad,1\r\nc3,Иванов,8 495 123-45-67\r\n\r\nc4,a,b,c\r\n');
  const expected = await read(csv.toString());
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: csv.length }), { maxLength: 8 }), async (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let at = 0;
      for (const p of [...points, csv.length]) {
        if (p > at) chunks.push(csv.subarray(at, p));
        at = p;
      }
      const got = await read(chunks);
      assert.deepEqual(got.items, expected.items);
      assert.deepEqual(got.header, ['id', 'name', 'phone']);
    }),
    { numRuns: 100 },
  );
});

test('line numbers stay right after CRLF line breaks inside quoted values, and after an unclosed quote', async () => {
  const { items } = await read('id,name,notes\r\na,"Ann","1\r\nx\r\ny"\r\nb,Bob,2\r\nc,"Cy,3\r\nd,Di,4\r\n', [0, 1]);
  assert.deepEqual(rows(items), [
    [2, 'a', 'Ann', '1\r\nx\r\ny'],
    [5, 'b', 'Bob', '2'],
    [7, 'd', 'Di', '4'],
  ]);
  assert.deepEqual(broken(items), [[6, 'BAD_QUOTING']]);
});

test('the separator is the header line’s: commas, semicolons (Excel in much of Europe) or tabs, counted outside quotes', () => {
  assert.equal(sniffDelimiter('id,first_name,last_name\n'), ',');
  assert.equal(sniffDelimiter('\uFEFFid;first_name;last_name;phone_work\r\nc1;Ann;"Lee, Jr";1\r\n'), ';');
  assert.equal(sniffDelimiter('id\tname\tphone_office\n'), '\t');
  assert.equal(sniffDelimiter('"id;x","name;y",phone\n'), ',', 'semicolons inside quoted names do not count');
  assert.equal(sniffDelimiter('\n;;;\n\nid;name\n'), ';', 'blank and separator-only lines before the header are passed over');
  assert.equal(sniffDelimiter('id,name;phone_office\nx;y;z;w;v\n'), ',', 'the header decides, not the rows after it (a tie goes to the comma)');
  assert.equal(sniffDelimiter('login'), ',', 'one column: read with commas');
  assert.equal(sniffDelimiter(''), ',');
});

test('a semicolon-separated file: the header and every row split at semicolons, commas inside values kept', async () => {
  const { header, delimiter, items } = await read('\uFEFFid;name;phone\r\nc1;Smith, Ann;+7 495 123-45-67\r\nc2;"Bob; Jr";2\r\n');
  assert.equal(delimiter, ';');
  assert.deepEqual(header, ['id', 'name', 'phone']);
  assert.deepEqual(rows(items), [
    [2, 'c1', 'Smith, Ann', '+7 495 123-45-67'],
    [3, 'c2', 'Bob; Jr', '2'],
  ]);
});

test('a semicolon file with a quote never closed: the line-by-line re-read splits at semicolons too', async () => {
  const csv = ['id;name;phone', 'c1;Ann;1', 'c2;"Bob;2', 'c3;Cy;3', 'c4;Di, Jr;4'].join('\n');
  const { items } = await read(csv);
  assert.deepEqual(rows(items), [
    [2, 'c1', 'Ann', '1'],
    [4, 'c3', 'Cy', '3'],
    [5, 'c4', 'Di, Jr', '4'],
  ]);
  assert.deepEqual(broken(items), [[3, 'BAD_QUOTING']]);
});

test('tab-separated, and a header split across chunks, are read the same; a wrong count names the separator', async () => {
  const text = 'id\tname\tphone\nc1\tAnn\t1\nc2\tBob\t2\textra\n';
  const whole = await read(text);
  const split = await read([Buffer.from(text.slice(0, 3)), Buffer.from(text.slice(3, 9)), Buffer.from(text.slice(9))]);
  assert.equal(whole.delimiter, '\t');
  assert.deepEqual(split, whole);
  assert.deepEqual(rows(whole.items), [[2, 'c1', 'Ann', '1']]);
  const reason = whole.items.flatMap((i) => (i.kind === 'broken' ? [i.reason] : []))[0];
  assert.match(reason!, /a tab inside a value needs the value in quotes/);
});

test('a header the reader refuses closes the input instead of leaving it open', async () => {
  const input = Readable.from([Buffer.from('id;name\n'), Buffer.from('c1;Ann\n'.repeat(50_000))]);
  await assert.rejects(async () => {
    for await (const _ of readCsv(input, () => {
      throw new Error('refused');
    }));
  }, /refused/);
  await new Promise((r) => setImmediate(r));
  assert.ok(input.destroyed, 'the input is closed');
});
