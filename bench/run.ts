/**
 * `npm run bench`: runs every benchmark in turn and prints each one's Markdown report to stdout
 * (progress goes to stderr). Each benchmark also runs alone: `npx tsx bench/<name>.ts`.
 *
 *   npm run bench                               every benchmark; reports to bench/results/
 *   npm run bench -- routing pop-latency        only these (names as listed below)
 *   npm run bench -- --profile [names...]       the same with CPU profiles (see bench/README.md)
 *
 * With `--profile` each benchmark writes its reports and profiles to `<dir>/<name>/` (never over
 * bench/results/: the profiler costs time of its own), where `<dir>` is `BENCH_PROFILE_DIR` or a new
 * temporary directory: a V8 CPU profile of this process for the whole benchmark, and of the service
 * process where the benchmark has one (routing, pop-latency: their `BENCH_PROFILE_DIR`). After each
 * report it prints, for each profile, the time by area and the top functions by self time
 * (service-bench/profile-summary.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runAmiThroughput } from './ami-throughput.ts';
import { runDirectoryLookup } from './directory-lookup.ts';
import { runSuiteCrm } from './suitecrm.ts';
import { runRouting } from './routing.ts';
import { runPopLatency } from './pop-latency.ts';
import { runRecordingsBench } from './recordings.ts';
import { runCallEngine } from './call-engine.ts';
import { runOutageRecovery } from './outage-recovery.ts';
import { runClusterSoak } from './cluster-soak.ts';
import { runReportsBench } from './reports.ts';
import { profileSummary, readProfile } from './service-bench/profile-summary.ts';

type RunOptions = { resultsDir?: URL };

const benchmarks: { name: string; run: (options: RunOptions) => Promise<string> }[] = [
  { name: 'ami-throughput', run: (o) => runAmiThroughput(o) },
  { name: 'directory-lookup', run: (o) => runDirectoryLookup(o) },
  { name: 'suitecrm', run: (o) => runSuiteCrm(o) },
  { name: 'routing', run: (o) => runRouting(o) },
  { name: 'pop-latency', run: (o) => runPopLatency(o) },
  { name: 'recordings', run: (o) => runRecordingsBench(o) },
  { name: 'call-engine', run: (o) => runCallEngine(o) },
  // The short form (1 minute of load, SQLite, with and without the CDR source); the full 10 minutes: npx tsx bench/outage-recovery.ts
  { name: 'outage-recovery', run: (o) => runOutageRecovery({ seconds: 60, stores: ['sqlite'], cdr: ['csv', 'none'], ...o }) },
  // The short form (60 s of soak, 30 s alone and calm); the full 10 minutes: npx tsx bench/cluster-soak.ts
  { name: 'cluster-soak', run: (o) => runClusterSoak({ seconds: 60, aloneSeconds: 30, ...o }) },
  // Two million calls seeded per engine (about 15 minutes each here); BENCH_REPORT_CALLS shrinks it.
  { name: 'reports', run: (o) => runReportsBench(o) },
];

/** Functions listed per profile. */
const TOP_FUNCTIONS = 25;
/** This process's own profile, beside the service's `CPU.*.cpuprofile` (what `--cpu-prof` names its files). */
const OWN_PROFILE = 'benchmark-process.cpuprofile';

const args = process.argv.slice(2);
const profiling = args.includes('--profile');
const unknownFlags = args.filter((a) => a.startsWith('--') && a !== '--profile');
const names = args.filter((a) => !a.startsWith('--'));
const unknownNames = names.filter((n) => !benchmarks.some((b) => b.name === n));
if (unknownFlags.length > 0 || unknownNames.length > 0) {
  console.error(`Unknown ${[...unknownFlags, ...unknownNames].join(', ')}. Usage: npm run bench -- [--profile] [${benchmarks.map((b) => b.name).join(' | ')} ...]`);
  process.exit(2);
}
const chosen = names.length === 0 ? benchmarks : benchmarks.filter((b) => names.includes(b.name));
const profileRoot = profiling ? resolve(process.env['BENCH_PROFILE_DIR'] ?? mkdtempSync(join(tmpdir(), 'crm-telephony-profiles-'))) : null;
if (profileRoot !== null) console.error(`CPU profiles and this run's reports go to ${profileRoot}`);

const began = performance.now();
let failed = false;
for (const { name, run } of chosen) {
  try {
    if (profileRoot === null) console.log(await run({}));
    else console.log(await profiled(name, run, join(profileRoot, name)));
  } catch (err) {
    failed = true;
    console.error(`Benchmark ${name} failed: ${(err as Error).stack ?? String(err)}`);
  }
}
console.log(`All benchmarks: ${((performance.now() - began) / 1000).toFixed(0)} s.`);
process.exitCode = failed ? 1 : 0;

/**
 * `--cpu-prof` names a file `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`: thread 0 is the
 * main thread, where the service's work runs; others are worker threads (tsx's module loader).
 */
function serviceThread(file: string): string {
  const thread = file.split('.')[4];
  return thread === '0' ? 'the service process under test (main thread; start-up and setup included)' : `a worker thread (${thread}) of the service process (module loading, not the service's work)`;
}

/**
 * Runs one benchmark with this process under the inspector's sampling profiler and the service
 * process (where there is one) under `--cpu-prof`, both writing to `dir`; returns the report
 * followed by a summary of every profile found there.
 */
async function profiled(name: string, run: (options: RunOptions) => Promise<string>, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const before = process.env['BENCH_PROFILE_DIR'];
  process.env['BENCH_PROFILE_DIR'] = dir;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  let report: string;
  try {
    report = await run({ resultsDir: pathToFileURL(`${dir}/`) });
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, OWN_PROFILE), JSON.stringify(profile));
    session.disconnect();
    if (before === undefined) delete process.env['BENCH_PROFILE_DIR'];
    else process.env['BENCH_PROFILE_DIR'] = before;
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => (a === OWN_PROFILE ? 1 : b === OWN_PROFILE ? -1 : a.localeCompare(b)));
  const sections = files.map((file) => {
    const what = file === OWN_PROFILE ? "the benchmark's own process (load, orchestration; the work itself when it runs in-process)" : serviceThread(file);
    let text: string;
    try {
      text = profileSummary(readProfile(join(dir, file)), { top: TOP_FUNCTIONS });
    } catch (err) {
      text = `could not read it: ${(err as Error).message}`;
    }
    return [`### CPU profile of ${name}: ${what}`, '', `\`${join(dir, file)}\``, '', '```text', text, '```', ''].join('\n');
  });
  return [report, ...sections].join('\n');
}
