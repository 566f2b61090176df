/** The outage benchmark's Markdown report. */
import { table } from '../service-bench/machine.ts';
import { PROBLEMS, type Example } from './compare.ts';
import type { ConfigurationResult, RunSettings } from './run-configuration.ts';

const n = (x: number, d = 0): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—');
const name = (r: ConfigurationResult): string => `${r.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${r.cdr === 'csv' ? 'CDR source Master.csv' : 'no CDR source (baseline)'}`;
/** Mean / max of seconds. */
const behind = (xs: number[]): string => (xs.length === 0 ? '—' : `${n(xs.reduce((a, b) => a + b, 0) / xs.length, 1)} / ${n(Math.max(...xs), 1)} s`);
/** A goal figure: bold when it is not 0. */
const goal = (x: number): string => (x === 0 ? '0' : `**${n(x)}**`);

function exampleLine(e: Example): string {
  const id = e.truth?.id ?? e.logged?.id ?? '?';
  const kind = e.truth === null ? '' : ` (${e.truth.direction}${e.truth.queue === null ? '' : `, queue ${e.truth.queue}`}${e.truth.transfers.length > 0 ? `, ${e.truth.transfers.map((t) => t.kind).join('+')} transfer` : ''}${e.truth.clickToCallId === null && e.truth.originate === null ? '' : ', originated'})`;
  const diff = e.differences.length > 0 ? `: ${e.differences.slice(0, 5).join('; ')}` : '';
  return `- ${e.problem} \`${id}\`${kind}${e.touchedByOutage ? '' : ', no outage during the call'}${e.pbxStalled ? ', during a PBX stall' : ''}, logged record from ${e.provenance}${diff}`;
}

