import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ServiceMetrics } from './service-metrics.ts';

function metricsWith(overrides: Partial<ConstructorParameters<typeof ServiceMetrics>[0]> = {}): ServiceMetrics {
  return new ServiceMetrics({
    pbxs: () => [
      { id: 'default', state: 'ready', reconnects: 3, lead: 'leading', cdr: { source: 'csv', warning: null, pendingGaps: 1, lastGap: null, filled: { gaps: 4, corrected: 20, rebuilt: 2 } } },
      { id: 'hamburg', state: 'waiting-to-reconnect', reconnects: 7, lead: 'standby', cdr: null },
    ],
    sseClients: () => 5,
    ...overrides,
  });
}

test('what is read at a scrape: each PBX (connected, leading, reconnects, gaps), SSE clients, one outbox query for both gauges, missed-call items and their CRM copies', async () => {
  let outboxQueries = 0;
  let mirrorQueries = 0;
  const m = metricsWith({
    outbox: async () => {
      outboxQueries++;
      return { depth: 12, oldestSeconds: 90 };
    },
    recordingCopies: async () => 4,
    missedItemsOpen: async () => 6,
    missedMirror: async () => {
      mirrorQueries++;
      return { pending: 2, failed: 1 };
    },
  });
  const text = await m.text();
  for (const line of [
    'crmt_ami_connected{pbx="default"} 1',
    'crmt_ami_connected{pbx="hamburg"} 0',
    'crmt_pbx_leading{pbx="hamburg"} 0',
    'crmt_ami_reconnects_total{pbx="hamburg"} 7',
    'crmt_pbx_gaps_filled_total{pbx="default"} 4',
    'crmt_cdr_backfill_calls_total{pbx="default",kind="corrected"} 20',
    'crmt_pbx_pending_gaps{pbx="default"} 1',
    'crmt_sse_clients 5',
    'crmt_crm_outbox_depth 12',
    'crmt_crm_outbox_oldest_seconds 90',
    'crmt_recording_copy_queue 4',
    'crmt_missed_items_open 6',
    'crmt_crm_missed_mirror_pending 2',
    'crmt_crm_missed_mirror_failed 1',
  ])
    assert.ok(text.includes(`\n${line}\n`), `${line} in\n${text.slice(0, 3000)}`);
  assert.equal(outboxQueries, 1, 'depth and age from one query');
  assert.equal(mirrorQueries, 1, "the mirror's two gauges from one query");
  await m.text();
  assert.equal(outboxQueries, 2, 'read again at the next scrape');
  assert.equal((await m.text()).match(/^crmt_ami_reconnects_total\{pbx="hamburg"\} 7$/gm)?.length, 1, 'a collected counter is not added up across scrapes');
});

test('the Grafana dashboard in docs/ only asks for metrics the service has', async () => {
  const all = metricsWith({ outbox: async () => ({ depth: 0, oldestSeconds: null }), recordingCopies: async () => 0, missedItemsOpen: async () => 0, missedMirror: async () => ({ pending: 0, failed: 0 }) });
  const names = new Set((await all.registry.getMetricsAsJSON()).map((x) => x.name));
  const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
  assert.ok(dashboard.panels.length >= 10);
  const asked = new Set<string>();
  for (const panel of dashboard.panels) for (const t of panel.targets) for (const [name] of t.expr.matchAll(/crmt_[a-z_]+/g)) asked.add(name.replace(/_(bucket|sum|count)$/, ''));
  for (const name of asked) assert.ok(names.has(name), `the dashboard asks for ${name}, which the service does not have`);
  for (const must of ['crmt_calls_total', 'crmt_pop_latency_seconds', 'crmt_ami_connected', 'crmt_crm_outbox_depth']) assert.ok(asked.has(must), `the dashboard shows ${must}`);
});
