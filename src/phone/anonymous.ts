/**
 * Caller IDs that say "no number here". Asterisk shows `<unknown>` when a channel has no caller ID,
 * SIP trunks send `anonymous` (RFC 3323: `sip:anonymous@anonymous.invalid`), carriers and phones
 * show words such as Restricted, Private or Withheld. None of them may pop a customer.
 */

// Quotes, brackets and spaces that wrap the word: `"Anonymous"`, `<unknown>`, `[Private]`.
const WRAPPING = /^[\s"'`<>()[\]{}]+|[\s"'`<>()[\]{}]+$/g;
const URI_SCHEME = /^(?:sips?|tel):/;
const URI_HOST = /@.*$/;
const WORD_GAP = /[\s_.-]+/g;

const HIDDEN_NUMBER_WORDS = new Set([
  'anonymous',
  'anonymous caller',
  'anon',
  'unknown',
  'unknown caller',
  'unknown number',
  'restricted',
  'restricted number',
  'private',
  'private number',
  'private caller',
  'withheld',
  'number withheld',
  'withheld number',
  'caller id withheld',
  'unavailable',
  'not available',
  'blocked',
  'no caller id',
  'out of area',
]);

/** True for an empty caller ID and for the words above, in any case, wrapped or not. */
export function isAnonymousCallerId(cleanedText: string): boolean {
  const unwrapped = cleanedText.toLowerCase().replace(WRAPPING, '');
  if (unwrapped === '') return true;
  const word = unwrapped.replace(URI_SCHEME, '').replace(URI_HOST, '').replace(WRAPPING, '').replace(WORD_GAP, ' ');
  return HIDDEN_NUMBER_WORDS.has(word);
}
