/**
 * Reports over a year of calls (issue 17, part 3): goal, the year's report under 1 s on PostgreSQL.
 *
 * Seeds BENCH_REPORT_CALLS calls (default 2,000,000: a year, 50 agents, six lines, four queues, a
 * realistic mix; `reports/history.ts`) into a fresh PostgreSQL schema (and a SQLite file, unless
 * BENCH_REPORT_ENGINES says otherwise), each row as the call log writes it (`callRowParams`), with
 * their `call_extensions` rows, then VACUUM ANALYZE (what autovacuum does after a bulk load; the
 * index-only scan needs the visibility map). Then times, several runs each:
 *
 * - the whole report (`Reports.report`: every table, as GET /api/reports answers) for the year by
 *   month and by day, for the last week by day, and one agent's own year;
 * - each of its queries alone (the grouped read, the agents' missed calls, the open items by age);
 * - the baseline: the same grouped read from `record_json` (no report columns, no covering index;
 *   PostgreSQL's AT TIME ZONE for the local day), `reports/baseline.ts`.
 *
 *   npx tsx bench/reports.ts                              both engines, 2,000,000 calls
 *   BENCH_REPORT_CALLS=100000 BENCH_REPORT_ENGINES=postgres npx tsx bench/reports.ts
 *
 * Writes bench/results/reports.md and .json. The store is dropped afterwards.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { openStore, type Engine, type Store } from '../src/store/store.ts';
import { Directory } from '../src/directory/directory.ts';
import { CALL_COLUMNS } from '../src/store/call-log-writer.ts';
import { callRowParams, extensionRows } from '../src/store/call-log-plan.ts';
import { Reports } from '../src/reports/reports.ts';
import { reportWindow } from '../src/reports/periods.ts';
import { aggregateRows, openMissedByAge, rangMissed } from '../src/reports/report-sql.ts';
import { missedAgeBounds } from '../src/reports/report-model.ts';
import { AGENTS, history } from './reports/history.ts';
import { baselineReport } from './reports/baseline.ts';
import { machineLine, table } from './service-bench/machine.ts';

const RESULTS_DIR = new URL('./results/', import.meta.url);
const ZONE = 'Europe/Berlin';
const YEAR = { from: '2025-12-01', to: '2026-11-30' };
const WEEK = { from: '2026-11-23', to: '2026-11-29' };
const GOAL_MS = 1000;

interface Timing {
  engine: Engine;
  what: string;
  runs: number;
  p50: number;
  p95: number;
  /** The baseline's p50 over ours, where there is one. */
  ratio?: number;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (v: number): string => (v >= 100 ? `${int(v)} ms` : `${v.toFixed(1)} ms`);

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)]!;
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; runs: number }> {
  const took: number[] = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    await fn();
    took.push(performance.now() - began);
  }
  return { p50: percentile(took, 0.5), p95: percentile(took, 0.95), runs };
}

function progress(label: string, done: number, total: number, began: number): void {
  const s = (performance.now() - began) / 1000;
  process.stderr.write(`\r${label}: ${int(done)} / ${int(total)} (${s.toFixed(0)} s, ${int(done / Math.max(s, 0.001))}/s)   `);
  if (done >= total) process.stderr.write('\n');
}

/** The calls' columns as the writer's, and `called_back_at` (the missed-items code writes it later). */
const COLUMNS = [...CALL_COLUMNS, 'called_back_at'] as const;
const PG_TYPES: Record<string, string> = { started_epoch: 'bigint', ring_seconds: 'integer', talk_seconds: 'integer' };

