/**
 * The caller's name and number out of a CDR's `clid`. Pure.
 *
 * Asterisk builds `clid` with `ast_callerid_merge`: `"Name" <number>`, the name passed through
 * `ast_escape_quoted` (a backslash before every `"` and `\`), so a caller who sends the name
 * `Bob \"The Boss\" O'Neil` is stored as `"Bob \\\"The Boss\\\" O'Neil" <2125550111>`. This undoes
 * that escaping (one layer: what the caller sent, backslashes and all). Other shapes seen in CDR
 * stores are read too: `<number>`, `Name <number>`, a bare number, a bare name, nothing.
 *
 * The CDR's `clid` is 80 bytes (AST_MAX_EXTENSION): a long name is cut, with its closing quote and
 * number, sometimes inside a UTF-8 character. Such a name is kept up to the cut (the partial
 * character, decoded as U+FFFD, dropped) and flagged `truncated`; the number is then unknown here
 * (the CDR's `src` still has it).
 */

export interface CallerId {
  /** As the caller sent it; null when absent or empty. */
  name: string | null;
  /** null when absent or empty. */
  number: string | null;
  /** The name was cut short by the store's field length (no closing quote). */
  truncated: boolean;
}

/** A bare clid that is a number: digits, `*`, `#` and separators, an optional leading `+`. */
const NUMBER_LIKE = /^\+?[0-9*#][0-9*#().\- ]*$/;
/** `<number>` at the end, after optional blanks. */
const ANGLE_TAIL = /^\s*<([^<>]*)>\s*$/;

export function parseClid(clid: string): CallerId {
  const text = clid.trim();
  if (text === '') return { name: null, number: null, truncated: false };
  if (text.startsWith('"')) return quoted(text);
  const angle = text.lastIndexOf('<');
  if (angle >= 0 && text.endsWith('>')) {
    // `Name <number>` with a plain name, or just `<number>`.
    return { name: orNull(text.slice(0, angle).trim()), number: orNull(text.slice(angle + 1, -1).trim()), truncated: false };
  }
  // ast_callerid_merge writes a lone name or number unquoted; which one it was shows in its shape.
  return NUMBER_LIKE.test(text) ? { name: null, number: text, truncated: false } : { name: text, number: null, truncated: false };
}

/** `"…" <…>`: the name ends at the first `"` not escaped by a backslash. */
function quoted(text: string): CallerId {
  let name = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      // A lone backslash at the very end is half an escape cut by the field's length.
      if (i + 1 < text.length) name += text[++i];
      continue;
    }
    if (c === '"') {
      const rest = ANGLE_TAIL.exec(text.slice(i + 1));
      if (rest) return { name: orNull(name), number: orNull(rest[1]!.trim()), truncated: false };
      if (text.slice(i + 1).trim() === '') return { name: orNull(name), number: null, truncated: false };
      // A quote inside the name that was not escaped (Asterisk never writes that; a row written by
      // another tool may): the name runs to the last `"` before ` <number>`.
      return lastQuote(text) ?? { name: text, number: null, truncated: false };
    }
    name += c;
  }
  // No closing quote: cut by the field's length.
  return { name: orNull(name.replace(/\uFFFD+$/, '')), number: null, truncated: true };
}

function lastQuote(text: string): CallerId | null {
  const m = /^"(.*)"\s*<([^<>]*)>\s*$/s.exec(text);
  if (!m) return null;
  return { name: orNull(m[1]!.replace(/\\(.)/gs, '$1')), number: orNull(m[2]!.trim()), truncated: false };
}

function orNull(s: string): string | null {
  return s === '' ? null : s;
}
