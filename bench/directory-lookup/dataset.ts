/**
 * The benchmark's directory: `src/directory/demo-data.ts` streamed in chunks (1M contacts do not
 * need to sit in memory), in the order foreign keys need (users, accounts, contacts, leads), while
 * the ground truth is collected for a sample of numbers on the way past.
 */
import type { CountryCode } from '../../src/phone/types.ts';
import type { RecordType } from '../../src/directory/record-types.ts';
import {
  demoCounts,
  demoUsers,
  generateDemoAccounts,
  iterateDemoContacts,
  iterateDemoLeads,
  type DemoAccount,
  type DemoContact,
  type DemoLead,
} from '../../src/directory/demo-data.ts';
import type { UserInput } from '../../src/directory/directory.ts';
import type { NumberSample } from './callers.ts';

export type DemoRecord = DemoAccount | DemoContact | DemoLead;
export interface Chunk {
  type: RecordType;
  records: DemoRecord[];
}

export interface DatasetOptions {
  contacts: number;
  seed: number;
  region: CountryCode;
}

/** Every record whose phone is the same real number, by E.164; only for numbers in the sample. */
export type Truth = Map<string, Set<string>>;

export const recordKey = (type: string, id: string): string => `${type}:${id}`;

export function datasetUsers(): UserInput[] {
  return demoUsers();
}

/** Records the generator will make for `contacts` contacts. */
export function expectedRecords(contacts: number): number {
  const c = demoCounts(contacts);
  return c.accounts + c.contacts + c.leads;
}

/**
 * The records in chunks of `chunkSize`, accounts first (contacts point at them), adding each phone
 * whose number is in `sample` to `truth` (and counting every phone in `counts`).
 */
export function* datasetChunks(
  options: DatasetOptions,
  chunkSize: number,
  sample: NumberSample,
  truth: Truth,
  counts: { phones: number; phonesWithE164: number },
): Generator<Chunk> {
  const accounts = generateDemoAccounts(options);
  const sources: [RecordType, Iterable<DemoRecord>][] = [
    ['account', accounts],
    ['contact', iterateDemoContacts(options, accounts)],
    ['lead', iterateDemoLeads(options, accounts)],
  ];
  for (const [type, records] of sources) {
    let chunk: DemoRecord[] = [];
    for (const record of records) {
      for (const phone of record.phones) {
        counts.phones++;
        if (phone.e164 === null) continue;
        counts.phonesWithE164++;
        if (!sample.has(phone.e164)) continue;
        let holders = truth.get(phone.e164);
        if (!holders) truth.set(phone.e164, (holders = new Set()));
        holders.add(recordKey(type, record.id));
      }
      chunk.push(record);
      if (chunk.length === chunkSize) {
        yield { type, records: chunk };
        chunk = [];
      }
    }
    if (chunk.length > 0) yield { type, records: chunk };
  }
}