async function seed(store: Store, count: number): Promise<{ seconds: number }> {
  const began = performance.now();
  // Each call last written as it ended, as the call log writes it (a seeding stamped "now" would
  // look to the rollup like two million calls just corrected).
  const updatedAt = (record: { endedAt: string | null; startedAt: string | null }): string => record.endedAt ?? record.startedAt ?? new Date().toISOString();
  let done = 0;
  const directory = new Directory(store, { defaultRegion: 'US' });
  for (const [i, ext] of AGENTS.entries()) await directory.upsertUser({ login: `agent${i + 1}`, name: `Agent ${i + 1}`, extensions: [ext] });
  const native = store.native;
  if (native.engine === 'postgres') {
    // A bulk load builds the secondary indexes once at the end (minutes faster than row by row):
    // their definitions are read from the catalogue, dropped, and made again as they were.
    const indexes = await native.pool.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename in ('calls', 'call_extensions') and indexname not like '%pkey' and indexname not like '%_pk'`,
    );
    for (const i of indexes.rows) await native.pool.query(`drop index ${i.indexname}`);
    // One statement per batch: each column as one array parameter, unnest() makes the rows.
    const callsText = `insert into calls (${COLUMNS.join(', ')}) select * from unnest(${COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`).join(', ')})`;
    const extText = 'insert into call_extensions (call_id, extension, role) select * from unnest($1::text[], $2::text[], $3::text[])';
    for (const batch of history(count, YEAR.from, YEAR.to, ZONE)) {
      const columns: unknown[][] = COLUMNS.map(() => []);
      const ext: string[][] = [[], [], []];
      for (const { record, calledBackAt } of batch) {
        const row = [...callRowParams(record, updatedAt(record)), calledBackAt];
        row.forEach((v, i) => columns[i]!.push(v));
        for (const [e, role] of extensionRows(record).values()) {
          ext[0]!.push(record.id);
          ext[1]!.push(e);
          ext[2]!.push(role);
        }
      }
      await native.pool.query(callsText, columns);
      await native.pool.query(extText, ext);
      done += batch.length;
      progress('PostgreSQL: seeding calls', done, count, began);
    }
    process.stderr.write(`PostgreSQL: making the ${indexes.rows.length} indexes again…\n`);
    for (const i of indexes.rows) await native.pool.query(i.indexdef);
    process.stderr.write('PostgreSQL: VACUUM ANALYZE…\n');
    await native.pool.query('vacuum analyze calls');
    await native.pool.query('vacuum analyze call_extensions');
  } else {
    const db = native.db;
    const indexes = db.prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name in ('calls', 'call_extensions') and sql is not null`).all() as { name: string; sql: string }[];
    for (const i of indexes) db.exec(`drop index ${i.name}`);
    const insertCall = db.prepare(`insert into calls (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`);
    const insertExt = db.prepare('insert into call_extensions (call_id, extension, role) values (?, ?, ?)');
    const write = db.transaction((batch: ReturnType<typeof history> extends Generator<infer B> ? B : never) => {
      for (const { record, calledBackAt } of batch) {
        insertCall.run(...callRowParams(record, updatedAt(record)), calledBackAt);
        for (const [e, role] of extensionRows(record).values()) insertExt.run(record.id, e, role);
      }
    });
    for (const batch of history(count, YEAR.from, YEAR.to, ZONE)) {
      write(batch);
      done += batch.length;
      progress('SQLite: seeding calls', done, count, began);
    }
    process.stderr.write(`SQLite: making the ${indexes.length} indexes again…\n`);
    for (const i of indexes) db.exec(i.sql);
    db.exec('analyze');
  }
  // Open missed items, about a week's worth, spread over the last ten days.
  const users = await directory.listUsers();
  const now = Date.parse(`${YEAR.to}T18:00:00Z`);
  const items = Array.from({ length: 600 }, (_, i) => {
    const t = new Date(now - ((i * 7919) % (10 * 86_400)) * 1000).toISOString();
    return { id: `item-${i}`, pbx: 'bench', number: `+1555${String(2_000_000 + i)}`, status: 'open' as const, owner_id: users[i % users.length]!.id, owner_reason: 'responsible' as const, level: 0, miss_count: 1, first_call_id: `c${i}`, last_call_id: `c${i}`, first_missed_at: t, last_missed_at: t, version: 1, created_at: t, updated_at: t };
  });
  await store.db.insertInto('missed_items').values(items).execute();
  return { seconds: (performance.now() - began) / 1000 };
}

async function measure(engine: Engine, store: Store, count: number): Promise<{ timings: Timing[]; checks: string[] }> {
  const directory = new Directory(store, { defaultRegion: 'US' });
  const now = new Date(`${YEAR.to}T18:00:00Z`);
  const options = { users: () => directory.listUsers(), timeZone: ZONE, now: () => now };
  // Today's code path before the rollup (every call of the range read each time), and the rollup's.
  const reports = new Reports(store, { ...options, rollup: false });
  const rolled = new Reports(store, options);
  const admin = { id: 'admin', role: 'admin' as const, extensions: [] };
  const busiest = (await directory.userByExtension(AGENTS[0]!))!;
  const agent = { id: busiest.id, role: 'agent' as const, extensions: busiest.extensions };
  const year = reportWindow(YEAR.from, YEAR.to, ZONE);
  const week = reportWindow(WEEK.from, WEEK.to, ZONE);
  const runs = (n: number): number => (count >= 1_000_000 ? n : n * 2);
  const timings: Timing[] = [];
  const checks: string[] = [];
  const add = (what: string, t: { p50: number; p95: number; runs: number }, ratio?: number): void => {
    timings.push({ engine, what, ...t, ...(ratio !== undefined ? { ratio } : {}) });
    process.stderr.write(`${engine}: ${what}: p50 ${ms(t.p50)}, p95 ${ms(t.p95)}${ratio !== undefined ? `, ${ratio.toFixed(1)}×` : ''}\n`);
  };
  // One run first: the caches warm as they would on a running service.
  const first = await reports.report({ ...YEAR, group: 'month', viewer: admin });
  checks.push(`${engine}: the year's report counts ${int(first.totals.calls)} calls of ${int(count)} seeded; ${first.agents.length} agents, ${first.lines.length} lines, ${first.queues.length} queues`);

  const liveYear = await timed(runs(5), () => reports.report({ ...YEAR, group: 'month', viewer: admin }));
  add('live: year, whole report, by month', liveYear);
  const liveYearDay = await timed(runs(5), () => reports.report({ ...YEAR, group: 'day', viewer: admin }));
  add('live: year, whole report, by day', liveYearDay);
  const ours = await timed(runs(5), () => aggregateRows(store, year, null));
  add('live: year, grouped read (periods, lines, queues, agents)', ours);
  add('live: year, agents\' missed calls (call_extensions)', await timed(runs(5), () => rangMissed(store, year, null)));
  add('open missed items by age', await timed(runs(5), () => openMissedByAge(store, missedAgeBounds(now).map((b) => b.sinceIso), null)));
  const liveAgent = await timed(runs(5), () => reports.report({ ...YEAR, group: 'month', viewer: agent }));
  add('live: year, one agent\'s own whole report', liveAgent);
  const liveWeek = await timed(runs(10), () => reports.report({ ...WEEK, group: 'day', viewer: admin }));
  add('live: week, whole report, by day', liveWeek);
  const weekOurs = await timed(runs(10), () => aggregateRows(store, week, null));
  add('live: week, grouped read', weekOurs);

  // The rollup, from nothing (a schema kept between runs may hold an earlier run's).
  for (const t of ['report_rollup', 'report_rollup_days', 'report_rollup_state'] as const) await store.db.deleteFrom(t).execute();
  add('rollup: building the year (the first report: 364 days read and kept, today live)', await timed(1, () => rolled.report({ ...YEAR, group: 'month', viewer: admin })));
  add('rollup: building one agent\'s own year (their first report)', await timed(1, () => rolled.report({ ...YEAR, group: 'month', viewer: agent })));
  const same = (a: unknown, b: unknown): string => (isDeepStrictEqual(a, b) ? 'the same' : 'DIFFERENT');
  checks.push(
    `${engine}: the rollup's answers and the live ones: year by month ${same(await rolled.report({ ...YEAR, group: 'month', viewer: admin }), await reports.report({ ...YEAR, group: 'month', viewer: admin }))}, by day ${same(await rolled.report({ ...YEAR, group: 'day', viewer: admin }), await reports.report({ ...YEAR, group: 'day', viewer: admin }))}, the agent's year ${same(await rolled.report({ ...YEAR, group: 'month', viewer: agent }), await reports.report({ ...YEAR, group: 'month', viewer: agent }))}`,
  );
  const rolledYear = await timed(runs(5), () => rolled.report({ ...YEAR, group: 'month', viewer: admin }));
  add('rollup: year, whole report, by month', rolledYear, liveYear.p50 / rolledYear.p50);
  const rolledYearDay = await timed(runs(5), () => rolled.report({ ...YEAR, group: 'day', viewer: admin }));
  add('rollup: year, whole report, by day', rolledYearDay, liveYearDay.p50 / rolledYearDay.p50);
  const rolledAgent = await timed(runs(5), () => rolled.report({ ...YEAR, group: 'month', viewer: agent }));
  add('rollup: year, one agent\'s own whole report', rolledAgent, liveAgent.p50 / rolledAgent.p50);
  const rolledWeek = await timed(runs(10), () => rolled.report({ ...WEEK, group: 'day', viewer: admin }));
  add('rollup: week, whole report, by day', rolledWeek, liveWeek.p50 / rolledWeek.p50);
  // A past day's call written again before each run (a late CDR, a callback marked): that day is
  // found by the watermark, dropped, read live and kept again within the report.
  const changed = reportWindow('2026-11-15', '2026-11-15', ZONE);
  const ids = (await sql<{ id: string }>`select id from calls where started_at >= ${changed.fromIso} and started_at < ${changed.toIso} and status = 'ended' limit 20`.execute(store.db)).rows.map((r) => r.id);
  let k = 0;
  const refreshed = await timed(runs(5), async () => {
    await sql`update calls set talk_seconds = coalesce(talk_seconds, 0) + 1, updated_at = ${new Date().toISOString()} where id = ${ids[k++ % ids.length]!}`.execute(store.db);
    return rolled.report({ ...YEAR, group: 'month', viewer: admin });
  });
  add('rollup: year, whole report, a past day\'s call changed before each run (that day read again)', refreshed, liveYear.p50 / refreshed.p50);
  checks.push(`${engine}: after those changes, the rollup's year and the live one: ${same(await rolled.report({ ...YEAR, group: 'month', viewer: admin }), await reports.report({ ...YEAR, group: 'month', viewer: admin }))}`);
  const kept = await sql<{ days: number | string; rows: number | string }>`select (select count(*) from report_rollup_days) as days, (select count(*) from report_rollup) as rows`.execute(store.db);
  const size = store.native.engine === 'postgres' ? `, ${int(Number((await sql<{ b: string }>`select pg_total_relation_size('report_rollup') + pg_total_relation_size('report_rollup_days') as b`.execute(store.db)).rows[0]!.b) / 1_048_576)} MB with indexes` : '';
  checks.push(`${engine}: the rollup holds ${int(Number(kept.rows[0]!.days))} days (the company's and the agent's) in ${int(Number(kept.rows[0]!.rows))} rows${size}`);

  if (process.env['BENCH_REPORT_BASELINE'] !== '0') {
    const baselineTotal = await baselineReport(store, year, ZONE);
    const oursTotal = (await aggregateRows(store, year, null)).reduce((s, r) => s + r.calls, 0);
    checks.push(`${engine}: the baseline's grouped read counts ${int(baselineTotal)} (4 tables × calls), ours ${int(oursTotal)}: ${baselineTotal === oursTotal ? 'the same' : 'DIFFERENT'}`);
    const base = await timed(3, () => baselineReport(store, year, ZONE));
    add('baseline: year, grouped read from record_json', base, base.p50 / ours.p50);
    const baseWeek = await timed(runs(5), () => baselineReport(store, week, ZONE));
    add('baseline: week, grouped read from record_json', baseWeek, baseWeek.p50 / weekOurs.p50);
  }

  if (store.native.engine === 'postgres') {
    const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) select count(*) from calls where started_at >= ${year.fromIso} and started_at < ${year.toIso} and status = 'ended'`.execute(store.db);
    const scan = plan.rows.map((r) => r['QUERY PLAN']).find((l) => /Scan/.test(l)) ?? '';
    checks.push(`postgres: the range is read by: ${scan.trim().replace(/\s+\(cost.*$/, '')}`);
  }
  return { timings, checks };
}

interface PreviousRun {
  count: number;
  machine: string;
  date?: string;
  timings: Timing[];
  checks: string[];
  seeded: string[];
}

function readPrevious(url: URL): PreviousRun | null {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as PreviousRun;
  } catch {
    return null;
  }
}

export async function runReportsBench(options: { resultsDir?: URL } = {}): Promise<string> {
  const count = Number(process.env['BENCH_REPORT_CALLS'] ?? 2_000_000);
  const engines = (process.env['BENCH_REPORT_ENGINES'] ?? 'postgres,sqlite').split(',').map((e) => e.trim()) as Engine[];
  const url = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const machine = machineLine();
  const began = performance.now();
  const timings: Timing[] = [];
  const checks: string[] = [];
  const seeded: string[] = [];
  for (const engine of engines) {
    let store: Store;
    let cleanup: () => Promise<void>;
    let reuse = false;
    if (engine === 'postgres') {
      // BENCH_REPORT_SCHEMA: a schema kept between runs (seeded once, never dropped): for trying changes.
      const kept = process.env['BENCH_REPORT_SCHEMA'];
      const schema = kept ?? `bench_reports_${randomBytes(4).toString('hex')}`;
      store = await openStore({ url, schema });
      reuse = kept !== undefined && Number((await sql<{ n: string }>`select count(*) as n from calls`.execute(store.db)).rows[0]!.n) === count;
      cleanup = async () => {
        await store.close();
        if (kept !== undefined) return;
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      };
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'crmt-bench-reports-'));
      store = await openStore({ url: join(dir, 'reports.sqlite') });
      cleanup = async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      };
    }
    try {
      if (reuse) seeded.push(`${engine}: ${int(count)} calls already in schema ${process.env['BENCH_REPORT_SCHEMA']}`);
      else {
        const s = await seed(store, count);
        seeded.push(`${engine}: ${int(count)} calls seeded in ${s.seconds.toFixed(0)} s`);
      }
      const m = await measure(engine, store, count);
      timings.push(...m.timings);
      checks.push(...m.checks);
    } finally {
      await cleanup();
    }
  }
  // One engine at a time (BENCH_REPORT_ENGINES): the other engine's figures are kept from the last
  // run's JSON, said so, so that the report keeps both side by side.
  const dir = options.resultsDir ?? RESULTS_DIR;
  const previous = readPrevious(new URL('reports.json', dir));
  if (previous !== null && previous.count === count) {
    for (const engine of ['postgres', 'sqlite'] as const) {
      if (engines.includes(engine)) continue;
      const kept = previous.timings.filter((t) => t.engine === engine);
      if (kept.length === 0) continue;
      timings.push(...kept);
      checks.push(...previous.checks.filter((c) => c.startsWith(`${engine}:`)));
      seeded.push(...previous.seeded.filter((c) => c.startsWith(`${engine}:`)).map((c) => `${c} (an earlier run, ${previous.date ?? 'date unknown'}: ${previous.machine})`));
    }
  }
  const goal = timings.find((t) => t.engine === 'postgres' && t.what === 'rollup: year, whole report, by month');
  const liveGoal = timings.find((t) => t.engine === 'postgres' && t.what === 'live: year, whole report, by month');
  const pair = (engine: string, what: string): string[] | null => {
    const live = timings.find((t) => t.engine === engine && t.what === `live: ${what}`);
    const rolledUp = timings.find((t) => t.engine === engine && t.what === `rollup: ${what}`);
    if (live === undefined || rolledUp === undefined) return null;
    return [engine, what, ms(live.p50), ms(live.p95), ms(rolledUp.p50), ms(rolledUp.p95), `${(live.p50 / rolledUp.p50).toFixed(1)}×`];
  };
  const sideBySide = ['postgres', 'sqlite'].flatMap((e) => ['year, whole report, by month', 'year, whole report, by day', "year, one agent's own whole report", 'week, whole report, by day'].map((w) => pair(e, w))).filter((r): r is string[] => r !== null);
  const md = [
    '## Reports over a year of calls',
    '',
    `${int(count)} calls over a year (${YEAR.from} to ${YEAR.to}, ${ZONE}): 50 agents, 6 lines, 4 queues; ~62% incoming (82% answered, 9% missed, 6% abandoned), 33% outgoing, 5% internal; most missed calls called back. Machine: ${machine}; ${loadavg()[0]!.toFixed(2)} at the end. Whole benchmark: ${((performance.now() - began) / 60_000).toFixed(1)} min. How it is measured: bench/reports.ts, bench/README.md.`,
    '',
    `### Goal: the year's whole report under ${GOAL_MS} ms on PostgreSQL`,
    '',
    goal
      ? `- PostgreSQL, the year's whole report (every table, as GET /api/reports answers) from the per-day rollup: p50 ${ms(goal.p50)}, p95 ${ms(goal.p95)}: **${goal.p95 < GOAL_MS ? 'met' : 'missed'}**${liveGoal ? ` (read live, every call: p50 ${ms(liveGoal.p50)}, p95 ${ms(liveGoal.p95)})` : ''}.`
      : '- PostgreSQL was not measured in this run.',
    '',
    '### Live and from the rollup, side by side',
    '',
    table(['engine', 'report', 'live p50', 'live p95', 'rollup p50', 'rollup p95', 'live ÷ rollup (p50)'], sideBySide),
    '',
    '### Every measurement',
    '',
    table(
      ['engine', 'what', 'runs', 'p50', 'p95', 'live ÷ rollup, baseline ÷ live (p50)'],
      timings.map((t) => [t.engine, t.what, String(t.runs), ms(t.p50), ms(t.p95), t.ratio !== undefined ? `${t.ratio.toFixed(1)}×` : '']),
    ),
    '',
    "Live (`Reports` with `rollup: false`, the code path before the rollup): the report columns and `calls_report` (an index-only scan on PostgreSQL), the local day by integer arithmetic on `started_epoch`, two groupings (by day; by line, queue and agent together) keyed by a packed integer, one pass with GROUPING SETS on PostgreSQL in two concurrent halves. Rollup (the default, `src/reports/report-rollup.ts`): the days that are over read from `report_rollup` (per day: the day, each line, queue and agent, each extension's missed calls, with time-to-answer histograms), today read live; before each report the calls written since the watermark on `calls.updated_at` are looked for (the refresh). Its build: the first report over days not rolled up reads them live, day by day, and keeps them (once; an agent's own days the first time they ask). Baseline (`bench/reports/baseline.ts`): the same figures grouped once per table, computed from `record_json` as they had to be before migration 0014. Other work may share the machine during the runs: the load average at the start and the end says how much.",
    '',
    ...(timings.some((t) => t.what.startsWith('baseline')) ? [] : ['The baseline was not run this time (`BENCH_REPORT_BASELINE=0`): it was last measured in commit 1367e6c (the year from `record_json`: 80.8 s on PostgreSQL, 154 s on SQLite).', '']),
    ...seeded.map((s) => `- ${s}`),
    ...checks.map((c) => `- ${c}`),
    '',
  ].join('\n');
  mkdirSync(fileURLToPath(dir), { recursive: true });
  writeFileSync(new URL('reports.md', dir), md);
  writeFileSync(new URL('reports.json', dir), `${JSON.stringify({ count, zone: ZONE, machine, date: new Date().toISOString(), timings, checks, seeded }, null, 2)}\n`);
  return md;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await runReportsBench());
}
