/**
 * Reads a SuiteCRM response body: the first JSON value, and whatever text follows it. SuiteCRM
 * sometimes prints PHP's own text after the JSON (`...}Database failure. Please refer to
 * suitecrm.log for details.`, recording 30; `Provide both a User Name and an Email Address.` after
 * a 201): the JSON is still the answer, the rest is for the log.
 */
import { CrmErrorCodes, CrmTelephonyError } from '../crm-errors.ts';

export interface JsonBody {
  value: unknown;
  /** Text after the first JSON value (trimmed); empty for a clean body. */
  trailing: string;
}

/** The first JSON value of `text` and the rest; throws CRM_ERR_BAD_RESPONSE when there is none. */
export function parseFirstJson(text: string): JsonBody {
  // Almost every body is clean: let the native parser take it whole.
  try {
    return { value: JSON.parse(text), trailing: '' };
  } catch {
    // fall through: find where the first value ends
  }
  const start = skipWhitespace(text, 0);
  const end = endOfValue(text, start);
  if (end > start) {
    try {
      return { value: JSON.parse(text.slice(start, end)), trailing: text.slice(end).trim() };
    } catch {
      // not JSON after all
    }
  }
  throw new CrmTelephonyError(CrmErrorCodes.CRM_ERR_BAD_RESPONSE, 'SuiteCRM answered with something that is not JSON.', { length: text.length, starts: describeStart(text) });
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** Index just past the JSON value starting at `i`, or `i` when none can start there. */
function endOfValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return endOfString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') {
        j = endOfString(text, j) - 1;
        if (j < 0) return i;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return i;
  }
  // A number or a literal: up to the first character that cannot belong to one.
  const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
  return m === null ? i : i + m[0].length;
}

function endOfString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return 0;
}

/** What the body looks like, without quoting it (it may hold anything): for error details. */
function describeStart(text: string): string {
  const head = text.trimStart().slice(0, 15).toLowerCase();
  if (head.startsWith('<!doctype') || head.startsWith('<html')) return 'an HTML page';
  if (head === '') return 'an empty body';
  return 'text';
}
