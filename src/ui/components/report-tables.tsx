/**
 * The reports' tables (issue 17, part 3): every figure of the pictures, one table per view, each
 * with its CSV download. Counts in the reader's number format, rates as percentages of incoming
 * calls, times as clock readings (`0:42`).
 */
import type { ComponentChildren, JSX } from 'preact';
import type { BrowserTranslator as Translator } from '../../i18n/browser.ts';
import { formatDuration } from '../format.ts';
import { csvUrl, type Report, type ReportTable } from '../reports-api.ts';
import type { CallMetrics } from '../../reports/report-model.ts';
import { periodLabel } from './report-charts.tsx';

export interface Column<R> {
  label: string;
  value(row: R): string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
}

export function numberText(n: number, tr: Translator): string {
  return new Intl.NumberFormat(tr.locale).format(n);
}

export function rateText(rate: number | null, tr: Translator): string {
  return rate === null ? '–' : new Intl.NumberFormat(tr.locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

/** A count with its share of incoming calls: `12 (8.5%)`. */
function withRate(count: number, rate: number | null, tr: Translator): string {
  return rate === null ? numberText(count, tr) : tr.t('console.reports.rate', { count: numberText(count, tr), rate: rateText(rate, tr) });
}

/** The columns every call table has after its first. */
export function metricColumns<R extends CallMetrics>(tr: Translator): Column<R>[] {
  const n = (v: number): string => numberText(v, tr);
  return [
    { label: tr.t('console.reports.col.calls'), value: (r) => n(r.calls), numeric: true },
    { label: tr.t('console.reports.col.inbound'), value: (r) => n(r.inbound), numeric: true },
    { label: tr.t('console.reports.col.outbound'), value: (r) => n(r.outbound), numeric: true },
    { label: tr.t('console.reports.col.answered'), value: (r) => withRate(r.answered, r.answeredRate, tr), numeric: true },
    { label: tr.t('console.reports.col.missed'), value: (r) => withRate(r.missed, r.missedRate, tr), numeric: true },
    { label: tr.t('console.reports.col.abandoned'), value: (r) => withRate(r.abandoned, r.abandonedRate, tr), numeric: true },
    { label: tr.t('console.reports.col.p50'), value: (r) => formatDuration(r.answerP50), numeric: true },
    { label: tr.t('console.reports.col.p90'), value: (r) => formatDuration(r.answerP90), numeric: true },
    { label: tr.t('console.reports.col.talk'), value: (r) => formatDuration(r.talkSeconds), numeric: true },
    { label: tr.t('console.reports.col.talkAverage'), value: (r) => formatDuration(r.talkAverage), numeric: true },
    { label: tr.t('console.reports.col.cb15'), value: (r) => n(r.calledBack15m), numeric: true },
    { label: tr.t('console.reports.col.cb1h'), value: (r) => n(r.calledBack1h), numeric: true },
    { label: tr.t('console.reports.col.cbDay'), value: (r) => n(r.calledBackSameDay), numeric: true },
  ];
}

export function DataTable<R>({ columns, rows, caption, rowKey }: { columns: Column<R>[]; rows: R[]; caption: string; rowKey(row: R): string }): JSX.Element {
  return (
    <div class="table-wrap">
      <table class="report-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" class={c.numeric ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c, i) =>
                i === 0 ? (
                  <th key={c.label} scope="row">
                    {c.value(r)}
                  </th>
                ) : (
                  <td key={c.label} class={c.numeric ? 'num' : undefined}>
                    {c.value(r)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A table's section: its heading, its CSV link, what it holds. */
export function ReportSection({ id, title, table, report, tr, children }: { id: string; title: string; table: ReportTable; report: Report; tr: Translator; children: ComponentChildren }): JSX.Element {
  return (
    <section class="report-section" aria-labelledby={id} data-table={table}>
      <div class="report-section-head">
        <h2 id={id}>{title}</h2>
        <a class="csv-link" href={csvUrl(table, report)} download aria-label={tr.t('console.reports.csvLabel', { table: title })}>
          {tr.t('console.reports.csv')}
        </a>
      </div>
      {children}
    </section>
  );
}

export function periodName(period: string, report: Report, tr: Translator): string {
  const label = periodLabel(period, report.group, tr.locale, true);
  return report.group === 'week' ? tr.t('console.reports.weekOf', { date: label }) : label;
}
