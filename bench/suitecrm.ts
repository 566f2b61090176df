/**
 * SuiteCRM: how fast the directory sync and the call outbox run against a SuiteCRM that answers
 * every request 20 ms late (the fake, in its own process, with 100k generated contacts and 10k
 * accounts), on SQLite (a file) and PostgreSQL (a fresh schema):
 *   - full sync throughput: the first full sync into an empty store (records/s), then the same
 *     sync again over a full store (what the periodic reconcile costs);
 *   - lag from an edit in SuiteCRM to the index: the scheduler runs at its default interval; each
 *     edit lands at a random moment of it; the lag runs until `findByPhone` finds the new number;
 *   - calls logged per second through the outbox (create + links, 4 at a time), and what
 *     `enqueue` costs the call path.
 *
 * Run alone with `npx tsx bench/suitecrm.ts`, or with every benchmark by `npm run bench`.
 * Environment (all optional):
 *   BENCH_SUITECRM_CONTACTS    contacts in the fake (default 100000)
 *   BENCH_SUITECRM_LATENCY_MS  delay of every answer (default 20)
 *   BENCH_SUITECRM_ENGINES     sqlite,postgres (default both)
 *   BENCH_SUITECRM_EDITS       edits timed for the lag (default 8)
 *   BENCH_SUITECRM_CALLS       calls through the outbox (default 500)
 *   BENCH_DATABASE_URL         PostgreSQL server; default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test
 * For a quick try: BENCH_SUITECRM_CONTACTS=10000 BENCH_SUITECRM_ENGINES=sqlite npx tsx bench/suitecrm.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Directory } from '../src/directory/directory.ts';
import { findByPhone } from '../src/directory/lookup.ts';
import { DEFAULT_PHONE_FIELDS, SUITECRM_MODULES, type SuiteCrmSettings } from '../src/crm/config.ts';
import { SuiteCrm } from '../src/crm/suitecrm/suitecrm-crm.ts';
import { SuiteCrmSync } from '../src/crm/suitecrm/suitecrm-sync.ts';
import { createCallLogger } from '../src/crm/outbox/call-logger.ts';
import type { CallMatch, LoggableCallRecord } from '../src/crm/outbox/call-entry.ts';
import { openStore, type Store } from '../src/store/store.ts';
import type { SyncReport } from '../src/crm/crm-port.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_USER_PASSWORD } from '../test/fakes/fake-suitecrm.ts';
import type { FakeServerCommand, FakeServerReply } from './suitecrm-fake-server.ts';

type Engine = 'sqlite' | 'postgres';

export interface SuiteCrmBenchOptions {
  contacts?: number;
  latencyMs?: number;
  engines?: Engine[];
  edits?: number;
  calls?: number;
  resultsDir?: URL;
}

interface SyncFigures {
  records: number;
  seconds: number;
  /** CPU time of this process (the sync, not the fake) during the run. */
  cpuSeconds: number;
  recordsPerSecond: number;
  requests: number;
  megabytes: number;
}

export interface EngineResult {
  engine: Engine;
  contacts: number;
  accounts: number;
  firstFullSync: SyncFigures;
  repeatFullSync: SyncFigures;
  incrementalSyncMs: { p50: number; max: number; runs: number };
  lagMs: { p50: number; p90: number; max: number; samples: number[] };
  outbox: { calls: number; seconds: number; callsPerSecond: number; requests: number; duplicates: number; enqueueMicros: { p50: number; p99: number } };
}

const RESULTS_DIR = new URL('./results/', import.meta.url);
const FAKE_SERVER = new URL('./suitecrm-fake-server.ts', import.meta.url);
const SYNC_INTERVAL_MS = 5000; // SUITECRM_SYNC_INTERVAL_MS's default
const PAGE_SIZE = 200; // SUITECRM_PAGE_SIZE's default

