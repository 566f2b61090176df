/**
 * One run of one contender, in its own process (forked by ../ami-throughput.ts). It receives a
 * `start` message, connects (or, for the in-process decoder, builds the stream itself), counts
 * every event it is handed, and reports once the last BenchSeq arrives or progress stops.
 */
import { AmiDecoder } from '../../src/ami/codec.ts';
import type { AmiMessage } from '../../src/ami/message.ts';
import { TCP_CONTENDERS } from './contenders/index.ts';
import type { Session } from './contenders/contender.ts';
import { now, type BlastStart, type RunOutcome, type RunReport, type StartRun } from './protocol.ts';
import { buildStream, planStream, type StreamPlan } from './stream.ts';
import { Tally } from './tally.ts';

const CHUNK_BYTES = 64 * 1024;
const TICK_MS = 50;
/** After the library reported a failure, stop once nothing more arrives for this long. */
const BROKEN_GRACE_MS = 1000;

function send(report: RunReport): Promise<void> {
  return new Promise((resolve) => process.send!(report, () => resolve()));
}

function cpuSince(start: NodeJS.CpuUsage): { cpuUserMs: number; cpuSystemMs: number } {
  const used = process.cpuUsage(start);
  return { cpuUserMs: used.user / 1000, cpuSystemMs: used.system / 1000 };
}

/** Our decoder fed the stream in 64 KiB chunks, no socket: the ceiling for the AmiClient. */
function runDecoder(plan: StreamPlan, checked: boolean): RunOutcome {
  const blocks = buildStream(plan);
  const tally = new Tally(plan.base, plan.total);
  const problems: string[] = [];
  const decoder = new AmiDecoder();
  decoder.push(plan.greeting);
  const cpu = process.cpuUsage();
  const startAt = now();
  const t0 = performance.now();
  for (const block of blocks) {
    // Chunks restart at each block: one short chunk per block, 21 of ~6,800 for 1M events.
    for (let at = 0; at < block.length; at += CHUNK_BYTES) {
      for (const item of decoder.push(block.subarray(at, at + CHUNK_BYTES))) {
        if (item.kind === 'message') {
          const message: AmiMessage = item.message;
          if (message.event === undefined) continue;
          if (checked) tally.check(message.get('BenchSeq'), message.fields);
          else tally.count(message.get('BenchSeq'));
        } else if (item.kind === 'error' && problems.length < 5) {
          problems.push(`${item.error.code}: ${item.error.message}`);
        }
      }
    }
  }
  const lastEventAt = tally.received > 0 ? startAt + (tally.lastEventAt - t0) : null;
  return {
    end: tally.sawLast ? 'complete' : 'broken',
    problems,
    tally: tally.result(checked),
    startAt,
    lastEventAt,
    ...cpuSince(cpu),
  };
}

async function runTcp(plan: StreamPlan, start: StartRun): Promise<RunOutcome> {
  const contender = TCP_CONTENDERS[start.contender as keyof typeof TCP_CONTENDERS];
  const tally = new Tally(plan.base, plan.total);
  const problems: string[] = [];
  let broken = false;
  const onEvent = start.checked
    ? (event: unknown) => tally.check(contender.seqOf(event), contender.fieldsOf(event))
    : (event: unknown) => tally.count(contender.seqOf(event));
  const onBroken = (reason: string): void => {
    broken = true;
    if (problems.length < 5) problems.push(reason);
  };
  const session: Session = await contender.open(start.target!, onEvent, onBroken);
  const blastStarted = new Promise<void>((resolve) => {
    process.on('message', (msg: BlastStart) => {
      if (msg.type === 'blast-start') resolve();
    });
  });
  // Idle from here until the blast, so CPU counted from now is the contender's work on the stream.
  const cpu = process.cpuUsage();
  await send({ type: 'ready' });
  await blastStarted;

  const end = await new Promise<RunOutcome['end']>((resolve) => {
    let seen = tally.received;
    let progressAt = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      if (tally.sawLast) return finish('complete');
      if (tally.received !== seen) {
        seen = tally.received;
        progressAt = t;
      } else if (t - progressAt > (broken ? BROKEN_GRACE_MS : start.stallMs)) {
        return finish(broken ? 'broken' : 'stalled');
      }
    }, TICK_MS);
    function finish(how: RunOutcome['end']): void {
      clearInterval(timer);
      resolve(how);
    }
  });
  const used = cpuSince(cpu);
  await session.close().catch((err: Error) => problems.push(`close: ${err.message}`));
  return {
    end,
    problems,
    tally: tally.result(start.checked),
    startAt: null,
    lastEventAt: tally.received > 0 ? performance.timeOrigin + tally.lastEventAt : null,
    ...used,
  };
}

process.once('message', (start: StartRun) => {
  const plan = planStream(start.minEvents, start.blockEvents);
  const run = start.contender === 'decoder' ? Promise.resolve().then(() => runDecoder(plan, start.checked)) : runTcp(plan, start);
  run.then(
    (outcome) => send({ type: 'result', outcome }),
    (err: Error) => send({ type: 'failed', reason: err.stack ?? String(err) }),
  ).finally(() => process.exit(0));
});
