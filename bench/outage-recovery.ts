/**
 * Outage recovery (issue 11): the PBX simulator at 100 calls/s for 10 minutes while the AMI link is
 * cut 100 times and the service is killed (SIGKILL) 10 times, then every call the PBX made is
 * looked for in the service's call log: lost, duplicated, left open, wrong outcome, wrong talk
 * time, wrong direction (goal: all 0), and how many records the PBX's CDRs corrected or rebuilt.
 * Each configuration (store × CDR source) runs on its own fresh simulator, store and service; the
 * baseline is the same with no CDR source. See bench/README.md, "outage-recovery".
 *
 * Run alone: `npx tsx bench/outage-recovery.ts [flags]`; `npm run bench` runs a short version.
 *   --minutes N | --seconds N   how long calls start (default 10 minutes); outages scale with it
 *   --rate N                    calls per second (default 100)
 *   --store sqlite|postgres|both   (default both)
 *   --cdr csv|none|both         with the Master.csv source, without (the baseline), or both (default)
 *   --seed N                    the load's and the outages' seed (default 1)
 *   --cdr-events                also send Cdr events over AMI (cdr_manager on; default off)
 *   --timestamp-events          events carry the PBX's time (manager.conf timestampevents; default off)
 *   --keep                      keep each run's folder (Master.csv, SQLite file, service log)
 * Environment: BENCH_OUTAGE_SECONDS, BENCH_OUTAGE_RATE, BENCH_OUTAGE_STORE, BENCH_OUTAGE_CDR, and
 * BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineLine } from './service-bench/machine.ts';
import { scaledOutages } from './outage-recovery/chaos.ts';
import { outageMarkdown } from './outage-recovery/report.ts';
import { runConfiguration, type CdrMode, type ConfigurationResult, type ConfigurationSpec, type RunSettings } from './outage-recovery/run-configuration.ts';
import type { StoreKind } from './outage-recovery/stores.ts';

export interface OutageBenchOptions {
  /** How long calls start, in seconds. Default 600. */
  seconds?: number;
  callsPerSecond?: number;
  stores?: StoreKind[];
  cdr?: CdrMode[];
  seed?: number;
  cdrEvents?: boolean;
  timestampEvents?: boolean;
  keepFiles?: boolean;
  resultsDir?: URL;
}

const RESULTS_DIR = new URL('./results/', import.meta.url);

function both<T extends string>(value: string | undefined, all: readonly T[], what: string): T[] {
  if (value === undefined || value === 'both') return [...all];
  const picked = value.split(',').map((v) => v.trim());
  for (const v of picked) if (!(all as readonly string[]).includes(v)) throw new Error(`${what} must be ${all.join(', ')} or both, got ${JSON.stringify(v)}.`);
  return picked as T[];
}

/** Options from the command line and the environment (flags win). */
export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): OutageBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      seconds: { type: 'string' },
      rate: { type: 'string' },
      store: { type: 'string' },
      cdr: { type: 'string' },
      seed: { type: 'string' },
      'cdr-events': { type: 'boolean' },
      'timestamp-events': { type: 'boolean' },
      keep: { type: 'boolean' },
    },
  });
  const number = (v: string | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!(x > 0)) throw new Error(`${what} must be a positive number, got ${JSON.stringify(v)}.`);
    return x;
  };
  const minutes = number(values.minutes, '--minutes');
  return {
    seconds: minutes !== undefined ? minutes * 60 : number(values.seconds ?? env['BENCH_OUTAGE_SECONDS'], '--seconds'),
    callsPerSecond: number(values.rate ?? env['BENCH_OUTAGE_RATE'], '--rate'),
    stores: both<StoreKind>(values.store ?? env['BENCH_OUTAGE_STORE'], ['sqlite', 'postgres'], '--store'),
    cdr: both<CdrMode>(values.cdr ?? env['BENCH_OUTAGE_CDR'], ['csv', 'none'], '--cdr'),
    seed: number(values.seed, '--seed'),
    cdrEvents: values['cdr-events'] ?? false,
    timestampEvents: values['timestamp-events'] ?? false,
    keepFiles: values.keep ?? false,
  };
}

/** A result as the results file keeps it: the first 300 lost calls and the 20 longest PBX stalls (the counts stay whole). */
export function forFile(r: ConfigurationResult): ConfigurationResult {
  const stalls = r.machine.pbxStalls;
  return {
    ...r,
    comparison: { ...r.comparison, lostCalls: r.comparison.lostCalls.slice(0, 300) },
    machine: { ...r.machine, pbxStalls: { ...stalls, list: [...stalls.list].sort((a, b) => b.to - b.from - (a.to - a.from)).slice(0, 20) } },
  };
}

export async function runOutageRecovery(options: OutageBenchOptions = {}): Promise<string> {
  const began = performance.now();
  const durationMs = Math.round((options.seconds ?? 600) * 1000);
  const settings: RunSettings = {
    durationMs,
    callsPerSecond: options.callsPerSecond ?? 100,
    ...scaledOutages(durationMs),
    seed: options.seed ?? 1,
    cdrEvents: options.cdrEvents ?? false,
    timestampEvents: options.timestampEvents ?? false,
    settleMaxMs: 180_000,
    postgresUrl: process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    keepFiles: options.keepFiles ?? false,
    examplesPerProblem: 3,
  };
  const machine = machineLine();
  const specs: ConfigurationSpec[] = [];
  for (const store of options.stores ?? ['sqlite', 'postgres']) for (const cdr of options.cdr ?? ['csv', 'none']) specs.push({ store, cdr });
  const progress = (line: string): void => void process.stderr.write(`[outage-recovery] ${line}\n`);
  progress(`${specs.length} configuration(s): ${specs.map((s) => `${s.store}/${s.cdr}`).join(', ')}; each ${durationMs / 1000} s of load plus its drain and settle`);
  const results: ConfigurationResult[] = [];
  const failures: string[] = [];
  for (const spec of specs) {
    try {
      results.push(await runConfiguration(spec, settings, progress));
      const c = results.at(-1)!.comparison;
      progress(`[${spec.store}/${spec.cdr}] placed ${c.placed}, logged ${c.logged}, lost ${c.lost}, duplicated ${c.duplicated}, left open ${c.leftOpen}, wrong outcome ${c.wrongOutcome}, wrong talk ${c.wrongTalk}, wrong direction ${c.wrongDirection}, corrected ${c.fromCdr.corrected}, rebuilt ${c.fromCdr.rebuilt}`);
    } catch (err) {
      failures.push(`${spec.store}/${spec.cdr}: ${(err as Error).message}`);
      progress(`[${spec.store}/${spec.cdr}] failed: ${(err as Error).stack ?? String(err)}`);
    }
  }
  const wallMinutes = (performance.now() - began) / 60_000;
  const report = outageMarkdown(results, failures, settings, machine, wallMinutes);
  const dir = options.resultsDir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('outage-recovery.md', dir), report);
  const json = { settings, machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, line: machine }, wallMinutes, results: results.map(forFile), failures };
  writeFileSync(new URL('outage-recovery.json', dir), `${JSON.stringify(json, null, 2)}\n`);
  return report;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await runOutageRecovery(optionsFromArgs(process.argv.slice(2))));
}
