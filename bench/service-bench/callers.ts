/**
 * Callers for the service benchmarks, drawn from the directory the service runs on: hits are real
 * directory numbers, misses are valid numbers nobody in it has. Each is presented as Asterisk would
 * hand it over (`+<E.164>`, national with the trunk prefix, or the country code without `+`; the mix
 * of bench/directory-lookup/callers.ts), and sorted into hit or miss by asking the product itself
 * (`findByPhone`), so a "hit" is a caller the service finds and a "miss" one it finds nobody for.
 *
 * The pools are drawn at random over the whole phone table (random rowids), several thousand of
 * each, so that the timed requests do not keep asking for a few pages SQLite already holds.
 */
import { getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Directory } from '../../src/directory/directory.ts';
import { findByPhone } from '../../src/directory/lookup.ts';
import { present, rng, type CallerForm } from '../directory-lookup/callers.ts';

export interface BenchCaller {
  /** The number as the PBX presents it. */
  number: string;
  hit: boolean;
  form: CallerForm;
}

export interface CallerPools {
  hits: BenchCaller[];
  misses: BenchCaller[];
  /** Hit callers whose best match has a responsible user (the owner rule can answer). */
  hitsWithOwner: number;
}

// Domestic callers 50% +E.164, 30% national, 20% without +; foreign 70% +E.164, 30% without +.
function formFor(e164: string, home: string, r: number): CallerForm {
  if (e164.startsWith(home)) return r < 0.5 ? 'e164' : r < 0.8 ? 'national' : 'digits';
  return r < 0.7 ? 'e164' : 'digits';
}

export async function drawCallers(directory: Directory, options: { hits: number; misses: number; seed: number }): Promise<CallerPools> {
  const { native } = directory.store;
  if (native.engine !== 'sqlite') throw new Error('the service benchmarks run on the embedded SQLite store');
  const random = rng(options.seed);
  const home = `+${getCountryCallingCode(directory.defaultRegion)}`;
  const maxRow = (native.db.prepare('SELECT max(rowid) AS m FROM phones').get() as { m: number | null }).m ?? 0;
  if (maxRow === 0) throw new Error('the directory has no phones');
  const byRow = native.db.prepare('SELECT e164_key FROM phones WHERE rowid = ?');
  const taken = native.db.prepare('SELECT 1 FROM phones WHERE e164_key = ? LIMIT 1');
  const pools: CallerPools = { hits: [], misses: [], hitsWithOwner: 0 };
  const seen = new Set<string>();
  const budget = (options.hits + options.misses) * 50;
  for (let attempt = 0; attempt < budget && (pools.hits.length < options.hits || pools.misses.length < options.misses); attempt++) {
    const row = byRow.get(1 + Math.floor(random() * maxRow)) as { e164_key: string | null } | undefined;
    const known = row?.e164_key;
    if (!known) continue;
    const wantHit = pools.hits.length < options.hits && (pools.misses.length >= options.misses || random() < 0.5);
    // A miss: the known number with its last three digits changed, valid, and held by nobody.
    const e164 = wantHit ? known : known.slice(0, -3) + String(Math.floor(random() * 1000)).padStart(3, '0');
    if (seen.has(e164)) continue;
    if (!wantHit && (taken.get(e164) !== undefined || !parsePhoneNumberFromString(e164)?.isValid())) continue;
    seen.add(e164);
    const form = formFor(e164, home, random());
    const number = present(e164, form);
    const { candidates } = await findByPhone(directory, number);
    const hit = candidates.length > 0;
    if (hit !== wantHit) continue; // the product disagrees with how it was drawn (rare): not a clean sample
    if (hit) {
      pools.hits.push({ number, hit, form });
      if (candidates.some((c) => c.owner !== null)) pools.hitsWithOwner++;
    } else pools.misses.push({ number, hit, form });
  }
  if (pools.hits.length < options.hits || pools.misses.length < options.misses) {
    throw new Error(`could draw only ${pools.hits.length} hit and ${pools.misses.length} miss callers from the directory`);
  }
  return pools;
}
