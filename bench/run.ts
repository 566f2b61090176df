/**
 * `npm run bench`: runs every benchmark in turn and prints each one's Markdown report to stdout
 * (progress goes to stderr). Each benchmark also runs alone: `npx tsx bench/<name>.ts`.
 */
import { runAmiThroughput } from './ami-throughput.ts';
import { runDirectoryLookup } from './directory-lookup.ts';
import { runSuiteCrm } from './suitecrm.ts';
import { runRouting } from './routing.ts';
import { runPopLatency } from './pop-latency.ts';
import { runRecordingsBench } from './recordings.ts';
import { runCallEngine } from './call-engine.ts';
import { runOutageRecovery } from './outage-recovery.ts';

const benchmarks: { name: string; run: () => Promise<string> }[] = [
  { name: 'ami-throughput', run: () => runAmiThroughput() },
  { name: 'directory-lookup', run: () => runDirectoryLookup() },
  { name: 'suitecrm', run: () => runSuiteCrm() },
  { name: 'routing', run: () => runRouting() },
  { name: 'pop-latency', run: () => runPopLatency() },
  { name: 'recordings', run: () => runRecordingsBench() },
  { name: 'call-engine', run: () => runCallEngine() },
  // The short form (1 minute of load, SQLite, with and without the CDR source); the full 10 minutes: npx tsx bench/outage-recovery.ts
  { name: 'outage-recovery', run: () => runOutageRecovery({ seconds: 60, stores: ['sqlite'], cdr: ['csv', 'none'] }) },
];

const began = performance.now();
let failed = false;
for (const { name, run } of benchmarks) {
  try {
    console.log(await run());
  } catch (err) {
    failed = true;
    console.error(`Benchmark ${name} failed: ${(err as Error).stack ?? String(err)}`);
  }
}
console.log(`All benchmarks: ${((performance.now() - began) / 1000).toFixed(0)} s.`);
process.exitCode = failed ? 1 : 0;
