/**
 * Caller lookup: `findByPhone` against the two ways other Asterisk-CRM integrations find a caller
 * (yaai's and Odoo's suffix `LIKE` scan, AsterLink's exact text), side by side on the same demo
 * directory of 10k, 100k and 1M contacts (plus their accounts and leads), on SQLite (a file, as in
 * production) and PostgreSQL (a fresh schema, dropped after). Also import speed, memory and size.
 *
 * Each engine and size runs in its own process (directory-lookup/runner.ts), so memory after the
 * load is that directory's alone and one failure does not end the benchmark.
 *
 * Run alone with `npx tsx bench/directory-lookup.ts`, or with every benchmark by `npm run bench`.
 * Environment (all optional):
 *   BENCH_DIRECTORY_SIZES    contacts per run, comma-separated, `k`/`M` allowed. Default 10k,100k,1M.
 *   BENCH_DIRECTORY_ENGINES  sqlite,postgres (default both).
 *   BENCH_DIRECTORY_REGION   the PBX's and CRM's home region. Default RU.
 *   BENCH_DATABASE_URL       PostgreSQL server; default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
 * For a quick try: BENCH_DIRECTORY_SIZES=10k npx tsx bench/directory-lookup.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { CountryCode } from '../src/phone/types.ts';
import type { EngineName, RunReport, SizeResult, StartRun } from './directory-lookup/protocol.ts';
import { formatSize, markdown, type RunFailure } from './directory-lookup/report.ts';

export interface DirectoryLookupOptions {
  /** Contacts per directory. Default BENCH_DIRECTORY_SIZES, else 10k, 100k and 1M. */
  sizes?: number[];
  /** Default BENCH_DIRECTORY_ENGINES, else both. */
  engines?: EngineName[];
  /** Home region of the PBX and the CRM (national numbers, trunk prefix). Default BENCH_DIRECTORY_REGION, else RU. */
  region?: CountryCode;
  /** Same seed, same directory and callers. Default 1. */
  seed?: number;
  /** Timed callers per method whose number is in the directory. Default 5,000. */
  hits?: number;
  /** Timed callers per method whose number is not. Default 5,000. */
  misses?: number;
  /** Untimed lookups per method before timing. Default 2,000. */
  warmup?: number;
  /** The suffix scan reads every phone per call: at most this many calls per run. Default 200. */
  suffixQueries?: number;
  /** ...and no longer than this per run, in ms. Default 60,000. */
  suffixBudgetMs?: number;
  /** A run that has not reported after this long is killed, in ms. Default 40 minutes. */
  runDeadlineMs?: number;
  /** Where the Markdown and JSON results go. Default bench/results/. */
  resultsDir?: URL;
}

const RUNNER = new URL('./directory-lookup/runner.ts', import.meta.url);
const RESULTS_DIR = new URL('./results/', import.meta.url);
const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `10k`, `100000`, `1M` -> numbers; anything else is refused with what to write instead. */
export function parseSizes(text: string): number[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.replace(/_/g, ''));
      if (!m) throw new Error(`BENCH_DIRECTORY_SIZES: "${s}" is not a size; write e.g. 10k,100k,1M or 25000.`);
      const factor = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1000 : 1_000_000;
      return Math.round(Number(m[1]) * factor);
    });
}

function parseEngines(text: string): EngineName[] {
  return text.split(',').map((s) => {
    const e = s.trim().toLowerCase();
    if (e !== 'sqlite' && e !== 'postgres') throw new Error(`BENCH_DIRECTORY_ENGINES: "${s}" is not an engine; use sqlite, postgres or both.`);
    return e;
  });
}

function runChild(start: StartRun, deadlineMs: number, signal: AbortSignal): Promise<SizeResult> {
  // --expose-gc: memory after the load is measured after a full collection.
  const child: ChildProcess = fork(fileURLToPath(RUNNER), [], { stdio: ['ignore', 2, 2, 'ipc'], execArgv: [...process.execArgv, '--expose-gc'] });
  return new Promise<SizeResult>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`no result within ${Math.round(deadlineMs / 60_000)} min; killed`));
    }, deadlineMs);
    child.on('message', (report: RunReport) => {
      if (report.type === 'result') finish(undefined, report.result);
      else finish(new Error(report.reason));
    });
    child.on('exit', (code, sig) => finish(new Error(`the run's process exited (${sig ?? `code ${code}`}) before reporting`)));
    const onAbort = (): void => {
      child.kill('SIGKILL');
      finish(new Error('interrupted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.send(start);
    function finish(err: Error | undefined, result?: SizeResult): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(result!);
    }
  }).finally(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  );
}

