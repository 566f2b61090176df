/**
 * How SuiteCRM 7.14 writes its answers, byte for byte: API v8 pretty-prints with 4 spaces, raw UTF-8
 * and unescaped slashes; the token endpoint and the legacy v4_1 API send compact JSON, v4_1 with
 * PHP's default escaping (`\/`, `\u00fc`). Text attributes are HTML-encoded on the way out; dates in
 * the database format become ISO-8601 with the seconds set to :00.
 */
export const CT_VND = 'application/vnd.api+json';
export const CT_JSON = 'application/json';
export const CT_JSON_UTF8 = 'application/json; charset=UTF-8';

export interface FakeAnswer {
  status: number;
  contentType: string;
  body: string;
}

export const pretty = (value: unknown): string => JSON.stringify(value, null, 4);
export const compact = (value: unknown): string => JSON.stringify(value);

/** json_encode with PHP's defaults: `/` escaped, everything past ASCII as \uXXXX. */
export function phpCompact(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** htmlspecialchars(ENT_QUOTES) as SuiteCRM applies it: `&` itself is left alone. */
export function htmlEncode(text: string): string {
  return text.replace(/'/g, '&#039;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const DB_DATETIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}):\d{2}$/;

/** A stored value as API v8 shows it. */
export function v8Value(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = DB_DATETIME.exec(value);
  // The bean holds dates in the API user's `H:i` display format, so the seconds are lost on the way out.
  if (m !== null) return `${m[1]}T${m[2]}:00+00:00`;
  return htmlEncode(value);
}

/** `11/23/2026 19:39`: /Api/V8/current-user shows the user display format. */
export function displayDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}):\d{2}$/.exec(value);
  return m === null ? v8Value(value) : `${m[2]}/${m[3]}/${m[1]} ${m[4]}`;
}

export function v8Error(status: number, detail: string, contentType = CT_VND, trailing = ''): FakeAnswer {
  return { status, contentType, body: pretty({ errors: { status, title: null, detail } }) + trailing };
}

export const v8Ok = (value: unknown, status = 200): FakeAnswer => ({ status, contentType: CT_VND, body: pretty(value) });

/** `2026-11-23 20:14:41` of a time in ms (UTC). */
export function dbDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
