import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLog } from '../logger.ts';
import type { ReportRequest } from './reports.ts';
import { RollupWarmer } from './rollup-warmer.ts';

const USERS = [
  { id: 'root', role: 'admin' as const, active: true, extensions: ['100'] },
  { id: 'alice', role: 'agent' as const, active: true, extensions: ['101', '201'] },
  { id: 'bob', role: 'agent' as const, active: false, extensions: ['102'] },
  { id: 'carol', role: 'agent' as const, active: true, extensions: [] },
];

function warmerAsking(asked: ReportRequest[], options: { firstAfterMs?: number; everyMs?: number; slowMs?: number } = {}): RollupWarmer {
  return new RollupWarmer({
    reports: {
      today: () => '2026-12-07',
      report: async (request) => {
        asked.push(request);
        if (options.slowMs) await new Promise((r) => setTimeout(r, options.slowMs));
        return {} as never;
      },
    },
    users: async () => USERS,
    log: silentLog,
    ...options,
  });
}

test('a pass builds the last 13 months up to yesterday: the company, then each active agent with a phone, one at a time', async () => {
  const asked: ReportRequest[] = [];
  await warmerAsking(asked).warm();
  assert.deepEqual(
    asked.map((r) => [r.from, r.to, r.group, r.viewer.role, r.viewer.extensions]),
    [
      ['2025-11-06', '2026-12-06', 'month', 'admin', []],
      ['2025-11-06', '2026-12-06', 'month', 'agent', ['101', '201']],
    ],
  );
});

test('started, it passes after the first delay and again at its interval; stopped, it asks nothing more', async () => {
  const asked: ReportRequest[] = [];
  const warmer = warmerAsking(asked, { firstAfterMs: 20, everyMs: 30 });
  warmer.start();
  assert.equal(asked.length, 0, 'nothing at once: the service starts first');
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(warmer.passes >= 2, `passes: ${warmer.passes}`);
  await warmer.stop();
  const after = asked.length;
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(asked.length, after);
});

test('stop waits for the report being built and skips the scopes after it', async () => {
  const asked: ReportRequest[] = [];
  const warmer = warmerAsking(asked, { firstAfterMs: 0, slowMs: 60 });
  warmer.start();
  await new Promise((r) => setTimeout(r, 20));
  await warmer.stop();
  assert.equal(asked.length, 1, 'the company report finished; the agent\'s was not started');
  assert.equal(warmer.passes, 0);
});
