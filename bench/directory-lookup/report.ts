/** The Markdown report: lookup times, matches found, import and memory, where the time goes, goals. */
import { CALLER_FORMS, FORM_LABEL } from './callers.ts';
import type { MethodResult, SizeResult } from './protocol.ts';
import { SUFFIX_DIGITS } from './baselines.ts';
import { recall, type Latency, type MatchTally } from './stats.ts';

export interface RunFailure {
  engine: string;
  contacts: number;
  reason: string;
}

export interface ReportInput {
  results: SizeResult[];
  failures: RunFailure[];
  totalSeconds: number;
  machine: string;
  settings: string;
}

/** The goals of issue 3, checked at 1M contacts. */
export const GOALS = { sqliteP99Us: 50, postgresP99Us: 1000, atContacts: 1_000_000 } as const;

const METHODS: { key: 'ours' | 'exact' | 'suffix'; label: string }[] = [
  { key: 'ours', label: 'ours: `findByPhone`' },
  { key: 'exact', label: 'exact text (AsterLink)' },
  { key: 'suffix', label: `suffix \`LIKE '%<${SUFFIX_DIGITS} digits>'\` scan (yaai, Odoo)` },
];

export function formatUs(us: number | undefined): string {
  if (us === undefined) return '-';
  if (us < 100) return `${us.toFixed(1)} µs`;
  if (us < 1000) return `${us.toFixed(0)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

export function formatSize(contacts: number): string {
  if (contacts >= 1_000_000 && contacts % 1_000_000 === 0) return `${contacts / 1_000_000}M`;
  if (contacts >= 1000 && contacts % 1000 === 0) return `${contacts / 1000}k`;
  return contacts.toLocaleString('en-US');
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(r === 1 || r === 0 ? 0 : 1)}%`);
const share = (part: number, whole: number): string => (whole === 0 ? '-' : pct(part / whole));
const engineLabel = (e: string): string => (e === 'sqlite' ? 'SQLite' : 'PostgreSQL');

function latencyCells(l: Latency | null): string[] {
  return [formatUs(l?.p50), formatUs(l?.p90), formatUs(l?.p99), formatUs(l?.max)];
}

function tallyCell(t: MatchTally | undefined): string {
  if (!t || t.expected === 0) return '-';
  return `${pct(recall(t))} (${int(t.found)}/${int(t.expected)})`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function method(r: SizeResult, key: 'ours' | 'exact' | 'suffix'): MethodResult {
  return r[key];
}

function lookupTable(results: SizeResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    for (const m of METHODS) {
      const res = method(r, m.key);
      rows.push([engineLabel(r.engine), formatSize(r.contacts), m.label, ...latencyCells(res.hits), ...latencyCells(res.misses), int(res.calls)]);
    }
  }
  return table(['engine', 'contacts', 'method', 'hit p50', 'hit p90', 'hit p99', 'hit max', 'miss p50', 'miss p90', 'miss p99', 'miss max', 'timed calls'], rows);
}

function matchTable(results: SizeResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    for (const m of METHODS) {
      const res = method(r, m.key);
      const h = res.hitTally;
      rows.push([
        engineLabel(r.engine),
        formatSize(r.contacts),
        m.label,
        tallyCell(h),
        share(h.callersComplete, h.callers),
        ...CALLER_FORMS.map((f) => tallyCell(res.byForm[f])),
        share(h.callersWithWrong, h.callers),
        share(res.missTally.callersWithWrong, res.missTally.callers),
      ]);
    }
  }
  return table(
    [
      'engine',
      'contacts',
      'method',
      'real matches found',
      'callers with every match',
      ...CALLER_FORMS.map((f) => `found, caller as ${FORM_LABEL[f]}`),
      'hit callers given a wrong record',
      'miss callers given a record',
    ],
    rows,
  );
}

function loadTable(results: SizeResult[]): string {
  const MB = 1024 * 1024;
  return table(
    ['engine', 'contacts', 'records (acc + con + lead)', 'phones', 'import', 'records/s', 'phones/s', 'RSS after load', 'heap used', 'storage'],
    results.map((r) => [
      engineLabel(r.engine),
      formatSize(r.contacts),
      `${int(r.counts.records)} (${int(r.counts.accounts)} + ${int(r.counts.contacts)} + ${int(r.counts.leads)})`,
      int(r.counts.phones),
      `${r.load.importSeconds.toFixed(1)} s`,
      int(r.load.recordsPerSec),
      int(r.load.phonesPerSec),
      `${r.memory.rssMB.toFixed(0)} MB`,
      `${r.memory.heapUsedMB.toFixed(0)} MB`,
      `${(r.storage.bytes / MB).toFixed(0)} MB`,
    ]),
  );
}

