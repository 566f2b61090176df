import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentLookups } from './recent-lookups.ts';

test('an entry is served at its write count and within its lifetime only', () => {
  let now = 0;
  const m = new RecentLookups<string>({ entries: 10, ttlMs: 100, now: () => now });
  m.set('k', 1, 'v');
  assert.equal(m.get('k', 1), 'v');
  assert.equal(m.get('k', 2), undefined, 'a write since: forgotten');
  assert.equal(m.get('k', 1), undefined, 'and gone for good');
  m.set('k', 2, 'w');
  now = 99;
  assert.equal(m.get('k', 2), 'w');
  now = 100;
  assert.equal(m.get('k', 2), undefined, 'too old');
  assert.equal(m.size, 0);
});

test('bounded: the least recently used entry leaves first', () => {
  const m = new RecentLookups<number>({ entries: 2, now: () => 0 });
  m.set('a', 0, 1);
  m.set('b', 0, 2);
  assert.equal(m.get('a', 0), 1, 'a is now the most recent');
  m.set('c', 0, 3);
  assert.equal(m.size, 2);
  assert.equal(m.get('b', 0), undefined);
  assert.equal(m.get('a', 0), 1);
  assert.equal(m.get('c', 0), 3);
  m.set('c', 0, 4);
  assert.equal(m.size, 2, 'setting a known key replaces it');
  assert.equal(m.get('c', 0), 4);
});

test('no entries: nothing is kept; defaults keep 1000', () => {
  const none = new RecentLookups<number>({ entries: 0 });
  none.set('a', 0, 1);
  assert.equal(none.get('a', 0), undefined);
  const m = new RecentLookups<number>({ now: () => 0 });
  for (let i = 0; i < 1500; i++) m.set(String(i), 0, i);
  assert.equal(m.size, 1000);
  assert.equal(m.get('499', 0), undefined);
  assert.equal(m.get('500', 0), 500);
});

test('forget removes an entry only while it holds that value', () => {
  const m = new RecentLookups<string>({ now: () => 0 });
  m.set('k', 0, 'old');
  m.set('k', 0, 'new');
  m.forget('k', 'old');
  assert.equal(m.get('k', 0), 'new');
  m.forget('k', 'new');
  assert.equal(m.get('k', 0), undefined);
});
