/**
 * The reports' pictures (issue 17, part 3): incoming calls per period as stacked bars (answered,
 * missed, abandoned), and one bar per line and per agent. Plain SVG as the day's chart draws it
 * (call-chart.tsx), no chart library; each bar carries its numbers in words (a `<title>` for the
 * pointer, the figure's label for screen readers), and the tables beside them hold every figure.
 */
import type { JSX } from 'preact';
import type { BrowserTranslator as Translator } from '../../i18n/browser.ts';
import type { Grouping, Report } from '../reports-api.ts';

const W = 640;
const PAD = { left: 34, right: 8, top: 10, bottom: 24 };

type Segment = 'answered' | 'missed' | 'abandoned' | 'outbound';

export function periodLabel(period: string, group: Grouping, locale: string, long = false): string {
  const date = new Date(group === 'month' ? `${period}-01T00:00:00Z` : `${period}T00:00:00Z`);
  const options: Intl.DateTimeFormatOptions =
    group === 'month' ? { month: long ? 'long' : 'short', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC', ...(long ? { weekday: 'short' as const } : {}) };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

function niceTop(max: number): { top: number; step: number } {
  const rough = Math.max(1, max) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  // Calls are whole: never a step below one.
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough);
  return { top: Math.ceil(Math.max(1, max) / step) * step, step };
}

export function PeriodChart({ report, tr }: { report: Report; tr: Translator }): JSX.Element {
  const rows = report.periods;
  const H = 170;
  const max = Math.max(0, ...rows.map((p) => p.answered + p.missed + p.abandoned));
  const { top, step } = niceTop(max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, rows.length);
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const y = (v: number): number => PAD.top + plotH - (v / top) * plotH;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  // At most about a dozen labels under the bars.
  const every = Math.max(1, Math.ceil(rows.length / 12));
  const words = rows.map((p) => tr.t('console.reports.chart.period', { period: periodLabel(p.period, report.group, tr.locale, true), answered: p.answered, missed: p.missed, abandoned: p.abandoned }));
  return (
    <svg class="chart-svg report-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={tr.t('console.reports.chart.periodsLabel', { summary: words.join('; ') })}>
      {ticks.map((v) => (
        <g key={v}>
          <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
          <text class="axis" x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
            {v}
          </text>
        </g>
      ))}
      {rows.map((p, i) => {
        const x = PAD.left + i * slot + (slot - barW) / 2;
        let base = 0;
        return (
          <g key={p.period} class="report-bar" data-period={p.period}>
            <title>{words[i]}</title>
            {(
              [
                ['answered', p.answered],
                ['missed', p.missed],
                ['abandoned', p.abandoned],
              ] as [Segment, number][]
            ).map(([kind, n]) => {
              if (n === 0) return null;
              const rect = <rect key={kind} class={`bar bar--${kind}`} x={x} width={barW} y={y(base + n)} height={y(base) - y(base + n)} rx={1.5} />;
              base += n;
              return rect;
            })}
            {i % every === 0 ? (
              <text class="axis" x={x + barW / 2} y={H - 8} text-anchor="middle">
                {periodLabel(p.period, report.group, tr.locale)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

export interface BarItem {
  key: string;
  name: string;
  segments: [Segment, number][];
  words: string;
}

/** One horizontal bar per item, its segments stacked; the busiest `limit` items (the table has them all). */
export function BarChart({ items, label, limit = 12 }: { items: BarItem[]; label: string; limit?: number }): JSX.Element {
  const shown = items.slice(0, limit);
  const row = 22;
  const nameW = 150;
  const H = Math.max(1, shown.length) * row + 6;
  const max = Math.max(1, ...shown.map((i) => i.segments.reduce((s, [, n]) => s + n, 0)));
  const plotW = W - nameW - 50;
  return (
    <svg class="chart-svg report-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: ${shown.map((i) => i.words).join('; ')}`}>
      {shown.map((item, i) => {
        let x = nameW;
        const total = item.segments.reduce((s, [, n]) => s + n, 0);
        const top = 3 + i * row;
        return (
          <g key={item.key} class="report-hbar" data-key={item.key}>
            <title>{item.words}</title>
            <text class="axis axis--name" x={nameW - 8} y={top + 14} text-anchor="end">
              {item.name.length > 22 ? `${item.name.slice(0, 21)}…` : item.name}
            </text>
            {item.segments.map(([kind, n]) => {
              if (n === 0) return null;
              const w = (n / max) * plotW;
              const rect = <rect key={kind} class={`bar bar--${kind}`} x={x} y={top + 2} width={w} height={row - 8} rx={1.5} />;
              x += w;
              return rect;
            })}
            <text class="axis" x={x + 6} y={top + 14}>
              {total}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function Legend({ kinds, tr }: { kinds: Segment[]; tr: Translator }): JSX.Element {
  return (
    <p class="legend" aria-hidden="true">
      {kinds.map((k) => (
        <span key={k}>
          <span class={`swatch swatch--${k}`} /> {tr.t(`console.reports.legend.${k}`)}{' '}
        </span>
      ))}
    </p>
  );
}
