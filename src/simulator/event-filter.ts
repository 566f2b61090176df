/**
 * A session's event filters, as Asterisk 20 keeps them (main/manager.c): the `Filter` action adds
 * one (`Operation: Add`), and `should_send_event` decides per event. Pure: the simulator asks
 * `allows(name, text)` with the event's name and its whole text as sent.
 *
 * - A **legacy** filter (no `MatchCriteria`) is a POSIX extended regular expression matched
 *   anywhere in the event's text (`Event: <name>\r\nPrivilege: ...\r\n...`), `.` matching CR and
 *   LF too; a leading `!` makes it an exclude filter. An empty one is refused.
 * - An **advanced** filter (`MatchCriteria: action(include|exclude),name(<event>),header(<name>),
 *   method(regex|exact|starts_with|ends_with|contains|none)`, any order) matches only events of
 *   that name, and/or the value of one header (each line starting with the header's name, blanks
 *   after the colon skipped), by the method. The method defaults to `none` (no pattern: name or
 *   header alone decide); a pattern without a method is refused, as manager.c refuses it.
 * - No filters: every event. Include filters only: an event one of them matches. Exclude only:
 *   every event none of them matches. Both: included and not excluded.
 *
 * The expressions are run as JavaScript ones after turning POSIX bracket classes (`[[:space:]]`)
 * into their JavaScript spelling; what POSIX and JavaScript read differently beyond that (back
 * references, `\d`...) is not modelled.
 */

type Method = 'regex' | 'exact' | 'starts_with' | 'ends_with' | 'contains' | 'none';

interface FilterEntry {
  exclude: boolean;
  /** Only events of this name (advanced `name(...)`). */
  name: string | null;
  /** Only this header's values (advanced `header(...)`), with its colon. */
  header: string | null;
  matches: (text: string) => boolean;
}

/** The added filter, or Asterisk's words for why not (the `Message:` of its error response). */
export type AddFilterResult = { ok: true } | { ok: false; message: string };

export const FILTER_FORMAT_ERROR = 'Filter was formatted incorrectly.  Check the syntax of the filter given.';
export const FILTER_COMPILE_FAIL = 'Filter did not compile.  Check the syntax of the filter given.';

export class EventFilters {
  readonly #include: FilterEntry[] = [];
  readonly #exclude: FilterEntry[] = [];

  /** True once any filter was added (the simulator then needs the event's text). */
  get active(): boolean {
    return this.#include.length > 0 || this.#exclude.length > 0;
  }

  /** `Filter: <pattern>` with `MatchCriteria: <criteria>` (absent or empty: a legacy filter). */
  add(pattern: string, criteria?: string): AddFilterResult {
    const entry = parseFilter(pattern, criteria ?? '');
    if ('message' in entry) return { ok: false, message: entry.message };
    (entry.exclude ? this.#exclude : this.#include).push(entry);
    return { ok: true };
  }

  /** Whether the session gets the event `name` whose whole text is `text`. */
  allows(name: string, text: string): boolean {
    const included = this.#include.length === 0 || this.#include.some((f) => matches(f, name, text));
    return included && !this.#exclude.some((f) => matches(f, name, text));
  }
}

function matches(filter: FilterEntry, name: string, text: string): boolean {
  if (filter.name !== null && filter.name !== name) return false;
  if (filter.header === null) return filter.matches(text);
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith(filter.header)) continue;
    const value = line.slice(filter.header.length).replace(/^[ \t]+/, '');
    if (value !== '' && filter.matches(value)) return true;
  }
  return false;
}

