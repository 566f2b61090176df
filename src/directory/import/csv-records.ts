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
 * - The separator is the header line's: `,`, `;` (what Excel writes where the decimal mark is a
 *   comma: most of Europe, Russia) or a tab, whichever it has most of outside quotes. A header
 *   with none of them is one column, read with commas.
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { parse, type CsvError, type Options, type Parser } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

export type BrokenCode = 'BAD_QUOTING' | 'COLUMN_COUNT';

/** The separators a file's header may use. */
export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

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

/** How far into a file the header line is looked for; a longer one is judged on this much. */
const HEADER_SNIFF_BYTES = 64 * 1024;

const PARSE_OPTIONS = (delimiter: Delimiter): Options => ({
  delimiter,
  relax_quotes: true,
  relax_column_count: true,
  record_delimiter: ['\r\n', '\n', '\r'],
});

/**
 * Yields the rows after the header, in file order. `onHeader` receives the first non-blank record
 * and the separator found in it, and returns the shape of the rest (it may throw to refuse the
 * file). Line numbers count physical lines from 1, the header included, as an editor shows them.
 */
export async function* readCsv(input: Readable, onHeader: (fields: string[], line: number, delimiter: Delimiter) => CsvShape): AsyncGenerator<CsvItem> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  // The parser needs its separator before the first byte: read up to the header line to choose it.
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < HEADER_SNIFF_BYTES && !hasHeaderLine(head)) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    headBytes += chunk.length;
  }
  const delimiter = sniffDelimiter(Buffer.concat(head).toString('utf8'));
  const skipped: { raw: string }[] = [];
  const parser = parse({
    ...PARSE_OPTIONS(delimiter),
    bom: true,
    raw: true,
    skip_records_with_error: true,
    // With relaxed quotes and column counts, the one error left is a quote still open at the end.
    on_skip: (_err: CsvError | undefined, raw: string | undefined) => {
      skipped.push({ raw: raw ?? '' });
      return undefined;
    },
  });
  // A read error (a file that vanished) ends the iteration, not hangs it; so does a refused header
  // (the input is then closed, not left open).
  const fed = feed(parser, head, chunks);

  let shape: CsvShape | undefined;
  const emit = function* (fields: string[], firstLine: number, lastLine: number, raw: string): Generator<CsvItem> {
    if (isBlank(fields)) return;
    if (shape === undefined) {
      shape = onHeader(fields, firstLine, delimiter);
      return;
    }
    const spansLines = lastLine > firstLine;
    const widthOk = fields.length === shape.width;
    if (spansLines && (!widthOk || shape.oneLine.some((i) => HAS_BREAK.test(fields[i] ?? '')))) {
      yield* reReadLines(raw, firstLine, shape, delimiter);
    } else if (!widthOk) {
      yield columnCount(firstLine, fields.length, shape.width, delimiter);
    } else {
      yield { kind: 'row', line: firstLine, fields };
    }
  };

  // We count lines ourselves: csv-parse counts "\r\n" inside a quoted value as two lines. Every
  // record (blank lines included, as we keep skip_empty_lines off) ends with one line break.
  let nextLine = 1;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const content = item.raw.replace(TRAILING_BREAK, '');
      const firstLine = nextLine;
      nextLine += countBreaks(content) + 1;
      yield* emit(item.record, firstLine, nextLine - 1, content);
    }
  } finally {
    parser.destroy();
    await fed;
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
      shape = onHeader([content], firstLine, delimiter);
      return;
    }
    yield* reReadLines(content, firstLine, shape, delimiter);
  }
}

/**
 * Writes the bytes read ahead and then the rest of the input into the parser, minding its
 * backpressure. Stops (and closes the input) when the parser is destroyed: the reader is done or
 * gave up. A read error destroys the parser with that error, which the reader then throws.
 */
async function feed(parser: Parser, head: readonly Buffer[], rest: AsyncIterator<Buffer | string>): Promise<void> {
  const closed = new AbortController();
  parser.once('close', () => closed.abort());
  const write = async (chunk: Buffer | string): Promise<boolean> => {
    if (closed.signal.aborted) return false;
    if (!parser.write(chunk)) await once(parser, 'drain', { signal: closed.signal });
    return !closed.signal.aborted;
  };
  try {
    for (const chunk of head) if (!(await write(chunk))) return;
    for (;;) {
      const next = await rest.next();
      if (next.done) break;
      if (!(await write(next.value))) return;
    }
    parser.end();
  } catch (err) {
    if (!closed.signal.aborted) parser.destroy(err as Error);
  } finally {
    // An input left half read (a refused header) is closed here, not left holding its file open.
    if (closed.signal.aborted) await rest.return?.().catch(() => undefined);
  }
}

/** True once the chunks hold a line with something in it, ended by a line break. */
function hasHeaderLine(chunks: readonly Buffer[]): boolean {
  return headerLine(Buffer.concat(chunks).toString('utf8'), false) !== null;
}

/**
 * The first line with something besides separators, quotes and spaces (the header); with
 * `partial`, also an unfinished last line (a file with no line break, or a header longer than we read).
 */
function headerLine(text: string, partial: boolean): string | null {
  const lines = text.replace(/^\uFEFF/, '').split(LINE_BREAK);
  const complete = partial ? lines : lines.slice(0, -1);
  return complete.find((line) => /[^,;\t"\s]/.test(line)) ?? null;
}

/** The separator of the header line: the one of `,` `;` tab it has most of outside quotes (a tie: the earlier in that list). */
export function sniffDelimiter(text: string): Delimiter {
  const line = headerLine(text, true);
  if (line === null) return ',';
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** Reads each physical line of a record on its own; see the module comment. */
function* reReadLines(content: string, firstLine: number, shape: CsvShape, delimiter: Delimiter): Generator<CsvItem> {
  const lines = content.split(LINE_BREAK);
  for (let i = 0; i < lines.length; i += 1) {
    const text = lines[i]!;
    const line = firstLine + i;
    let fields: string[] | undefined;
    try {
      // An odd number of quotes is what broke the run: this line opens or closes a value it should not.
      if (countQuotes(text) % 2 === 1) throw new Error('unpaired quote');
      fields = (parseSync(text, PARSE_OPTIONS(delimiter)) as string[][])[0];
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
    if (fields.length !== shape.width) yield columnCount(line, fields.length, shape.width, delimiter, text.includes('"'));
    else yield { kind: 'row', line, fields };
  }
}

const DELIMITER_NAMES: Readonly<Record<Delimiter, string>> = { ',': 'a comma', ';': 'a semicolon', '\t': 'a tab' };

function columnCount(line: number, got: number, want: number, delimiter: Delimiter, quotes = false): CsvItem {
  const hint = quotes
    ? 'a quote on a line above may have run on to this one; check the quotes'
    : got > want
      ? `${DELIMITER_NAMES[delimiter]} inside a value needs the value in quotes`
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
