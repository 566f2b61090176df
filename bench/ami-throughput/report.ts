/**
 * Turns runs into a summary per contender and a Markdown report. No I/O.
 */
import { BASELINE, LABELS, type ContenderId } from './contenders/index.ts';
import type { RunOutcome } from './protocol.ts';
import { CORRUPTION_KINDS, type CorruptionKind, type CorruptionSample } from './tally.ts';

export interface RunRecord {
  contender: ContenderId;
  /** Timed runs only read BenchSeq; the checked run compares every field. */
  checked: boolean;
  /** Set when the run could not produce numbers (crash, hang, login refused...). */
  failure: string | null;
  outcome: RunOutcome | null;
  /** First blast byte to last event received, ms. */
  wallMs: number | null;
  eventsPerSec: number | null;
  mbPerSec: number | null;
}

export interface StreamInfo {
  events: number;
  bytes: number;
  baseEvents: number;
  files: number;
  blocks: number;
  blockEvents: number;
}

export interface Summary {
  contender: ContenderId;
  label: string;
  timedRuns: number;
  okRuns: number;
  eventsPerSec: { median: number; min: number; max: number } | null;
  mbPerSecMedian: number | null;
  /** Median events/s over the baseline's median events/s. */
  ratioToBaseline: number | null;
  checkedEventsPerSec: number | null;
  /** Worst over every run of this contender. */
  lost: number | null;
  duplicates: number | null;
  unattributed: number | null;
  /** From the checked run. */
  corrupted: number | null;
  corruptedKeys: [string, number][];
  corruptedKinds: Partial<Record<CorruptionKind, number>>;
  samples: CorruptionSample[];
  ends: string[];
  problems: string[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(contenders: readonly ContenderId[], runs: readonly RunRecord[]): Summary[] {
  const summaries = contenders.map((contender): Summary => {
    const mine = runs.filter((r) => r.contender === contender);
    const timed = mine.filter((r) => !r.checked);
    const rates = timed.map((r) => r.eventsPerSec).filter((x): x is number => x !== null);
    const mbs = timed.map((r) => r.mbPerSec).filter((x): x is number => x !== null);
    const checked = mine.find((r) => r.checked);
    const outcomes = mine.map((r) => r.outcome).filter((o): o is RunOutcome => o !== null);
    const worst = (pick: (o: RunOutcome) => number): number | null => (outcomes.length ? Math.max(...outcomes.map(pick)) : null);
    return {
      contender,
      label: LABELS[contender],
      timedRuns: timed.length,
      okRuns: rates.length,
      eventsPerSec: rates.length ? { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) } : null,
      mbPerSecMedian: mbs.length ? median(mbs) : null,
      ratioToBaseline: null,
      checkedEventsPerSec: checked?.eventsPerSec ?? null,
      lost: worst((o) => o.tally.lost),
      duplicates: worst((o) => o.tally.duplicates),
      unattributed: worst((o) => o.tally.unattributed),
      corrupted: checked?.outcome?.tally.corrupted ?? null,
      corruptedKeys: checked?.outcome?.tally.corruptedKeys ?? [],
      corruptedKinds: checked?.outcome?.tally.corruptedKinds ?? {},
      samples: checked?.outcome?.tally.samples ?? [],
      ends: mine.map((r) => (r.failure ? 'failed' : r.outcome!.end)),
      problems: [...new Set(mine.flatMap((r) => (r.failure ? [r.failure] : r.outcome!.problems)))].slice(0, 5),
    };
  });
  const base = summaries.find((s) => s.contender === BASELINE)?.eventsPerSec?.median;
  for (const s of summaries) if (base && s.eventsPerSec) s.ratioToBaseline = s.eventsPerSec.median / base;
  return summaries;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const plural = (n: number, word: string): string => `${int(n)} ${word}${n === 1 ? '' : 's'}`;
const dash = '–';

function verdict(s: Summary): string {
  if (s.okRuns === 0) return `**failed**: ${s.problems[0]?.split('\n')[0] ?? 'no result'}`;
  const bad: string[] = [];
  if (s.lost) bad.push('loses events');
  if (s.duplicates) bad.push('duplicates events');
  if (s.corrupted) bad.push('corrupts events');
  const odd = s.ends.filter((e) => e !== 'complete');
  if (odd.length) bad.push(`runs ended: ${odd.join(', ')}`);
  return bad.length ? bad.join('; ') : 'ok';
}

export function markdown(stream: StreamInfo, summaries: readonly Summary[], meta: { date: string; machine: string; runtimeMs: number; timedRuns: number }): string {
  const lines: string[] = [];
  lines.push('## AMI event throughput', '');
  lines.push(
    `Stream: ${int(stream.events)} events, ${(stream.bytes / 1e6).toFixed(1)} MB: the ${int(stream.baseEvents)} \`Event:\` messages ` +
      `of the ${stream.files} real Asterisk 20 transcripts (\`test/fixtures/ami-transcripts/*.ami\`) repeated ` +
      `${plural(stream.events / stream.baseEvents, 'time')}, each with a last header \`BenchSeq: <n>\`; sent as ${plural(stream.blocks, 'block')} of ` +
      `up to ${int(stream.blockEvents)} events. TCP contenders read it over loopback from a fresh AmiSimulator each run.`,
    '',
    `Each contender: ${plural(meta.timedRuns, 'timed run')} (the handler reads BenchSeq only; median, min ${dash} max) and 1 checked run ` +
      '(every field of every event compared with its base event). Time: first blast byte to last event received. ' +
      `MB = 10^6 bytes. ${meta.machine}; ${meta.date}; whole benchmark ${(meta.runtimeMs / 1000).toFixed(0)} s.`,
    '',
  );
  lines.push(
    `| contender | events/s (median) | min ${dash} max | MB/s | × ${BASELINE} | lost | duplicated | corrupted | events/s, checked run | result |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const s of summaries) {
    const e = s.eventsPerSec;
    lines.push(
      `| ${s.label} | ${e ? int(e.median) : dash} | ${e ? `${int(e.min)} ${dash} ${int(e.max)}` : dash} | ` +
        `${s.mbPerSecMedian === null ? dash : s.mbPerSecMedian.toFixed(1)} | ` +
        `${s.ratioToBaseline === null ? dash : `${s.ratioToBaseline.toFixed(2)}×`} | ${s.lost === null ? dash : int(s.lost)} | ` +
        `${s.duplicates === null ? dash : int(s.duplicates)} | ${s.corrupted === null ? dash : int(s.corrupted)} | ` +
        `${s.checkedEventsPerSec === null ? dash : int(s.checkedEventsPerSec)} | ${verdict(s)} |`,
    );
  }
  const notes = summaries.filter((s) => s.corrupted || s.problems.length || s.lost || s.okRuns < s.timedRuns);
  if (notes.length) lines.push('', '### Details');
  for (const s of notes) {
    lines.push('', `**${s.label}**`, '');
    if (s.unattributed) lines.push(`- Up to ${int(s.unattributed)} events in a run had no readable BenchSeq (counted as corrupted in the checked run).`);
    for (const [kind, n] of Object.entries(s.corruptedKinds) as [CorruptionKind, number][]) {
      lines.push(`- ${int(n)} events: ${CORRUPTION_KINDS[kind]}.`);
    }
    if (s.corruptedKeys.length) {
      lines.push(
        `- Corrupted events by event and key (checked run): ${s.corruptedKeys.map(([k, n]) => `\`${k}\` ${int(n)}`).join(', ')}.`,
      );
      for (const sample of s.samples) {
        lines.push(
          `- e.g. (${sample.kinds.join(', ')}) BenchSeq ${sample.seq} (${sample.event}): expected \`${JSON.stringify(sample.expected)}\`, received \`${JSON.stringify(sample.received)}\`.`,
        );
      }
    }
    if (s.lost) lines.push(`- Lost up to ${int(s.lost)} events in a run; runs ended: ${s.ends.join(', ')}.`);
    for (const p of s.problems) lines.push(`- Reported: ${p.split('\n')[0]}`);
  }
  return lines.join('\n') + '\n';
}
