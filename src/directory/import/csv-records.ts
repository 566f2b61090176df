/**
 * Reads a CSV stream into rows with their line numbers, keeping every good row even when others
 * are broken. csv-parse does the parsing (BOM, quoted commas and line breaks, "" escapes); this
 * module adds what an importer of hand-edited files needs:
 *
 * - Stray quotes inside a value (`5" monitor`) are taken literally (relax_quotes).
 * - An opening quote that is never closed makes csv-parse read the following lines as part of one
 *   value, up to the next quote or the end of the file. Such a record has the wrong number of
 *   fields, or a line break inside a column that never holds one (an id, a name, a phone); we then
 *   re-read its lines one by one, so the rows it swallowed are imported and only the line with
 *   the bad quote is reported.
 * - `\r\n`, `\n` and `\r` all end a record, even mixed in one file (concatenated exports).
 * - Blank lines, and rows with nothing but separators (spreadsheets leave them), are passed over.
 */
import type { Readable } from 'node:stream';
import { parse, type CsvError, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

export type BrokenCode = 'BAD_QUOTING' | 'COLUMN_COUNT';

export type CsvItem =
  | { kind: 'row'; line: number; fields: string[] }
  | { kind: 'broken'; line: number; code: BrokenCode; reason: string };

/** What the header decides about the rows that follow it. */
export interface CsvShape {
  /** Fields every row must have. */
  width: number;
  /** Positions of values that cannot hold a line break; one that does betrays a missing quote. */
  oneLine: readonly number[];
}

const LINE_BREAK = /\r\n|\n|\r/g;
const TRAILING_BREAK = /(\r\n|\n|\r)$/;
const HAS_BREAK = /[\r\n]/;

const PARSE_OPTIONS = (): Options => ({
  relax_quotes: true,
  relax_column_count: true,
  record_delimiter: ['\r\n', '\n', '\r'],
});

/**
 * Yields the rows after the header, in file order. `onHeader` receives the first non-blank record
 * and returns the shape of the rest (it may throw to refuse the file). Line numbers count physical
 * lines from 1, the header included, as an editor shows them.
 */
export async function* readCsv(input: Readable, onHeader: (fields: string[], line: number) => CsvShape): AsyncGenerator<CsvItem> {
  const skipped: { raw: string }[] = [];
  const parser = input.pipe(
    parse({
      ...PARSE_OPTIONS(),
      bom: true,
      raw: true,
      skip_records_with_error: true,
      // With relaxed quotes and column counts, the one error left is a quote still open at the end.
      on_skip: (_err: CsvError | undefined, raw: string | undefined) => {
        skipped.push({ raw: raw ?? '' });
        return undefined;
      },
    }),
  );
  // A read error (a file that vanished) must end the iteration, not hang it.
  input.once('error', (err) => parser.destroy(err));

  let shape: CsvShape | undefined;
  const emit = function* (fields: string[], firstLine: number, lastLine: number, raw: string): Generator<CsvItem> {
    if (isBlank(fields)) return;
    if (shape === undefined) {
      shape = onHeader(fields, firstLine);
      return;
    }
    const spansLines = lastLine > firstLine;
    const widthOk = fields.length === shape.width;
    if (spansLines && (!widthOk || shape.oneLine.some((i) => HAS_BREAK.test(fields[i] ?? '')))) {
      yield* reReadLines(raw, firstLine, shape);
    } else if (!widthOk) {
      yield columnCount(firstLine, fields.length, shape.width);
    } else {
      yield { kind: 'row', line: firstLine, fields };
    }
  };

  // We count lines ourselves: csv-parse counts "\r\n" inside a quoted value as two lines. Every
  // record (blank lines included, as we keep skip_empty_lines off) ends with one line break.
  let nextLine = 1;
  for await (const item of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    const content = item.raw.replace(TRAILING_BREAK, '');
    const firstLine = nextLine;
    nextLine += countBreaks(content) + 1;
    yield* emit(item.record, firstLine, nextLine - 1, content);
  }
  // With quotes and column counts relaxed, the parser skips only a quote still open at the end of
  // the file, after every record it could read: so the skipped text starts where they stopped.
  for (const s of skipped) yield* fromSkipped(s);

  function* fromSkipped(s: { raw: string }): Generator<CsvItem> {
    const content = s.raw.replace(TRAILING_BREAK, '');
    const firstLine = nextLine;
    nextLine += countBreaks(content) + 1;
    if (shape === undefined) {
      // The header itself never closed a quote: nothing can be read reliably.
      shape = onHeader([content], firstLine);
      return;
    }
    yield* reReadLines(content, firstLine, shape);
  }
}

/** Reads each physical line of a record on its own; see the module comment. */
function* reReadLines(content: string, firstLine: number, shape: CsvShape): Generator<CsvItem> {
  const lines = content.split(LINE_BREAK);
  for (let i = 0; i < lines.length; i += 1) {
    const text = lines[i]!;
    const line = firstLine + i;
    let fields: string[] | undefined;
    try {
      // An odd number of quotes is what broke the run: this line opens or closes a value it should not.
      if (countQuotes(text) % 2 === 1) throw new Error('unpaired quote');
      fields = (parseSync(text, PARSE_OPTIONS()) as string[][])[0];
    } catch {
      yield {
        kind: 'broken',
        line,
        code: 'BAD_QUOTING',
        reason: `bad quoting: this line has a quote that does not pair up, so its value ran into the next lines. Close the quote, or write a quote inside a value as two quotes ("").`,
      };
      continue;
    }
    if (fields === undefined || isBlank(fields)) continue;
    if (fields.length !== shape.width) yield columnCount(line, fields.length, shape.width, text.includes('"'));
    else yield { kind: 'row', line, fields };
  }
}

function columnCount(line: number, got: number, want: number, quotes = false): CsvItem {
  const hint = quotes
    ? 'a quote on a line above may have run on to this one; check the quotes'
    : got > want
      ? 'a comma inside a value needs the value in quotes'
      : 'a field is missing';
  return { kind: 'broken', line, code: quotes ? 'BAD_QUOTING' : 'COLUMN_COUNT', reason: `wrong column count: ${got} fields where the header has ${want} (${hint}).` };
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n += 1;
  return n;
}

function countBreaks(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(LINE_BREAK)) n += 1;
  return n;
}