function parseFilter(rawPattern: string, criteria: string): FilterEntry | { message: string } {
  let pattern = rawPattern;
  let exclude = false;
  if (pattern.startsWith('!')) {
    exclude = true;
    pattern = pattern.slice(1);
  }
  let method: Method = 'regex';
  let name: string | null = null;
  let header: string | null = null;
  if (criteria.trim() === '') {
    if (pattern === '') return { message: FILTER_FORMAT_ERROR };
  } else {
    // manager.c splits the options on space, comma and ')' and reads each as `word(value`.
    const options = criteria.trim();
    if (!options.endsWith(')')) return { message: FILTER_FORMAT_ERROR };
    method = 'none';
    let found = false;
    for (const option of options.split(/[ ,)]+/).filter((o) => o !== '')) {
      const open = option.indexOf('(');
      const value = open < 0 ? '' : option.slice(open + 1).trim();
      if (option.startsWith('action')) {
        if (value === 'include') exclude = false;
        else if (value === 'exclude') exclude = true;
        else return { message: FILTER_FORMAT_ERROR };
      } else if (option.startsWith('name')) {
        if (value === '') return { message: FILTER_FORMAT_ERROR };
        name = value;
      } else if (option.startsWith('header')) {
        if (value === '') return { message: FILTER_FORMAT_ERROR };
        header = value.endsWith(':') ? value : `${value}:`;
      } else if (option.startsWith('method')) {
        if (!isMethod(value)) return { message: FILTER_FORMAT_ERROR };
        method = value;
      } else return { message: FILTER_FORMAT_ERROR };
      found = true;
    }
    if (!found) return { message: FILTER_FORMAT_ERROR };
    // The method defaults to `none`: a pattern needs a method, and `none` takes no pattern.
    if ((pattern === '') !== (method === 'none')) return { message: FILTER_FORMAT_ERROR };
    if (method === 'none' && name === null && header === null) return { message: FILTER_FORMAT_ERROR };
  }
  const matcher = matcherFor(method, pattern);
  if (matcher === null) return { message: FILTER_COMPILE_FAIL };
  return { exclude, name, header, matches: matcher };
}

const METHODS = new Set<string>(['regex', 'exact', 'starts_with', 'ends_with', 'contains', 'none']);

function isMethod(value: string): value is Method {
  return METHODS.has(value);
}

function matcherFor(method: Method, pattern: string): ((text: string) => boolean) | null {
  switch (method) {
    case 'regex': {
      const re = compilePosix(pattern);
      return re === null ? null : (text) => re.test(text);
    }
    case 'exact':
      return (text) => text === pattern;
    case 'starts_with':
      return (text) => text.startsWith(pattern);
    case 'ends_with':
      return (text) => text.endsWith(pattern);
    case 'contains':
      return (text) => text.includes(pattern);
    case 'none':
      return () => true;
  }
}

/** POSIX bracket classes in JavaScript's spelling. */
const CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\r\\n\\v\\f',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

/**
 * A POSIX extended expression as a JavaScript one (`s`: `.` matches line ends, as with regcomp
 * without REG_NEWLINE); null where regcomp would fail. Inside brackets a backslash is an ordinary
 * character and a `]` right after the opening is a member, as POSIX has it.
 */
export function compilePosix(pattern: string): RegExp | null {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c !== '[') {
      out += c;
      i++;
      continue;
    }
    let j = i + 1;
    let cls = '[';
    if (pattern[j] === '^') {
      cls += '^';
      j++;
    }
    if (pattern[j] === ']') {
      cls += '\\]';
      j++;
    }
    for (;;) {
      if (j >= pattern.length) return null;
      const d = pattern[j]!;
      if (d === ']') break;
      if (d === '[' && pattern[j + 1] === ':') {
        const end = pattern.indexOf(':]', j + 2);
        const spelled = end < 0 ? undefined : CLASSES[pattern.slice(j + 2, end)];
        if (spelled === undefined) return null;
        cls += spelled;
        j = end + 2;
        continue;
      }
      cls += d === '\\' || d === '[' ? `\\${d}` : d;
      j++;
    }
    out += `${cls}]`;
    i = j + 1;
  }
  try {
    return new RegExp(out, 's');
  } catch {
    return null;
  }
}