function stageTable(results: SizeResult[]): string {
  const pair = (l: Latency): string => `${formatUs(l.p50)} / ${formatUs(l.p99)}`;
  return table(
    ['engine', 'contacts', 'normalize p50 / p99', 'query p50 / p99', 'collapse + rank p50 / p99', 'total p50 / p99', 'slowest 1%: normalize / query / rank'],
    results.map((r) => {
      const s = r.stages;
      return [
        engineLabel(r.engine),
        formatSize(r.contacts),
        pair(s.normalize),
        pair(s.query),
        pair(s.rank),
        pair(s.total),
        `${pct(s.slowestShare.normalize)} / ${pct(s.slowestShare.query)} / ${pct(s.slowestShare.rank)}`,
      ];
    }),
  );
}

function runTable(results: SizeResult[]): string {
  const sec = (s: number): string => (s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);
  return table(
    ['engine', 'contacts', 'load (generate + import + analyze)', 'timed lookups', 'suffix scan', 'whole run', 'load average during lookups'],
    results.map((r) => [
      engineLabel(r.engine),
      formatSize(r.contacts),
      sec(r.seconds.load),
      sec(r.seconds.lookups),
      sec(r.seconds.suffix),
      sec(r.seconds.total),
      `${r.loadAverage.lookupsBegan.toFixed(1)} → ${r.loadAverage.lookupsEnded.toFixed(1)}`,
    ]),
  );
}

function goals(results: SizeResult[]): string {
  const lines: string[] = [];
  const largest = Math.max(...results.map((r) => r.contacts));
  const at = results.filter((r) => r.contacts === largest);
  const note = largest === GOALS.atContacts ? '' : ` (measured at ${formatSize(largest)}: 1M was not in this run)`;
  for (const r of at) {
    const limit = r.engine === 'sqlite' ? GOALS.sqliteP99Us : GOALS.postgresP99Us;
    const worst = Math.max(r.ours.hits?.p99 ?? Infinity, r.ours.misses?.p99 ?? Infinity);
    lines.push(
      `- p99 <= ${formatUs(limit)} on ${engineLabel(r.engine)} at 1M contacts${note}: **${worst <= limit ? 'met' : 'missed'}** ` +
        `(hits ${formatUs(r.ours.hits?.p99)}, misses ${formatUs(r.ours.misses?.p99)}).`,
    );
  }
  for (const r of results) {
    const ours = r.ours.hitTally;
    const missedByBaselines = Math.max(r.exact.hitTally.expected - r.exact.hitTally.found, 0);
    lines.push(
      `- Every match found, ${engineLabel(r.engine)} ${formatSize(r.contacts)}: **${ours.found === ours.expected ? 'met' : 'missed'}** ` +
        `(ours ${tallyCell(ours)}; exact text ${tallyCell(r.exact.hitTally)}, missing ${int(missedByBaselines)}; suffix scan ${tallyCell(r.suffix.hitTally)}). ` +
        `Wrong records: ours ${share(ours.callersWithWrong, ours.callers)} of hit callers and ${share(r.ours.missTally.callersWithWrong, r.ours.missTally.callers)} of miss callers.`,
    );
  }
  return lines.join('\n');
}

export function markdown(input: ReportInput): string {
  const { results, failures } = input;
  const parts = [
    '## Directory lookup',
    '',
    `Caller lookup over a demo directory (src/directory/demo-data.ts), ours against two baselines on the same rows. ${input.settings}`,
    `Machine: ${input.machine}. Whole benchmark: ${(input.totalSeconds / 60).toFixed(1)} min.`,
    '',
  ];
  if (results.length > 0) {
    parts.push(
      '### Goals',
      '',
      goals(results),
      '',
      '### Lookup time (hits and misses interleaved, one at a time)',
      '',
      lookupTable(results),
      '',
      '### Real matches found (ground truth: every record with a phone of the same E.164, from the generator)',
      '',
      matchTable(results),
      '',
      '### Import (bulkUpsert of the generated records) and memory',
      '',
      loadTable(results),
      '',
      '### Where our lookup spends its time (findByPhone step by step, same callers)',
      '',
      stageTable(results),
      '',
      '### Runs (2 cores: a load average above 2 means something was waiting for a CPU)',
      '',
      runTable(results),
      '',
    );
  }
  if (failures.length > 0) {
    parts.push('### Failed runs', '', ...failures.map((f) => `- ${engineLabel(f.engine)} ${formatSize(f.contacts)}: ${f.reason.split('\n')[0]}`), '');
  }
  return parts.join('\n');
}
