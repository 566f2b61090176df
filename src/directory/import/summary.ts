/** The import summary for people: counts, then skipped rows and warnings with their line numbers. Pure. */
import { translator, type Translator } from '../../i18n/translator.ts';
import type { Delimiter } from './csv-records.ts';
import type { ImportIssue, ImportSummary } from './importer.ts';

/** Skipped rows printed one per line; the rest are counted (and listed by `--json`). */
const MAX_PRINTED_SKIPS = 50;
/** Warnings are grouped by message; this many line numbers shown per group. */
const MAX_PRINTED_LINES = 12;

const DELIMITER_WORDS: Readonly<Record<Delimiter, string>> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** The summary in `texts`' language (the command line's); the reasons of skipped rows and warnings are the importer's own words. */
export function formatImportSummary(summary: ImportSummary, file: string, texts: Translator = translator('en')): string {
  const t = texts.t.bind(texts);
  const seconds = summary.elapsedMs / 1000;
  const read = { type: summary.type, file, delimiter: DELIMITER_WORDS[summary.delimiter], rows: summary.rows, seconds };
  const out: string[] = [
    // A rate over a few milliseconds says nothing.
    seconds >= 0.5 ? t('cli.import.summaryRate', { ...read, rate: Math.round(summary.rows / seconds) }) : t('cli.import.summary', read),
    t('cli.import.created', { count: summary.created }),
    summary.updated > 0 ? t('cli.import.updatedKnown', { count: summary.updated, type: summary.type }) : t('cli.import.updated', { count: summary.updated }),
    t('cli.import.skipped', { count: summary.skipped }),
  ];
  if (summary.warned > 0) out.push(t('cli.import.warned', { count: summary.warned }));
  if (summary.skipped > 0) {
    out.push('', t('cli.import.skippedHeading'));
    for (const s of summary.skippedRows.slice(0, MAX_PRINTED_SKIPS)) out.push(t('cli.import.skippedRow', { line: s.line, reason: s.reason }));
    const more = summary.skipped - Math.min(summary.skippedRows.length, MAX_PRINTED_SKIPS);
    if (more > 0) {
      out.push(summary.skippedRows.length > MAX_PRINTED_SKIPS ? t('cli.import.moreSkippedListed', { count: more, listed: summary.skippedRows.length }) : t('cli.import.moreSkipped', { count: more }));
    }
  }
  if (summary.warnings.length > 0) {
    out.push('', t('cli.import.warningsHeading'));
    for (const [reason, lines] of groupByReason(summary.warnings)) {
      const shown = { count: lines.length, lines: lines.slice(0, MAX_PRINTED_LINES).join(', '), reason };
      out.push(lines.length > MAX_PRINTED_LINES ? t('cli.import.warningLinesMore', { ...shown, more: lines.length - MAX_PRINTED_LINES }) : t('cli.import.warningLines', shown));
    }
  }
  if (summary.ignoredColumns.length > 0) {
    out.push('', t('cli.import.ignoredColumns', { type: summary.type, columns: summary.ignoredColumns.map((c) => JSON.stringify(c)).join(', ') }));
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
