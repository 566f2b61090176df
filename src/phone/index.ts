// The phone module's public surface: normalization, match keys and display. Pure, no I/O.
export { MAX_INPUT_LENGTH, normalizePhone, normalizePhoneField } from './normalize.ts';
export { DEFAULT_SUFFIX_DIGITS, MATCH_KEY_PREFIX, matchKeys } from './match-keys.ts';
export type { MatchKeyKind } from './match-keys.ts';
export { formatPhoneForPeople } from './format.ts';
export { isSupportedRegion } from './region.ts';
export type * from './types.ts';
