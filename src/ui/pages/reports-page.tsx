/**
 * Reports (issue 17, part 3): the calls of a date range by day, week or month, by line, by agent
 * and by queue, and the open missed calls by age; a picture to take in at a glance, the tables
 * beside it, each table as CSV. Admins see every agent's calls, anyone else their own (the service
 * decides). The range and grouping live in the address (`/reports?from=&to=&group=`), so a report
 * can be bookmarked or sent.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../api.ts';
import { useT } from '../i18n.ts';
import { fetchReport, type Grouping, type Report, type ReportAsk } from '../reports-api.ts';
import { PRESETS, presetRange, todayIn } from '../report-presets.ts';
import { formatDuration } from '../format.ts';
import { BarChart, Legend, PeriodChart } from '../components/report-charts.tsx';
import { DataTable, metricColumns, numberText, periodName, rateText, ReportSection, type Column } from '../components/report-tables.tsx';
import type { AgentRow, LineRow, MissedAgeRow, PeriodRow, QueueRow } from '../../reports/report-model.ts';
import type { BrowserTranslator as Translator } from '../../i18n/browser.ts';

const GROUPS: readonly Grouping[] = ['day', 'week', 'month'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function askFromAddress(): ReportAsk {
  const q = new URLSearchParams(location.search);
  const group = q.get('group');
  const from = q.get('from');
  const to = q.get('to');
  return { group: GROUPS.includes(group as Grouping) ? (group as Grouping) : 'day', ...(from && DATE.test(from) ? { from } : {}), ...(to && DATE.test(to) ? { to } : {}) };
}

export function ReportsPage(): JSX.Element {
  const tr = useT();
  const [ask, setAsk] = useState<ReportAsk>(askFromAddress);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    fetchReport(ask, abort.signal).then(
      (r) => {
        setReport(r);
        setError(null);
        setLoading(false);
        // The address says what is shown (the service's defaults filled in).
        const q = new URLSearchParams({ from: r.from, to: r.to, group: r.group });
        if (location.search !== `?${q}`) history.replaceState(null, '', `/reports?${q}`);
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        setError(errorText(err) || tr.t('console.api.unexpected'));
        setLoading(false);
      },
    );
    return () => abort.abort();
  }, [ask.from, ask.to, ask.group]);

  const zone = report?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const shown = { from: ask.from ?? report?.from ?? '', to: ask.to ?? report?.to ?? '' };
  return (
    <div class="page reports-page">
      <h1>{tr.t('console.nav.reports')}</h1>
      {report ? <p class="muted">{tr.t(report.scope === 'all' ? 'console.reports.scopeAll' : 'console.reports.scopeOwn', { zone: report.timeZone })}</p> : null}
      <form class="report-controls" onSubmit={(e) => e.preventDefault()} aria-label={tr.t('console.reports.range')}>
        <label>
          {tr.t('console.reports.from')}
          <input type="date" value={shown.from} max={shown.to || undefined} onChange={(e) => e.currentTarget.value && setAsk({ ...ask, from: e.currentTarget.value, to: shown.to })} />
        </label>
        <label>
          {tr.t('console.reports.to')}
          <input type="date" value={shown.to} min={shown.from || undefined} onChange={(e) => e.currentTarget.value && setAsk({ ...ask, from: shown.from, to: e.currentTarget.value })} />
        </label>
        <div class="button-row report-presets" role="group" aria-label={tr.t('console.reports.presets')}>
          {PRESETS.map((p) => (
            <button key={p} type="button" class="secondary" onClick={() => setAsk({ ...ask, ...presetRange(p, todayIn(zone)) })}>
              {tr.t(`console.reports.${p}`)}
            </button>
          ))}
        </div>
        <fieldset class="switch" aria-label={tr.t('console.reports.groupBy')}>
          {GROUPS.map((g) => (
            <label key={g} class={ask.group === g ? 'switch-on' : undefined}>
              <input type="radio" name="report-group" value={g} checked={ask.group === g} onChange={() => setAsk({ ...ask, from: shown.from, to: shown.to, group: g })} />
              {tr.t(`console.reports.${g}`)}
            </label>
          ))}
        </fieldset>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="visually-hidden" role="status">
        {loading ? tr.t('console.reports.loading') : ''}
      </p>
      {report ? <ReportBody report={report} tr={tr} stale={loading} /> : null}
    </div>
  );
}

function ReportBody({ report, tr, stale }: { report: Report; tr: Translator; stale: boolean }): JSX.Element {
  const t = report.totals;
  if (t.calls === 0 && report.missedOpen.every((m) => m.open === 0)) {
    return <p class="empty">{tr.t('console.reports.none', { from: report.from, to: report.to })}</p>;
  }
  const n = (v: number): string => numberText(v, tr);
  const missedOrAbandoned = t.missed + t.abandoned;
  const name = (v: string | null, none: string): string => v ?? none;
  const lineItems = report.lines.map((l) => ({
    key: l.line ?? '',
    name: name(l.line, tr.t('console.reports.noLine')),
    segments: [['answered', l.answered], ['missed', l.missed], ['abandoned', l.abandoned], ['outbound', l.outbound]] as ['answered' | 'missed' | 'abandoned' | 'outbound', number][],
    words: tr.t('console.reports.chart.bar', { name: name(l.line, tr.t('console.reports.noLine')), answered: l.answered, missed: l.missed, abandoned: l.abandoned, outbound: l.outbound }),
  }));
  const agentItems = report.agents.map((a) => ({
    key: a.userId ?? a.extensions.join(' '),
    name: a.name,
    segments: [['answered', a.answered], ['outbound', a.outbound], ['missed', a.missed]] as ['answered' | 'missed' | 'outbound', number][],
    words: tr.t('console.reports.chart.agentBar', { name: a.name, answered: a.answered, outbound: a.outbound, missed: a.missed }),
  }));
  const periodColumns: Column<PeriodRow>[] = [{ label: tr.t('console.reports.col.period'), value: (p) => periodName(p.period, report, tr) }, ...metricColumns<PeriodRow>(tr)];
  const lineColumns: Column<LineRow>[] = [{ label: tr.t('console.reports.col.line'), value: (l) => name(l.line, tr.t('console.reports.noLine')) }, ...metricColumns<LineRow>(tr)];
  const queueColumns: Column<QueueRow>[] = [{ label: tr.t('console.reports.col.queue'), value: (q) => name(q.queue, tr.t('console.reports.noQueue')) }, ...metricColumns<QueueRow>(tr)];
  const agentColumns: Column<AgentRow>[] = [
    { label: tr.t('console.reports.col.agent'), value: (a) => (a.userId === null ? a.name : `${a.name} (${a.extensions.join(', ')})`) },
    { label: tr.t('console.reports.col.answered'), value: (a) => n(a.answered), numeric: true },
    { label: tr.t('console.reports.col.outbound'), value: (a) => n(a.outbound), numeric: true },
    { label: tr.t('console.reports.col.missed'), value: (a) => n(a.missed), numeric: true },
    { label: tr.t('console.reports.col.p50'), value: (a) => formatDuration(a.answerP50), numeric: true },
    { label: tr.t('console.reports.col.p90'), value: (a) => formatDuration(a.answerP90), numeric: true },
    { label: tr.t('console.reports.col.talk'), value: (a) => formatDuration(a.talkSeconds), numeric: true },
    { label: tr.t('console.reports.col.talkAverage'), value: (a) => formatDuration(a.talkAverage), numeric: true },
  ];
  const ageColumns: Column<MissedAgeRow>[] = [
    { label: tr.t('console.reports.col.age'), value: (m) => tr.t(`console.reports.age.${m.age}`) },
    { label: tr.t('console.reports.col.open'), value: (m) => n(m.open), numeric: true },
  ];
  const groupWord = { group: report.group };
  return (
    <div class={stale ? 'report-body report-body--stale' : 'report-body'} aria-busy={stale}>
      <ul class="report-tiles">
        <Tile label={tr.t('console.reports.tile.calls')} value={n(t.calls)} detail={tr.t('console.reports.tile.callsDetail', { inbound: n(t.inbound), outbound: n(t.outbound) })} />
        <Tile label={tr.t('console.reports.tile.answered')} value={rateText(t.answeredRate, tr)} detail={tr.t('console.reports.tile.ofIncoming', { count: n(t.answered), inbound: t.inbound })} tone="ok" />
        <Tile label={tr.t('console.reports.tile.missed')} value={rateText(t.missedRate, tr)} detail={tr.t('console.reports.tile.ofIncoming', { count: n(t.missed), inbound: t.inbound })} tone="bad" />
        <Tile label={tr.t('console.reports.tile.abandoned')} value={rateText(t.abandonedRate, tr)} detail={tr.t('console.reports.tile.ofIncoming', { count: n(t.abandoned), inbound: t.inbound })} tone="bad" />
        <Tile label={tr.t('console.reports.tile.toAnswer')} value={formatDuration(t.answerP50)} detail={tr.t('console.reports.tile.toAnswerDetail', { p50: formatDuration(t.answerP50), p90: formatDuration(t.answerP90) })} />
        <Tile label={tr.t('console.reports.tile.talk')} value={formatDuration(t.talkSeconds)} detail={tr.t('console.reports.tile.talkDetail', { average: formatDuration(t.talkAverage) })} />
        <Tile label={tr.t('console.reports.tile.calledBack')} value={rateText(missedOrAbandoned === 0 ? null : t.calledBack1h / missedOrAbandoned, tr)} detail={tr.t('console.reports.tile.calledBackDetail', { count: n(t.calledBack1h), missed: n(missedOrAbandoned) })} />
      </ul>

      <ReportSection id="report-periods" title={tr.t('console.reports.table.periods', groupWord)} table="periods" report={report} tr={tr}>
        <figure class="report-figure">
          <figcaption class="muted">{tr.t('console.reports.chart.periods', groupWord)}</figcaption>
          <PeriodChart report={report} tr={tr} />
          <Legend kinds={['answered', 'missed', 'abandoned']} tr={tr} />
        </figure>
        <DataTable columns={periodColumns} rows={report.periods} caption={tr.t('console.reports.table.periods', groupWord)} rowKey={(p) => p.period} />
      </ReportSection>

      <ReportSection id="report-lines" title={tr.t('console.reports.table.lines')} table="lines" report={report} tr={tr}>
        <figure class="report-figure">
          <figcaption class="muted">{tr.t('console.reports.chart.lines')}</figcaption>
          <BarChart items={lineItems} label={tr.t('console.reports.chart.lines')} />
          <Legend kinds={['answered', 'missed', 'abandoned', 'outbound']} tr={tr} />
        </figure>
        <DataTable columns={lineColumns} rows={report.lines} caption={tr.t('console.reports.table.lines')} rowKey={(l) => l.line ?? ''} />
      </ReportSection>

      <ReportSection id="report-agents" title={tr.t('console.reports.table.agents')} table="agents" report={report} tr={tr}>
        <figure class="report-figure">
          <figcaption class="muted">{tr.t('console.reports.chart.agents')}</figcaption>
          <BarChart items={agentItems} label={tr.t('console.reports.chart.agents')} />
          <Legend kinds={['answered', 'outbound', 'missed']} tr={tr} />
        </figure>
        <DataTable columns={agentColumns} rows={report.agents} caption={tr.t('console.reports.table.agents')} rowKey={(a) => a.userId ?? a.extensions.join(' ')} />
      </ReportSection>

      <ReportSection id="report-queues" title={tr.t('console.reports.table.queues')} table="queues" report={report} tr={tr}>
        <DataTable columns={queueColumns} rows={report.queues} caption={tr.t('console.reports.table.queues')} rowKey={(q) => q.queue ?? ''} />
      </ReportSection>

      <ReportSection id="report-missed-open" title={tr.t('console.reports.table.missedOpen')} table="missed-open" report={report} tr={tr}>
        <p class="muted">{tr.t('console.reports.table.missedOpenNote')}</p>
        <DataTable columns={ageColumns} rows={report.missedOpen} caption={tr.t('console.reports.table.missedOpen')} rowKey={(m) => m.age} />
      </ReportSection>
    </div>
  );
}

function Tile({ label, value, detail, tone }: { label: string; value: string; detail: string; tone?: 'ok' | 'bad' }): JSX.Element {
  return (
    <li class={`report-tile${tone ? ` report-tile--${tone}` : ''}`}>
      <span class="report-tile-label">{label}</span>
      <strong class="report-tile-value">{value}</strong>
      <span class="muted report-tile-detail">{detail}</span>
    </li>
  );
}
