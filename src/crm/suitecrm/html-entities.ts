/**
 * SuiteCRM returns text HTML-encoded (`O&#039;Brien`, `-&gt; ext 101`, recordings 70 and 92): the
 * database keeps the raw text, the API encodes `'`, `"`, `<`, `>` on the way out. Decoded once,
 * before anything is indexed or shown; `&amp;` too, since text saved through SuiteCRM's own forms
 * can arrive encoded in the database already.
 */
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#039': "'", '#39': "'" };

const ENTITY = /&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6}|#039);/gi;

export function decodeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, body: string) => {
    const named = NAMED[body.toLowerCase()];
    if (named !== undefined) return named;
    if (body[0] !== '#') return whole;
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    // Surrogates, NUL and out-of-range code points are not text: keep what was sent.
    if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
    return String.fromCodePoint(code);
  });
}

/** Decodes a SuiteCRM attribute to text: strings decoded, numbers as text, anything else empty. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return decodeHtml(value);
  if (typeof value === 'number') return String(value);
  return '';
}
