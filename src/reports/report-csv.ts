/**
 * Each report table as CSV (pure): a header row in the asker's language, one row per table row,
 * RFC 4180 quoting, CRLF line ends, and a byte-order mark first: without it Excel reads UTF-8 as the
 * machine's legacy code page and Russian names come out garbled.
 *
 * Text from outside (a queue's name, an agent's name) that begins with `=`, `+`, `-`, `@`, a tab or
 * a carriage return is read by spreadsheets as a formula (CSV injection, OWASP): such a cell is
 * written with a leading `'`, which spreadsheets show as text. Lines (DIDs such as `+15550100`) are
 * numbers people read, and are written the same way rather than left to be taken for a formula.
 * Rates are percentages with one decimal; times are whole seconds.
 */
import type { MessageKey } from '../i18n/messages/index.ts';
import type { AgentRow, CallMetrics, Report, ReportTable } from './report-model.ts';

type Say = (key: MessageKey) => string;
type Cell = string | number | null;

const METRIC_COLUMNS: readonly (keyof CallMetrics)[] = [
  'calls',
  'inbound',
  'outbound',
  'internal',
  'answered',
  'missed',
  'abandoned',
  'answeredRate',
  'missedRate',
  'abandonedRate',
  'answerP50',
  'answerP90',
  'talked',
  'talkSeconds',
  'talkAverage',
  'calledBack15m',
  'calledBack1h',
  'calledBackSameDay',
];
const RATES = new Set<keyof CallMetrics>(['answeredRate', 'missedRate', 'abandonedRate']);
const AGENT_COLUMNS: readonly (keyof AgentRow)[] = ['answered', 'outbound', 'missed', 'talked', 'talkSeconds', 'talkAverage', 'answerP50', 'answerP90'];

const header = (say: Say, name: string): string => say(`server.reports.csv.${name}` as MessageKey);

function metricCells(m: CallMetrics): Cell[] {
  return METRIC_COLUMNS.map((c) => {
    const v = m[c];
    return RATES.has(c) && typeof v === 'number' ? Math.round(v * 1000) / 10 : v;
  });
}

/** The table's header and rows. */
export function tableRows(report: Report, table: ReportTable, say: Say): Cell[][] {
  const metricsHeader = METRIC_COLUMNS.map((c) => header(say, c));
  switch (table) {
    case 'periods':
      return [[header(say, 'period'), header(say, 'from'), header(say, 'to'), ...metricsHeader], ...report.periods.map((p) => [p.period, p.from, p.to, ...metricCells(p)])];
    case 'lines':
      return [[header(say, 'line'), ...metricsHeader], ...report.lines.map((l) => [l.line ?? say('server.reports.csv.noLine'), ...metricCells(l)])];
    case 'queues':
      return [[header(say, 'queue'), ...metricsHeader], ...report.queues.map((q) => [q.queue ?? say('server.reports.csv.noQueue'), ...metricCells(q)])];
    case 'agents':
      return [
        [header(say, 'agent'), header(say, 'extensions'), ...AGENT_COLUMNS.map((c) => header(say, c))],
        ...report.agents.map((a) => [a.name, a.extensions.join(' '), ...AGENT_COLUMNS.map((c) => a[c] as Cell)]),
      ];
    case 'missed-open':
      return [[header(say, 'age'), header(say, 'open')], ...report.missedOpen.map((r) => [say(`server.reports.csv.age.${r.age}` as MessageKey), r.open])];
  }
}

function cell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: readonly (readonly Cell[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** `calls-lines-2026-11-23-2026-11-29.csv`: ASCII only, safe in a Content-Disposition header as is. */
export function csvFileName(report: Pick<Report, 'from' | 'to'>, table: ReportTable): string {
  return `calls-${table}-${report.from}-${report.to}.csv`;
}