/** The fake SuiteCRM in its own process. */
class FakeProcess {
  readonly #child: ChildProcess;
  readonly #waiting: ((m: FakeServerReply) => void)[] = [];
  url = '';
  contactIds: string[] = [];
  accounts = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: FakeServerReply) => {
      if (m.type === 'error') process.stderr.write(`fake SuiteCRM: ${m.message}\n`);
      this.#waiting.shift()?.(m);
    });
  }

  static async start(contacts: number, latencyMs: number): Promise<FakeProcess> {
    const child = fork(fileURLToPath(FAKE_SERVER), [], { stdio: ['ignore', 2, 2, 'ipc'], execArgv: process.execArgv });
    const p = new FakeProcess(child);
    const started = await p.#ask({ type: 'start', contacts, latencyMs });
    if (started.type !== 'started') throw new Error('the fake SuiteCRM did not start');
    p.url = started.url;
    p.contactIds = started.contactIds;
    p.accounts = started.accounts;
    return p;
  }

  #ask(cmd: FakeServerCommand): Promise<FakeServerReply> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#child.send(cmd);
    });
  }

  async edit(module: string, id: string, attrs: Record<string, unknown>): Promise<void> {
    await this.#ask({ type: 'edit', module, id, attrs, seq: 0 });
  }

  async stats(): Promise<{ requests: number; bytes: number }> {
    const s = await this.#ask({ type: 'stats' });
    return s.type === 'stats' ? s : { requests: 0, bytes: 0 };
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()));
    this.#child.send({ type: 'stop' } satisfies FakeServerCommand);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.#child.kill('SIGKILL');
  }
}

