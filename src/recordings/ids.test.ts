import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRecordingId, newRecordingId } from './ids.ts';

test('recording ids are well formed and never repeat, across refills of the random pool', () => {
  const seen = new Set<string>();
  // 256 ids per pool: 2,000 crosses seven refills.
  for (let i = 0; i < 2000; i++) {
    const id = newRecordingId();
    assert.ok(isRecordingId(id), id);
    assert.ok(!seen.has(id), `id ${id} came twice`);
    seen.add(id);
  }
});

test('ids carry 128 bits: the base64url text decodes to 16 bytes that are not all alike', () => {
  const bytes = Buffer.from(newRecordingId().slice('rec_'.length), 'base64url');
  assert.equal(bytes.length, 16);
  assert.ok(new Set(bytes).size > 4);
});

test('isRecordingId refuses paths, uniqueids and other shapes', () => {
  for (const text of ['', 'rec_', '1700000000.12', '../rec_AAAAAAAAAAAAAAAAAAAAAA', `rec_${'A'.repeat(23)}`, 42, null]) {
    assert.equal(isRecordingId(text), false, String(text));
  }
});
