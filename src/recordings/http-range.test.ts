import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decideRange, ifRangeMatches, noneMatch } from './http-range.ts';

const SIZE = 1000;

describe('HTTP Range decisions', () => {
  test('no header, an empty one, another unit: the whole file', () => {
    assert.deepEqual(decideRange(undefined, SIZE), { kind: 'full', why: 'no-range' });
    assert.deepEqual(decideRange('  ', SIZE), { kind: 'full', why: 'no-range' });
    assert.deepEqual(decideRange('items=0-5', SIZE), { kind: 'full', why: 'other-unit' });
  });

  test('first byte, last byte, an open range, a suffix', () => {
    assert.deepEqual(decideRange('bytes=0-0', SIZE), { kind: 'partial', start: 0, end: 0 });
    assert.deepEqual(decideRange('bytes=999-999', SIZE), { kind: 'partial', start: 999, end: 999 });
    assert.deepEqual(decideRange('bytes=0-', SIZE), { kind: 'partial', start: 0, end: 999 });
    assert.deepEqual(decideRange('bytes=500-', SIZE), { kind: 'partial', start: 500, end: 999 });
    assert.deepEqual(decideRange('bytes=-1', SIZE), { kind: 'partial', start: 999, end: 999 });
    assert.deepEqual(decideRange('bytes=-100', SIZE), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(decideRange('BYTES = 1-2', SIZE), { kind: 'partial', start: 1, end: 2 }, 'unit is case-insensitive, spaces allowed');
  });

  test('a range past the end is cut to the end; a suffix longer than the file is the whole file', () => {
    assert.deepEqual(decideRange('bytes=990-5000', SIZE), { kind: 'partial', start: 990, end: 999 });
    assert.deepEqual(decideRange('bytes=-5000', SIZE), { kind: 'partial', start: 0, end: 999 });
  });

  test('beyond the end, a zero suffix, an empty file: 416', () => {
    assert.deepEqual(decideRange('bytes=1000-', SIZE), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=1000-1000', SIZE), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=5000-6000', SIZE), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=-0', SIZE), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=0-', 0), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=2000-3000,4000-', SIZE), { kind: 'unsatisfiable' });
  });

  test('several ranges: merged when they touch or overlap, the whole file when they stay apart', () => {
    assert.deepEqual(decideRange('bytes=0-99,100-199', SIZE), { kind: 'partial', start: 0, end: 199 });
    assert.deepEqual(decideRange('bytes=50-150,0-99', SIZE), { kind: 'partial', start: 0, end: 150 });
    assert.deepEqual(decideRange('bytes=0-9,500-509', SIZE), { kind: 'full', why: 'several' });
    assert.deepEqual(decideRange('bytes=0-9,2000-3000', SIZE), { kind: 'partial', start: 0, end: 9 }, 'the unsatisfiable one is dropped');
    assert.deepEqual(decideRange('bytes=0-1,,', SIZE), { kind: 'partial', start: 0, end: 1 }, 'empty list elements are allowed');
    const many = `bytes=${Array.from({ length: 40 }, (_, i) => `${i}-${i}`).join(',')}`;
    assert.deepEqual(decideRange(many, SIZE), { kind: 'full', why: 'malformed' }, 'a flood of ranges is ignored');
  });

  test('malformed: ignored, the whole file', () => {
    for (const h of ['bytes', 'bytes=', 'bytes=-', 'bytes=abc', 'bytes=5-2', 'bytes=1-2-3', 'bytes=0x10-20', 'bytes=1.5-2', 'bytes= -', 'bytes=,', `bytes=0-${'9'.repeat(2000)}`, 'bytes=99999999999999999-']) {
      assert.equal(decideRange(h, SIZE).kind, 'full', h);
    }
  });

  test('property: a partial answer always lies inside the file, and a start inside it is never refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.nat(2e9), fc.option(fc.nat(2e9)), (size, first, last) => {
        const header = `bytes=${first}-${last === null ? '' : last}`;
        const d = decideRange(header, size);
        if (last !== null && last < first) return d.kind === 'full';
        if (first >= size) return d.kind === 'unsatisfiable';
        return d.kind === 'partial' && d.start === first && d.end === Math.min(last ?? Infinity, size - 1) && d.end < size;
      }),
    );
  });

  test('If-Range and If-None-Match', () => {
    assert.equal(ifRangeMatches(undefined, '"a"', ''), true);
    assert.equal(ifRangeMatches('"a"', '"a"', ''), true);
    assert.equal(ifRangeMatches('"b"', '"a"', ''), false);
    assert.equal(ifRangeMatches('W/"a"', '"a"', ''), false, 'a weak tag never matches for ranges');
    assert.equal(ifRangeMatches('Tue, 01 Dec 2026 00:00:00 GMT', '"a"', ''), false);
    assert.equal(noneMatch('"a"', '"a"'), true);
    assert.equal(noneMatch('"x", W/"a"', '"a"'), true);
    assert.equal(noneMatch('*', '"a"'), true);
    assert.equal(noneMatch('"b"', '"a"'), false);
    assert.equal(noneMatch(undefined, '"a"'), false);
  });
});