async function openBenchStore(engine: Engine, postgresUrl: string): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-suitecrm-'));
    const store = await openStore({ url: join(dir, 'crm.sqlite') });
    return { store, dispose: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const schema = `bench_suitecrm_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ url: postgresUrl, schema });
  return {
    store,
    dispose: async () => {
      await store.close();
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    },
  };
}

function settings(url: string): SuiteCrmSettings {
  return {
    url,
    clientId: FAKE_CLIENT_ID,
    clientSecret: FAKE_CLIENT_SECRET,
    legacy: { username: 'admin', password: FAKE_USER_PASSWORD },
    extensionField: 'asterisk_ext_c',
    syncIntervalMs: SYNC_INTERVAL_MS,
    overlapMs: 120_000,
    reconcileIntervalMs: 0,
    modules: SUITECRM_MODULES,
    phoneFields: DEFAULT_PHONE_FIELDS,
    pageSize: PAGE_SIZE,
    timeoutMs: 30_000,
    ui: '7',
    logCalls: true,
    recordingLink: 'https://tel.example.com/api/calls/{callId}/recording',
    region: 'RU',
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const log = (engine: Engine, line: string): void => void process.stderr.write(`[suitecrm ${engine}] ${line}\n`);

async function timedSync(fake: FakeProcess, run: () => Promise<SyncReport>): Promise<SyncFigures> {
  const before = await fake.stats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = await fake.stats();
  const records = Object.values(report.modules).reduce((n, m) => n + m.listed, 0);
  return { records, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, recordsPerSecond: records / seconds, requests: after.requests - before.requests, megabytes: (after.bytes - before.bytes) / 1e6 };
}

async function runEngine(engine: Engine, o: Required<Omit<SuiteCrmBenchOptions, 'engines' | 'resultsDir'>>, postgresUrl: string): Promise<EngineResult> {
  log(engine, `starting the fake SuiteCRM with ${o.contacts.toLocaleString('en-US')} contacts, ${o.latencyMs} ms per request`);
  const fake = await FakeProcess.start(o.contacts, o.latencyMs);
  const { store, dispose } = await openBenchStore(engine, postgresUrl);
  try {
    const directory = new Directory(store, { defaultRegion: 'RU' });
    const crm = new SuiteCrm(settings(fake.url), { directory });

    log(engine, 'first full sync');
    const firstFullSync = await timedSync(fake, () => crm.syncFull());
    log(engine, `  ${firstFullSync.records} records in ${firstFullSync.seconds.toFixed(1)} s; again over the full store`);
    const repeatFullSync = await timedSync(fake, () => crm.syncFull());

    // Lag: the scheduler runs as in the service; each edit lands at a random moment of its interval.
    log(engine, `lag from ${o.edits} edits to the index (sync every ${SYNC_INTERVAL_MS} ms)`);
    const sync = new SuiteCrmSync({ target: crm, intervalMs: SYNC_INTERVAL_MS, reconcileIntervalMs: 0 });
    const incremental: number[] = [];
    let lastSeen = '';
    const watch = setInterval(() => {
      const run = sync.status().lastRun;
      if (run && run.kind === 'incremental' && run.finishedAt !== lastSeen) {
        lastSeen = run.finishedAt;
        incremental.push(run.durationMs);
      }
    }, 20);
    sync.start();
    const lags: number[] = [];
    for (let k = 0; k < o.edits; k++) {
      await sleep(Math.random() * SYNC_INTERVAL_MS);
      const id = fake.contactIds[Math.floor(Math.random() * fake.contactIds.length)]!;
      const number = `+7 916 ${String(7_000_000 + k * 7919).padStart(7, '0')}`;
      const e164 = number.replace(/\s/g, '');
      const t0 = performance.now();
      await fake.edit('Contacts', id, { phone_mobile: number });
      for (;;) {
        const found = await findByPhone(directory, e164);
        if (found.candidates.some((c) => c.externalId === id)) break;
        await sleep(5);
      }
      lags.push(performance.now() - t0);
    }
    await sync.stop();
    clearInterval(watch);

    // The outbox: calls from numbers in the directory, so each has its matches and links.
    log(engine, `${o.calls} calls through the outbox`);
    const phones = await store.db.selectFrom('phones').select('raw').where('record_type', '=', 'contact').where('e164_key', 'is not', null).limit(o.calls * 7).execute();
    const matches: CallMatch[][] = [];
    for (let i = 0; i < o.calls; i++) matches.push((await findByPhone(directory, phones[(i * 7) % phones.length]!.raw)).candidates);
    const logger = createCallLogger({ store, crm, concurrency: 4 });
    const enqueueMicros: number[] = [];
    const started = Date.now();
    for (let i = 0; i < o.calls; i++) {
      const at = new Date(started - 3600_000 + i * 1000).toISOString();
      const record: LoggableCallRecord = {
        id: `bench:${started}.${i}`,
        direction: i % 3 === 0 ? 'outbound' : 'inbound',
        status: 'ended',
        externalNumber: phones[(i * 7) % phones.length]!.raw,
        normalizedNumber: null,
        did: '5550100',
        answeredBy: i % 4 === 0 ? null : '101',
        callerExtension: i % 3 === 0 ? '101' : null,
        rang: ['101'],
        disposition: i % 4 === 0 ? 'missed' : 'answered',
        startedAt: at,
        answeredAt: at,
        endedAt: at,
        ringSeconds: 8,
        talkSeconds: i % 4 === 0 ? 0 : 60 + i,
        recording: i % 4 === 0 ? null : `${i}.wav`,
        clickToCallId: null,
      };
      const t = process.hrtime.bigint();
      await logger.enqueue(record, matches[i]!);
      enqueueMicros.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    const before = await fake.stats();
    const t0 = performance.now();
    logger.start();
    await logger.idle(600_000);
    const seconds = (performance.now() - t0) / 1000;
    await logger.stop();
    const after = await fake.stats();
    const status = await logger.status();
    enqueueMicros.sort((a, b) => a - b);
    incremental.sort((a, b) => a - b);
    lags.sort((a, b) => a - b);
    return {
      engine,
      contacts: fake.contactIds.length,
      accounts: fake.accounts,
      firstFullSync,
      repeatFullSync,
      incrementalSyncMs: { p50: pct(incremental, 50), max: incremental[incremental.length - 1] ?? NaN, runs: incremental.length },
      lagMs: { p50: pct(lags, 50), p90: pct(lags, 90), max: lags[lags.length - 1] ?? NaN, samples: lags.map((x) => Math.round(x)) },
      outbox: {
        calls: o.calls,
        seconds,
        callsPerSecond: o.calls / seconds,
        requests: after.requests - before.requests,
        duplicates: status.done - o.calls,
        enqueueMicros: { p50: pct(enqueueMicros, 50), p99: pct(enqueueMicros, 99) },
      },
    };
  } finally {
    await dispose();
    await fake.stop();
  }
}

function markdown(results: EngineResult[], failures: string[], o: { contacts: number; latencyMs: number }, minutes: number): string {
  const n = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—');
  const name = (e: Engine): string => (e === 'sqlite' ? 'SQLite' : 'PostgreSQL');
  const lines = [
    '## SuiteCRM sync and call logging',
    '',
    `The fake SuiteCRM (test/fakes/, in its own process) with ${n(o.contacts)} generated contacts and a tenth as many accounts (plus the recorded fixture), answering every request ${o.latencyMs} ms late. Page size ${PAGE_SIZE}, sync interval ${SYNC_INTERVAL_MS} ms, region RU. How each figure is taken: bench/README.md.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} at the end. Whole benchmark: ${minutes.toFixed(1)} min.`,
    '',
    '| engine | records | first full sync | records/s | our CPU | requests | MB received | full sync again (reconcile) | records/s | our CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${name(r.engine)} | ${n(r.firstFullSync.records)} | ${n(r.firstFullSync.seconds, 1)} s | **${n(r.firstFullSync.recordsPerSecond)}** | ${n(r.firstFullSync.cpuSeconds, 1)} s | ${n(r.firstFullSync.requests)} | ${n(r.firstFullSync.megabytes)} | ${n(r.repeatFullSync.seconds, 1)} s | ${n(r.repeatFullSync.recordsPerSecond)} | ${n(r.repeatFullSync.cpuSeconds, 1)} s |`,
    ),
    '',
    '| engine | edit -> index lag p50 | p90 | max | edits | incremental sync p50 | max |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) => `| ${name(r.engine)} | **${n(r.lagMs.p50 / 1000, 2)} s** | ${n(r.lagMs.p90 / 1000, 2)} s | ${n(r.lagMs.max / 1000, 2)} s | ${r.lagMs.samples.length} | ${n(r.incrementalSyncMs.p50)} ms | ${n(r.incrementalSyncMs.max)} ms |`),
    '',
    '| engine | calls | logged in | calls/s | requests | duplicates | enqueue p50 | enqueue p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${name(r.engine)} | ${n(r.outbox.calls)} | ${n(r.outbox.seconds, 1)} s | **${n(r.outbox.callsPerSecond, 1)}** | ${n(r.outbox.requests)} | ${r.outbox.duplicates} | ${n(r.outbox.enqueueMicros.p50)} µs | ${n(r.outbox.enqueueMicros.p99)} µs |`,
    ),
  ];
  if (failures.length > 0) lines.push('', 'Failed runs:', ...failures.map((f) => `- ${f}`));
  return `${lines.join('\n')}\n`;
}

