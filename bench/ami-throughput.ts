/**
 * AMI event throughput: our decoder and AmiClient against the npm libraries asterisk-manager and
 * yana, side by side on the same ~1M real Asterisk events (see ami-throughput/stream.ts).
 *
 * Each run is a child process (ami-throughput/runner.ts) with a fresh heap, so that one library's
 * garbage does not slow the next, and a crash or hang is reported and the benchmark goes on. TCP
 * contenders get a fresh AmiSimulator (hosted here, in the parent) each run: the child connects and
 * logs in, the parent blasts the stream block by block, the child counts events until the last
 * BenchSeq arrives or nothing arrives for `stallMs`. Time runs from the first blast byte to the
 * last event received. Rounds are interleaved (every contender once, then again) to spread noise.
 *
 * Run alone with `npx tsx bench/ami-throughput.ts`, or with every benchmark by `npm run bench`.
 * For a quick try: BENCH_AMI_EVENTS=100000 BENCH_AMI_RUNS=1 npx tsx bench/ami-throughput.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { AmiSimulator } from '../src/simulator/ami-simulator.ts';
import { withDeadline } from './ami-throughput/contenders/contender.ts';
import { CONTENDER_IDS, type ContenderId } from './ami-throughput/contenders/index.ts';
import { now, type BlastStart, type RunOutcome, type RunReport, type StartRun } from './ami-throughput/protocol.ts';
import { markdown, summarize, type RunRecord, type StreamInfo } from './ami-throughput/report.ts';
import { buildStream, planStream } from './ami-throughput/stream.ts';

export interface AmiThroughputOptions {
  /** The stream holds at least this many events (whole repeats of the base list). Default 1,000,000. */
  minEvents?: number;
  /** Events per blasted block (one Buffer each). Default 50,000. */
  blockEvents?: number;
  /** Timed runs per contender; the median is reported. Default 3. */
  timedRuns?: number;
  /** A TCP run ends as stalled after this long with no new event, in ms. Default 10,000. */
  stallMs?: number;
  /** A run that has not reported after this long is killed and reported as hung, in ms. Default 120,000. */
  runDeadlineMs?: number;
  /** Where the Markdown and JSON results go. Default bench/results/. */
  resultsDir?: URL;
}

const RUNNER = new URL('./ami-throughput/runner.ts', import.meta.url);
const RESULTS_DIR = new URL('./results/', import.meta.url);
const CREDENTIALS = { username: 'crm', secret: 'crmsecret' };
const READY_DEADLINE_MS = 30_000;

/** Waits for the child's next report, its exit, or the deadline, whichever comes first. */
function nextReport(child: ChildProcess, ms: number): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no answer within ${ms} ms (hung); killed`)), ms);
    const onMessage = (report: RunReport): void => done(undefined, report);
    const onExit = (code: number | null, signal: string | null): void =>
      done(new Error(`the run's process exited (${signal ?? `code ${code}`}) before reporting`));
    child.on('message', onMessage);
    child.on('exit', onExit);
    function done(err: Error | undefined, report?: RunReport): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(report!);
    }
  });
}

function startRunner(start: StartRun): ChildProcess {
  // The child's stdout goes to our stderr: a library's console chatter must not mix with the table.
  const child = fork(fileURLToPath(RUNNER), [], { stdio: ['ignore', 2, 2, 'ipc'] });
  child.send(start);
  return child;
}

/** A child that reported exits by itself; one that did not (hung, or we gave up) is killed. */
async function stopRunner(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killer);
}

function outcomeOf(report: RunReport): RunOutcome {
  if (report.type === 'result') return report.outcome;
  throw new Error(report.type === 'failed' ? report.reason : `unexpected report ${report.type}`);
}

interface RunContext {
  minEvents: number;
  blockEvents: number;
  stallMs: number;
  runDeadlineMs: number;
  blocks: readonly Buffer[];
}

/** One TCP run: fresh simulator, child connects, blast, wait for the child's count. */
async function runTcp(contender: ContenderId, checked: boolean, ctx: RunContext): Promise<{ outcome: RunOutcome; startAt: number }> {
  const sim = new AmiSimulator({ port: 0, ...CREDENTIALS });
  const { host, port } = await sim.listen();
  const child = startRunner({
    type: 'start',
    contender,
    checked,
    minEvents: ctx.minEvents,
    blockEvents: ctx.blockEvents,
    stallMs: ctx.stallMs,
    target: { host, port, ...CREDENTIALS },
  });
  let stop = false;
  let reported = false;
  let blasting: Promise<void> = Promise.resolve();
  try {
    const ready = await nextReport(child, READY_DEADLINE_MS);
    if (ready.type !== 'ready') outcomeOf(ready);
    if (sim.connectedClients !== 1) throw new Error(`the simulator sees ${sim.connectedClients} connections, expected 1`);
    const result = nextReport(child, ctx.runDeadlineMs);
    const startAt = now();
    child.send({ type: 'blast-start' } satisfies BlastStart);
    let blastError: Error | undefined;
    blasting = (async () => {
      for (const block of ctx.blocks) {
        if (stop) return;
        await sim.blast(block, 1);
      }
    })().catch((err: Error) => {
      blastError = err;
    });
    const report = await result;
    reported = true;
    const outcome = outcomeOf(report);
    if (blastError) outcome.problems.push(`simulator blast: ${blastError.message}`);
    return { outcome, startAt };
  } finally {
    stop = true;
    await stopRunner(child, reported ? 5_000 : 0);
    await withDeadline('simulator close', 5_000, sim.close()).catch(() => undefined);
    await withDeadline('blast end', 5_000, blasting).catch(() => undefined);
  }
}

