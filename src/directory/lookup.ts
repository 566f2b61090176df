/**
 * Caller lookup: from a number as the PBX presents it to every Contact, Account and Lead whose
 * phone matches, ranked. One index probe per key over the phone rows, which carry what a candidate
 * shows (`phone-rows.ts`); caller text never reaches SQL except as a bound parameter (and only
 * after normalization to digits). Recent answers are remembered for a few seconds, until the next
 * directory write (`recent-lookups.ts`), so a caller ringing a whole group is looked up once.
 */
import type { Directory } from './directory.ts';
import { normalizePhone } from '../phone/normalize.ts';
import type { NormalizedPhone } from '../phone/types.ts';
import type { PhoneKind, RecordType } from './record-types.ts';
import { indexKeys } from './phone-keys.ts';
import { readerFor, type PhoneRow as Row } from './phone-rows.ts';
import { rankCandidates, type MatchQuality } from './rank.ts';
import { writeGeneration } from './write-generation.ts';

export interface Candidate {
  type: RecordType;
  id: string;
  /** Person's or company's name as people read it. */
  name: string;
  /** The contact's account, or the lead's company. */
  account: { id: string | null; name: string } | null;
  /** The responsible user. */
  owner: { id: string; login: string; name: string } | null;
  /** The phone field that matched, as typed in the CRM. */
  matched: { kind: PhoneKind; number: string };
  quality: MatchQuality;
  lastActivityAt: string | null;
  source: string;
  externalId: string | null;
}

export interface LookupResult {
  number: NormalizedPhone;
  candidates: Candidate[];
}


export async function findByPhone(directory: Directory, raw: string): Promise<LookupResult> {
  return findByNormalized(directory, normalizePhone(raw, { defaultRegion: directory.defaultRegion }));
}

/** The same lookup for a number the caller has already normalized (routing needs it for more). */
export async function findByNormalized(directory: Directory, number: NormalizedPhone): Promise<LookupResult> {
  const keys = indexKeys(number);
  if (keys.e164_key === null && keys.national_key === null && keys.suffix_key === null) return { number, candidates: [] };

  const key = `${keys.e164_key}|${keys.national_key}|${keys.suffix_key}`;
  // Taken before the read: a write that lands while the read runs makes this answer stale at once.
  const generation = writeGeneration(directory.store);
  let found = directory.recentLookups.get(key, generation);
  if (found === undefined) {
    // The read itself is remembered, so lookups of one caller that arrive together share it.
    const reading = readerFor(directory.store)(keys).then((rows) => collapse(rows, keys));
    directory.recentLookups.set(key, generation, reading);
    // A failed read is not remembered: the next lookup asks again (this caller still sees the error).
    reading.catch(() => directory.recentLookups.forget(key, reading));
    found = reading;
  }
  // Copies: the remembered candidates are never handed out, so no caller can change them for the next.
  return { number, candidates: rankCandidates((await found).map(copyOf), directory.typeOrder) };
}

function copyOf(c: Candidate): Candidate {
  return { ...c, account: c.account && { ...c.account }, owner: c.owner && { ...c.owner }, matched: { ...c.matched } };
}

/**
 * Decides how (and whether) each row matches, and keeps one candidate per record, its best match.
 * Two numbers that both have an E.164 key and differ are different numbers, however their digits
 * end: weaker keys only count when one side could not be fully understood.
 */
export function collapse(rows: Row[], keys: { e164_key: string | null; national_key: string | null; suffix_key: string | null }): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const row of rows) {
    const quality = matchQuality(row, keys);
    if (quality === null) continue;
    const key = `${row.record_type}:${row.record_id}`;
    const prev = best.get(key);
    if (prev && rankOf(prev.quality) <= rankOf(quality)) continue;
    // A phone row with no card (its record is gone) is not a candidate.
    const name = nameOf(row);
    if (name === null) continue;
    best.set(key, {
      type: row.record_type,
      id: row.record_id,
      name,
      account: accountOf(row),
      owner: row.owner_id ? { id: row.owner_id, login: row.owner_login ?? '', name: row.owner_name ?? '' } : null,
      matched: { kind: row.kind, number: row.raw },
      quality,
      lastActivityAt: row.last_activity_at,
      source: row.source ?? 'embedded',
      externalId: row.external_id,
    });
  }
  return [...best.values()];
}

function rankOf(q: MatchQuality): number {
  return q === 'exact' ? 0 : q === 'national' ? 1 : 2;
}

function matchQuality(row: Row, keys: { e164_key: string | null; national_key: string | null; suffix_key: string | null }): MatchQuality | null {
  if (keys.e164_key !== null && row.e164_key === keys.e164_key) return 'exact';
  const bothFull = keys.e164_key !== null && row.e164_key !== null;
  if (bothFull) return null;
  if (keys.national_key !== null && row.national_key === keys.national_key) return 'national';
  if (keys.suffix_key !== null && row.suffix_key === keys.suffix_key) return 'suffix';
  return null;
}

function nameOf(row: Row): string | null {
  switch (row.record_type) {
    case 'contact':
    case 'lead':
      return row.first_name === null && row.last_name === null ? null : joinName(row.first_name, row.last_name);
    case 'account':
      return row.name;
  }
}

function joinName(first: string | null, last: string | null): string {
  return [first ?? '', last ?? ''].map((s) => s.trim()).filter((s) => s.length > 0).join(' ');
}

function accountOf(row: Row): Candidate['account'] {
  if (row.record_type === 'contact' && row.account_id) return { id: row.account_id, name: row.account_name ?? '' };
  if (row.record_type === 'lead' && row.account_name) return { id: null, name: row.account_name };
  return null;
}
