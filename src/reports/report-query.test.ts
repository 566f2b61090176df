import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readReportQuery } from './report-query.ts';
import { tableRows, toCsv, csvFileName } from './report-csv.ts';
import type { Report } from './report-model.ts';

const TODAY = '2026-11-25';

test('defaults: the week up to today, by day; to alone gives the week up to it', () => {
  assert.deepEqual(readReportQuery({}, TODAY), { ok: true, query: { from: '2026-11-19', to: '2026-11-25', group: 'day' } });
  assert.deepEqual(readReportQuery({ to: '2026-11-10', group: 'week' }, TODAY), { ok: true, query: { from: '2026-11-04', to: '2026-11-10', group: 'week' } });
});

test('each wrong parameter is named with what it takes', () => {
  const problem = (q: Record<string, unknown>) => {
    const r = readReportQuery(q, TODAY);
    return r.ok ? null : r.problem;
  };
  assert.deepEqual(problem({ from: '2026-02-30' }), { key: 'server.reports.badDate', values: { name: 'from', got: '2026-02-30' } });
  assert.deepEqual(problem({ to: 'yesterday' }), { key: 'server.reports.badDate', values: { name: 'to', got: 'yesterday' } });
  assert.deepEqual(problem({ group: 'year' }), { key: 'server.reports.badGroup', values: { got: 'year' } });
  assert.deepEqual(problem({ from: ['2026-11-01', '2026-11-02'] }), { key: 'server.reports.repeated', values: { name: 'from' } });
  assert.deepEqual(problem({ from: '2026-11-26', to: '2026-11-25' }), { key: 'server.reports.badOrder', values: { from: '2026-11-26', to: '2026-11-25' } });
  assert.deepEqual(problem({ from: '2025-11-24', to: '2026-11-25' }), { key: 'server.reports.tooLong', values: { from: '2025-11-24', to: '2026-11-25', days: 367, max: 366 } });
  assert.equal(problem({ from: '2025-11-25', to: '2026-11-25' }), null, 'a leap year\'s 366 days pass');
});

test('CSV: a byte-order mark, CRLF, quoting, and text that spreadsheets would take for a formula written as text', () => {
  const metrics = { calls: 2, inbound: 2, outbound: 0, internal: 0, answered: 1, missed: 1, abandoned: 0, answeredRate: 0.5, missedRate: 0.5, abandonedRate: 0, answerP50: 4, answerP90: 4, talked: 1, talkSeconds: 60, talkAverage: 60, calledBack15m: 0, calledBack1h: 1, calledBackSameDay: 1 };
  const report = { from: '2026-11-23', to: '2026-11-29', queues: [{ queue: '=HYPERLINK("x")', ...metrics }, { queue: null, ...metrics }] } as unknown as Report;
  const csv = toCsv(tableRows(report, 'queues', (key) => key.split('.').at(-1)!));
  assert.ok(csv.startsWith('\uFEFFqueue,calls,inbound,'));
  const lines = csv.slice(1).split('\r\n');
  assert.equal(lines[1], `"'=HYPERLINK(""x"")",2,2,0,0,1,1,0,50,50,0,4,4,1,60,60,0,1,1`);
  assert.equal(lines[2], 'noQueue,2,2,0,0,1,1,0,50,50,0,4,4,1,60,60,0,1,1');
  assert.equal(lines[3], '');
  assert.equal(csvFileName(report, 'queues'), 'calls-queues-2026-11-23-2026-11-29.csv');
});
