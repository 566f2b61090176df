/**
 * Today's calls per hour, answered and missed: a picture people take in at a glance (they would
 * rather see call volumes and missed calls than read them). Plain SVG, no chart library; the
 * numbers are also in words for screen readers.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { callsPerHour, type HourBucket } from '../live/hourly.ts';
import { useApp } from '../app-context.ts';
import { useT } from '../i18n.ts';
import type { BrowserTranslator as Translator } from '../../i18n/browser.ts';

const W = 560;
const H = 150;
const PAD = { left: 28, right: 8, top: 10, bottom: 22 };

export function CallChart({ reloadKey }: { reloadKey: number }): JSX.Element {
  const tr = useT();
  const { user } = useApp();
  const [buckets, setBuckets] = useState<HourBucket[] | null>(null);
  const [totals, setTotals] = useState({ calls: 0, answered: 0, missed: 0, elsewhere: 0 });
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let stale = false;
    // A call that just ended reaches the log a moment after its last event: wait a little.
    const t = window.setTimeout(
      () =>
        api.myCalls().then(
          (res) => {
            if (stale) return;
            const b = callsPerHour(
              res.calls.map((c) => c.record),
              new Date(),
              user.extensions,
            );
            setBuckets(b);
            setTotals(b.reduce((s, x) => ({ calls: s.calls + x.answered + x.missed + x.elsewhere + x.other, answered: s.answered + x.answered, missed: s.missed + x.missed, elsewhere: s.elsewhere + x.elsewhere }), { calls: 0, answered: 0, missed: 0, elsewhere: 0 }));
            setFailed(false);
          },
          () => !stale && setFailed(true),
        ),
      reloadKey === 0 ? 0 : 800,
    );
    return () => {
      stale = true;
      window.clearTimeout(t);
    };
  }, [reloadKey, user.extensions]);

  const summary = tr.t('console.chart.summary', totals);
  return (
    <section class="chart" aria-labelledby="chart-heading">
      <h2 id="chart-heading">{tr.t('console.chart.heading')}</h2>
      {failed ? <p class="muted">{tr.t('console.chart.unreadable')}</p> : <p class="chart-summary">{summary}</p>}
      {buckets ? <Bars buckets={buckets} summary={summary} tr={tr} /> : null}
      <p class="legend" aria-hidden="true">
        <span class="swatch swatch--answered" /> {tr.t('console.chart.answered')} <span class="swatch swatch--missed" /> {tr.t('console.chart.missed')} <span class="swatch swatch--elsewhere" /> {tr.t('console.chart.elsewhere')} <span class="swatch swatch--other" /> {tr.t('console.chart.other')}
      </p>
    </section>
  );
}

function Bars({ buckets, summary, tr }: { buckets: HourBucket[]; summary: string; tr: Translator }): JSX.Element {
  const max = Math.max(1, ...buckets.map((b) => b.answered + b.missed + b.elsewhere + b.other));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / buckets.length;
  const barW = Math.max(4, Math.min(28, slot * 0.62));
  const y = (v: number): number => PAD.top + plotH - (v / top) * plotH;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return (
    <svg class="chart-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={tr.t('console.chart.label', { summary })}>
      {ticks.map((v) => (
        <g key={v}>
          <line class="grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
          <text class="axis" x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
            {v}
          </text>
        </g>
      ))}
      {buckets.map((b, i) => {
        const x = PAD.left + i * slot + (slot - barW) / 2;
        const segments: [string, number][] = [
          ['answered', b.answered],
          ['missed', b.missed],
          ['elsewhere', b.elsewhere],
          ['other', b.other],
        ];
        let base = 0;
        return (
          <g key={b.hour}>
            <title>{tr.t('console.chart.hour', { from: `${b.hour}:00`, to: `${b.hour + 1}:00`, answered: b.answered, missed: b.missed, elsewhere: b.elsewhere, other: b.other })}</title>
            {segments.map(([kind, n]) => {
              if (n === 0) return null;
              const rect = <rect key={kind} class={`bar bar--${kind}`} x={x} width={barW} y={y(base + n)} height={y(base) - y(base + n)} rx={2} />;
              base += n;
              return rect;
            })}
            {b.hour % 2 === 0 || buckets.length <= 12 ? (
              <text class="axis" x={x + barW / 2} y={H - 6} text-anchor="middle">
                {b.hour}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

function niceStep(max: number): number {
  if (max <= 5) return 1;
  if (max <= 10) return 2;
  if (max <= 25) return 5;
  return Math.ceil(max / 5 / 10) * 10;
}
