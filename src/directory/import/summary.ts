/** The import summary for people: counts, then skipped rows and warnings with their line numbers. Pure. */
import type { ImportIssue, ImportSummary } from './importer.ts';

/** Skipped rows printed one per line; the rest are counted (and listed by `--json`). */
const MAX_PRINTED_SKIPS = 50;
/** Warnings are grouped by message; this many line numbers shown per group. */
const MAX_PRINTED_LINES = 12;

export function formatImportSummary(summary: ImportSummary, file: string): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const seconds = summary.elapsedMs / 1000;
  // A rate over a few milliseconds says nothing.
  const rate = seconds >= 0.5 ? `, ${n(Math.round(summary.rows / seconds))} rows/s` : '';
  const out: string[] = [
    `Imported ${summary.type} from ${file}: ${n(summary.rows)} ${summary.rows === 1 ? 'row' : 'rows'} read in ${seconds.toFixed(1)} s${rate}.`,
    `  created: ${n(summary.created)}`,
    `  updated: ${n(summary.updated)}${summary.updated > 0 ? ` (${summary.type === 'users' ? 'logins' : 'ids'} already in the directory)` : ''}`,
    `  skipped: ${n(summary.skipped)}`,
  ];
  if (summary.warned > 0) out.push(`  imported with warnings: ${n(summary.warned)}`);
  if (summary.skipped > 0) {
    out.push('', 'Skipped rows (the good rows are in; fix these and import the file again, which updates rather than duplicates):');
    for (const s of summary.skippedRows.slice(0, MAX_PRINTED_SKIPS)) out.push(`  line ${s.line}: ${s.reason}`);
    const more = summary.skipped - Math.min(summary.skippedRows.length, MAX_PRINTED_SKIPS);
    if (more > 0) out.push(`  ... and ${n(more)} more${summary.skippedRows.length > MAX_PRINTED_SKIPS ? ` (--json lists the first ${n(summary.skippedRows.length)})` : ''}.`);
  }
  if (summary.warnings.length > 0) {
    out.push('', 'Warnings (these rows were imported):');
    for (const [reason, lines] of groupByReason(summary.warnings)) {
      const shown = lines.slice(0, MAX_PRINTED_LINES).join(', ');
      const rest = lines.length > MAX_PRINTED_LINES ? ` and ${n(lines.length - MAX_PRINTED_LINES)} more` : '';
      out.push(`  ${lines.length === 1 ? 'line' : 'lines'} ${shown}${rest}: ${reason}`);
    }
  }
  if (summary.ignoredColumns.length > 0) {
    out.push('', `Columns not imported (not ${summary.type} columns; rename them with --map to import them): ${summary.ignoredColumns.map((c) => JSON.stringify(c)).join(', ')}.`);
  }
  return `${out.join('\n')}\n`;
}

function groupByReason(issues: readonly ImportIssue[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const i of issues) {
    const lines = groups.get(i.reason);
    if (lines) lines.push(i.line);
    else groups.set(i.reason, [i.line]);
  }
  return groups;
}