export async function runSuiteCrm(options: SuiteCrmBenchOptions = {}): Promise<string> {
  const began = performance.now();
  const o = {
    contacts: options.contacts ?? Number(process.env['BENCH_SUITECRM_CONTACTS'] ?? 100_000),
    latencyMs: options.latencyMs ?? Number(process.env['BENCH_SUITECRM_LATENCY_MS'] ?? 20),
    edits: options.edits ?? Number(process.env['BENCH_SUITECRM_EDITS'] ?? 8),
    calls: options.calls ?? Number(process.env['BENCH_SUITECRM_CALLS'] ?? 500),
  };
  const engines = options.engines ?? ((process.env['BENCH_SUITECRM_ENGINES'] ?? 'sqlite,postgres').split(',').map((s) => s.trim()) as Engine[]);
  const postgresUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const results: EngineResult[] = [];
  const failures: string[] = [];
  for (const engine of engines) {
    try {
      results.push(await runEngine(engine, o, postgresUrl));
    } catch (err) {
      failures.push(`${engine}: ${(err as Error).message}`);
      process.stderr.write(`[suitecrm ${engine}] failed: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
  const report = markdown(results, failures, o, (performance.now() - began) / 60_000);
  const dir = options.resultsDir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('suitecrm.md', dir), report);
  writeFileSync(new URL('suitecrm.json', dir), `${JSON.stringify({ options: o, machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, results, failures }, null, 2)}\n`);
  return report;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await runSuiteCrm());
}