async function dropSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) return;
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function runDirectoryLookup(options: DirectoryLookupOptions = {}): Promise<string> {
  const began = performance.now();
  const sizes = options.sizes ?? parseSizes(process.env['BENCH_DIRECTORY_SIZES'] ?? DEFAULT_SIZES.join(','));
  const engines = options.engines ?? parseEngines(process.env['BENCH_DIRECTORY_ENGINES'] ?? 'sqlite,postgres');
  const region = options.region ?? ((process.env['BENCH_DIRECTORY_REGION'] ?? 'RU') as CountryCode);
  const postgresUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const base = {
    seed: options.seed ?? 1,
    region,
    hits: options.hits ?? 5000,
    misses: options.misses ?? 5000,
    warmup: options.warmup ?? 2000,
    suffixQueries: options.suffixQueries ?? 200,
    suffixBudgetMs: options.suffixBudgetMs ?? 60_000,
  };
  const deadline = options.runDeadlineMs ?? 40 * 60_000;
  const loadAtStart = loadavg()[0]!;

  const results: SizeResult[] = [];
  const failures: RunFailure[] = [];
  const tempDir = mkdtempSync(join(tmpdir(), 'crm-telephony-bench-'));
  // Ctrl-C or a kill must not leave a 600 MB file in /tmp or a schema in the database: stop the
  // run in progress, let the cleanup below run, then give up.
  const interrupt = new AbortController();
  const onSignal = (): void => interrupt.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    for (const contacts of sizes) {
      for (const engine of engines) {
        if (interrupt.signal.aborted) break;
        const start: StartRun = {
          type: 'start',
          engine,
          contacts,
          ...base,
          sqlitePath: join(tempDir, `directory-${contacts}.sqlite`),
          postgresUrl,
          postgresSchema: `bench_directory_${process.pid}_${contacts}`,
        };
        const runBegan = performance.now();
        console.error(`directory-lookup: ${engine} ${formatSize(contacts)} contacts...`);
        try {
          const result = await runChild(start, deadline, interrupt.signal);
          results.push(result);
          console.error(`directory-lookup: ${engine} ${formatSize(contacts)} done in ${((performance.now() - runBegan) / 1000).toFixed(0)} s`);
        } catch (err) {
          failures.push({ engine, contacts, reason: (err as Error).message });
          console.error(`directory-lookup: ${engine} ${formatSize(contacts)} FAILED: ${(err as Error).message}`);
        } finally {
          if (engine === 'postgres') await dropSchema(postgresUrl, start.postgresSchema).catch((err: Error) => console.error(`directory-lookup: could not drop schema ${start.postgresSchema}: ${err.message}`));
          for (const suffix of ['', '-wal', '-shm']) rmSync(`${start.sqlitePath}${suffix}`, { force: true });
        }
      }
    }
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    rmSync(tempDir, { recursive: true, force: true });
  }
  if (interrupt.signal.aborted) throw new Error('directory-lookup interrupted; its temporary files and schemas were removed.');

  const totalSeconds = (performance.now() - began) / 1000;
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, load average ${loadAtStart.toFixed(2)} at start`;
  const settings =
    `Region ${base.region}, seed ${base.seed}; per run ${base.hits.toLocaleString('en-US')} hit and ${base.misses.toLocaleString('en-US')} miss callers per method ` +
    `after ${base.warmup.toLocaleString('en-US')} warm-up lookups; the suffix scan at most ${base.suffixQueries} calls or ${base.suffixBudgetMs / 1000} s per run. ` +
    'How callers, ground truth and baselines are made: bench/README.md.';
  const md = markdown({ results, failures, totalSeconds, machine, settings });
  const dir = options.resultsDir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('directory-lookup.md', dir), md);
  writeFileSync(
    new URL('directory-lookup.json', dir),
    `${JSON.stringify({ generatedAt: new Date().toISOString(), machine, settings: { ...base, sizes, engines }, totalSeconds, results, failures }, null, 2)}\n`,
  );
  if (failures.length > 0 && results.length === 0) throw new Error(`every run failed; first: ${failures[0]!.reason.split('\n')[0]}`);
  return md;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runDirectoryLookup()
    .then((md) => console.log(md))
    .catch((err: Error) => {
      console.error(err.stack ?? err.message);
      process.exitCode = 1;
    });
}