async function runDecoder(checked: boolean, ctx: RunContext): Promise<{ outcome: RunOutcome; startAt: number }> {
  const child = startRunner({
    type: 'start',
    contender: 'decoder',
    checked,
    minEvents: ctx.minEvents,
    blockEvents: ctx.blockEvents,
    stallMs: ctx.stallMs,
  });
  let reported = false;
  try {
    const report = await nextReport(child, ctx.runDeadlineMs);
    reported = true;
    const outcome = outcomeOf(report);
    return { outcome, startAt: outcome.startAt! };
  } finally {
    await stopRunner(child, reported ? 5_000 : 0);
  }
}

async function runOnce(contender: ContenderId, checked: boolean, ctx: RunContext, bytes: number): Promise<RunRecord> {
  const record: RunRecord = { contender, checked, failure: null, outcome: null, wallMs: null, eventsPerSec: null, mbPerSec: null };
  try {
    const { outcome, startAt } = contender === 'decoder' ? await runDecoder(checked, ctx) : await runTcp(contender, checked, ctx);
    record.outcome = outcome;
    if (outcome.lastEventAt !== null && outcome.tally.unique > 0) {
      const wallMs = outcome.lastEventAt - startAt;
      record.wallMs = wallMs;
      record.eventsPerSec = outcome.tally.unique / (wallMs / 1000);
      record.mbPerSec = bytes / 1e6 / (wallMs / 1000);
    } else {
      record.failure = `no BenchSeq event arrived (${outcome.end}${outcome.problems[0] ? `: ${outcome.problems[0]}` : ''})`;
    }
  } catch (err) {
    record.failure = (err as Error).message;
  }
  return record;
}

function describeRun(r: RunRecord): string {
  const mode = r.checked ? 'checked' : 'timed  ';
  if (r.failure) return `${mode} ${r.contender}: FAILED ${r.failure.split('\n')[0]}`;
  const t = r.outcome!.tally;
  const corrupted = t.corrupted === null ? '' : ` corrupted=${t.corrupted}`;
  return (
    `${mode} ${r.contender}: ${Math.round(r.eventsPerSec!).toLocaleString('en-US')} events/s, ` +
    `${r.mbPerSec!.toFixed(1)} MB/s, ${(r.wallMs! / 1000).toFixed(2)} s, ${r.outcome!.end}, ` +
    `lost=${t.lost} dup=${t.duplicates}${corrupted}`
  );
}

export async function runAmiThroughput(options: AmiThroughputOptions = {}): Promise<string> {
  const began = performance.now();
  // Other work on the machine shows up as spread between runs: say how busy it was.
  const loadAtStart = loadavg()[0]!;
  const ctxBase = {
    minEvents: options.minEvents ?? Number(process.env['BENCH_AMI_EVENTS'] ?? 1_000_000),
    blockEvents: options.blockEvents ?? 50_000,
    stallMs: options.stallMs ?? 10_000,
    runDeadlineMs: options.runDeadlineMs ?? 120_000,
  };
  const timedRuns = options.timedRuns ?? Number(process.env['BENCH_AMI_RUNS'] ?? 3);
  const plan = planStream(ctxBase.minEvents, ctxBase.blockEvents);
  const ctx: RunContext = { ...ctxBase, blocks: buildStream(plan) };
  const stream: StreamInfo = {
    events: plan.total,
    bytes: plan.bytes,
    baseEvents: plan.base.length,
    files: plan.files.length,
    blocks: plan.blocks,
    blockEvents: plan.blockEvents,
  };
  console.error(
    `ami-throughput: ${plan.total} events, ${(plan.bytes / 1e6).toFixed(1)} MB; ` +
      `${timedRuns} timed runs + 1 checked run per contender`,
  );

  const runs: RunRecord[] = [];
  const rounds = [...Array.from({ length: timedRuns }, () => false), true];
  for (const checked of rounds) {
    for (const contender of CONTENDER_IDS) {
      const record = await runOnce(contender, checked, ctx, plan.bytes);
      runs.push(record);
      console.error(`  ${describeRun(record)}`);
    }
  }

  const runtimeMs = performance.now() - began;
  const summaries = summarize(CONTENDER_IDS, runs);
  const cpu = cpus();
  const machine =
    `Node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ` +
    `load average ${loadAtStart.toFixed(1)} at start`;
  const date = new Date().toISOString();
  const md = markdown(stream, summaries, { date, machine, runtimeMs, timedRuns });

  const dir = options.resultsDir ?? RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('ami-throughput.md', dir), md);
  writeFileSync(
    new URL('ami-throughput.json', dir),
    JSON.stringify({ benchmark: 'ami-throughput', date, machine, runtimeMs, stream, timedRuns, summaries, runs }, null, 2) + '\n',
  );
  return md;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const md = await runAmiThroughput();
  console.log(md);
}
