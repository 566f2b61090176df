import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addTo, merge, percentile, type Histogram } from './percentiles.ts';

const histogramOf = (values: number[]): Histogram => {
  const h: Histogram = new Map();
  for (const v of values) addTo(h, v, 1);
  return h;
};

test('nearest rank: a value that occurred; none without calls', () => {
  assert.equal(percentile(new Map(), 0.5), null);
  const h = histogramOf([3, 1, 2, 10, 4]);
  assert.equal(percentile(h, 0.5), 3);
  assert.equal(percentile(h, 0.9), 10);
  assert.equal(percentile(histogramOf([5, 9]), 0.5), 5);
  assert.equal(percentile(histogramOf([7]), 0.9), 7);
});

test('from a histogram as from the sorted values; merged histograms as the values together (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 300 })), fc.constantFrom(0.5, 0.9, 0.99), (a, b, p) => {
      const sorted = [...a, ...b].sort((x, y) => x - y);
      const h = histogramOf(a);
      merge(h, histogramOf(b));
      return percentile(h, p) === sorted[Math.ceil(p * sorted.length) - 1];
    }),
  );
});
