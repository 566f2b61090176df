/**
 * Turns free text from a CRM field or a caller ID into text libphonenumber can read, without
 * changing what it says: compatibility forms folded, every script's digits made ASCII, invisible
 * and control characters dropped.
 */

// Bidi marks (U+202A..U+202E, U+200E) and zero-width spaces ride along when a number is copied
// from Outlook, WhatsApp or a right-to-left page; they are invisible, so a person cannot fix them.
const FORMAT_CHARS = /\p{Cf}/gu;
// Control characters (NUL, CR, LF, TAB...) become one space, so "123\n456" does not fuse into a number.
const CONTROL_CHARS = /\p{Cc}+/gu;
// A decimal digit of any script other than ASCII (Arabic-Indic, Persian, Devanagari, Bengali...).
const NON_ASCII_DIGIT = /[^\P{Nd}0-9]/gu;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
const NOT_A_DIGIT = /[^0-9]/g;

/**
 * NFKC first: it turns full-width digits, plus signs, parentheses and hyphens (common in East
 * Asian input methods) and no-break spaces into their ASCII forms. What NFKC leaves alone (the
 * digits of other scripts) is mapped by `toAsciiDigit`.
 */
export function cleanPhoneText(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(FORMAT_CHARS, '')
    .replace(CONTROL_CHARS, ' ')
    .replace(NON_ASCII_DIGIT, toAsciiDigit)
    .trim();
}

/** The ASCII digits of already cleaned text, in order. */
export function asciiDigitsOf(text: string): string {
  return text.replace(NOT_A_DIGIT, '');
}

/**
 * Unicode promises that every script's decimal digits sit in one contiguous run from 0 to 9
 * (runs such as the mathematical digits hold several sets back to back), so a digit's value is its
 * distance from the start of its run, modulo 10. This needs no table to keep up to date.
 */
export function toAsciiDigit(digit: string): string {
  const codePoint = digit.codePointAt(0) ?? 0;
  let start = codePoint;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return String((codePoint - start) % 10);
}