export function outageMarkdown(results: ConfigurationResult[], failures: string[], s: RunSettings, machine: string, wallMinutes: number): string {
  const minutes = s.durationMs / 60_000;
  const lines = [
    '## Outage recovery',
    '',
    `The PBX simulator at ${n(s.callsPerSecond)} calls/s for ${minutes >= 1 ? `${n(minutes, minutes % 1 === 0 ? 0 : 1)} min` : `${n(s.durationMs / 1000)} s`} (the load's default mix), while the AMI link between the service and the PBX is cut ${s.cuts} times and the service (\`node src/main.ts\`, its own process) is killed with SIGKILL ${s.kills} times and started again 1-3 s later. The truth is an AMI session that is never cut, read by the same call engine. Counted after the PBX's last call ended and the service read the CDRs of every gap. Goal (issue 11): lost, duplicated, left open, wrong outcome, wrong talk and wrong direction all 0. How each figure is taken: bench/README.md.`,
    `Machine: ${machine}. Whole benchmark: ${n(wallMinutes, 1)} min. Seed ${s.seed}; Cdr events over AMI ${s.cdrEvents ? 'on' : 'off (Master.csv only)'}; ${s.timestampEvents ? 'events carry the PBX\'s time (`timestampevents = yes`)' : 'events without `Timestamp:` (Asterisk\'s default: times are arrival times)'}.`,
    '',
    table(
      ['configuration', 'placed', 'logged', 'lost', 'duplicated', 'left open', 'wrong outcome', 'wrong talk (> 1 s)', 'wrong direction', 'corrected from CDR', 'rebuilt from CDR', 'wall time'],
      results.map((r) => {
        const c = r.comparison;
        return [name(r), n(c.placed), n(c.logged), goal(c.lost), goal(c.duplicated), goal(c.leftOpen), goal(c.wrongOutcome), goal(c.wrongTalk), goal(c.wrongDirection), n(c.fromCdr.corrected), n(c.fromCdr.rebuilt), `${n(r.wallSeconds / 60, 1)} min`];
      }),
    ),
    '',
    table(
      ['configuration', 'link cuts', 'down after a cut (mean / max)', 'kills', 'down after a kill (mean / max)', 'call log behind at a kill (mean / max)', 'gaps recorded', 'gaps read', 'settle', 'still "ended while disconnected"', 'service warnings / errors'],
      results.map((r) => [
        name(r),
        `${r.outages.cuts}${r.outages.cutsDeferred > 0 ? ` (${r.outages.cutsDeferred} waited for a recovery)` : ''}`,
        `${n(r.outages.downAfterCut.mean, 1)} / ${n(r.outages.downAfterCut.max, 1)} s`,
        String(r.outages.kills),
        `${n(r.outages.downAfterKill.mean, 1)} / ${n(r.outages.downAfterKill.max, 1)} s`,
        behind(r.outages.callLogBehindAtKills),
        `${r.gaps.total} (${Object.entries(r.gaps.byCause).map(([k, v]) => `${v} ${k}`).join(', ')})`,
        Object.entries(r.gaps.byState).map(([k, v]) => `${v} ${k}`).join(', '),
        `${n(r.settle.seconds)} s, ${r.settle.outcome}`,
        n(r.comparison.stillEndedWhileDisconnected),
        `${r.serviceLog.warnings} / ${r.serviceLog.errors}`,
      ]),
    ),
  ];
  lines.push(
    '',
    'The PBX side: the simulator, its Master.csv, the link and the truth share the benchmark\'s process (the service runs in its own). Events are timed by their arrival, by the truth as by the service, so the two agree however late the PBX sends them; a CDR keeps the times the call\'s script meant. When the PBX\'s process stalls (a GC, or no CPU for it), the events due meanwhile go out late, and a record corrected from the CDR differs from the truth by the stall: such calls are counted apart below ("during PBX stalls": answered, transferred or ended inside a stall of more than 200 ms or in the 300 ms after it; the stall may explain them, or not: stalls come with the service\'s restarts, which take the CPU). "CEL late" compares each CEL record\'s arrival with the second its script meant (a lower bound: CEL times are whole seconds).',
    '',
    table(
      ['configuration', 'service CPU', 'call log behind the PBX (worst, every 10 s)', 'PBX process CPU', 'its event-loop delay p99 / max', 'PBX stalls > 200 ms (total, longest)', 'machine busy', 'load average at the end', 'CEL records late by > 1 s', 'latest'],
      results.map((r) => [
        name(r),
        `${n(r.machine.serviceCpuCores * 100)}% of a core`,
        `${n(r.machine.callLogBehindMax, 1)} s`,
        `${n(r.machine.pbxProcess.cpuCores * 100)}% of a core`,
        `${n(r.machine.pbxProcess.loopDelayP99, 1)} / ${n(r.machine.pbxProcess.loopDelayMax)} ms`,
        `${r.machine.pbxStalls.count} (${n(r.machine.pbxStalls.totalMs / 1000, 1)} s, ${n(r.machine.pbxStalls.maxMs / 1000, 1)} s)`,
        r.machine.busyShare === null ? '—' : `${n(r.machine.busyShare * 100)}%`,
        n(r.machine.loadAverage, 2),
        `${n(r.truth.lateness.lateOver1s)} of ${n(r.truth.lateness.cel)}`,
        `${n(r.truth.lateness.maxMs)} ms`,
      ]),
    ),
    '',
    ...results.map((r) => {
      const c = r.comparison;
      const stalled = PROBLEMS.flatMap((p) => (c.duringPbxStalls[p] === undefined ? [] : [`${c.duringPbxStalls[p]} ${p}`]));
      return `- ${name(r)}: ${n(c.touchedByOutages)} calls lived through an outage (their start-to-end overlapped a cut or a kill until the service was ready again, ±1 s); ${n(c.callsWithProblems)} calls have a problem, ${n(c.problemsUntouchedByOutages)} of them touched by no outage; during PBX stalls: ${stalled.length === 0 ? 'none' : stalled.join(', ')}. Load: ${n(r.load.events)} AMI events in ${n(r.load.seconds)} s; the truth saw ${n(r.truth.events)}.`;
    }),
  );
  const lossy = results.filter((r) => r.outages.lostByOutage.length > 0);
  if (lossy.length > 0) {
    lines.push('', 'Lost calls by the outage that lost them (the first outage not yet over when the call ended; the eight that lost most), with how far behind the PBX the call log was just before each kill:', '');
    for (const r of lossy) {
      const all = [...r.outages.lostByOutage].sort((a, b) => b.lost - a.lost);
      const parts = all.slice(0, 8).map((o) => `${o.kind} at ${o.atSeconds} s: ${n(o.lost)}${o.callLogBehind === null ? '' : ` (log ${n(o.callLogBehind, 1)} s behind)`}`);
      const rest = all.slice(8);
      if (rest.length > 0) parts.push(`${rest.length} more outages: ${n(rest.reduce((a, o) => a + o.lost, 0))}`);
      lines.push(`- ${name(r)}: ${parts.join('; ')}`);
    }
  }
  const checks: string[] = [];
  for (const r of results) {
    if (r.truth.observerDisconnects > 0) checks.push(`${name(r)}: the truth's own session dropped ${r.truth.observerDisconnects} times: the truth has holes, the figures are not to be trusted.`);
    if (r.truth.calls !== r.load.placed) checks.push(`${name(r)}: the load placed ${r.load.placed} calls, the truth saw ${r.truth.calls}.`);
    if (r.truth.open > 0) checks.push(`${name(r)}: ${r.truth.open} calls still open in the truth after the load.`);
    if (r.truth.engineErrors > 0) checks.push(`${name(r)}: the truth's engine reported ${r.truth.engineErrors} engine errors (${r.truth.engineErrorExamples.join('; ')}).`);
    if (r.outages.unexpectedExits.length > 0) checks.push(`${name(r)}: the service exited on its own: ${r.outages.unexpectedExits.join('; ')}.`);
    if (r.cdrCsv !== null && (r.cdrCsv.notRecorded > 0 || r.cdrCsv.failed > 0)) checks.push(`${name(r)}: Master.csv: ${r.cdrCsv.notRecorded} CDRs too long to record, ${r.cdrCsv.failed} failed writes.`);
  }
  if (checks.length > 0) lines.push('', 'Checks of the harness:', ...checks.map((c) => `- ${c}`));
  const withProblems = results.filter((r) => r.comparison.callsWithProblems > 0);
  if (withProblems.length > 0) {
    lines.push(
      '',
      'Where the wrong records came from. The logged record\'s flags: `cdr-corrected` / `cdr-rebuilt` (`fromCdr`), `ended-while-disconnected` (the CDR never told how it ended), `recovered` (found going on at a reconnect), `events` (no flag at all, although the call may have lived through an outage: a call restored from the store after a kill carries none), `none` (nothing logged):',
      '',
    );
    for (const r of withProblems) {
      const parts = PROBLEMS.flatMap((p) => {
        const by = r.comparison.byProvenance[p];
        return by === undefined ? [] : [`${p} ${Object.entries(by).map(([k, v]) => `${v} ${k}`).join(', ')}`];
      });
      lines.push(`- ${name(r)}: ${parts.join('; ')}`);
    }
    lines.push('', 'The kinds of call (as the truth tells them) / logged record that went wrong most, per problem:', '');
    for (const r of withProblems) {
      const parts = PROBLEMS.flatMap((p) => {
        const by = Object.entries(r.comparison.byKind[p] ?? {}).sort((a, b) => b[1] - a[1]);
        if (by.length === 0) return [];
        const top = by.slice(0, 5).map(([k, v]) => `${v} ${k}`);
        if (by.length > 5) top.push(`${by.slice(5).reduce((a, [, v]) => a + v, 0)} other`);
        return [`${p}: ${top.join(', ')}`];
      });
      lines.push(`- ${name(r)}: ${parts.join('; ')}`);
    }
    const csv = withProblems.find((r) => r.cdr === 'csv');
    if (csv !== undefined) {
      lines.push('', `Examples with the CDR source (${name(csv)}; every example's truth and logged records are in outage-recovery.json):`, '');
      // Per problem, one example of each kind of logged record (its provenance), at most three.
      const seen = new Set<string>();
      const perProblem = new Map<string, number>();
      for (const e of [...csv.comparison.examples].sort((a, b) => Number(a.pbxStalled) - Number(b.pbxStalled))) {
        const k = perProblem.get(e.problem) ?? 0;
        if (k >= 3 || seen.has(`${e.problem} ${e.provenance}`)) continue;
        seen.add(`${e.problem} ${e.provenance}`);
        perProblem.set(e.problem, k + 1);
        lines.push(exampleLine(e));
      }
    }
  }
  if (failures.length > 0) lines.push('', 'Failed runs:', ...failures.map((f) => `- ${f}`));
  return `${lines.join('\n')}\n`;
}
