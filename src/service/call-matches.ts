/**
 * Directory matches for each live call's outside number, looked up once per call and shared by the
 * pop, the call log and the CRM: the same answer everywhere, one query per call.
 */
import type { Directory } from '../directory/directory.ts';
import { findByPhone, type Candidate } from '../directory/lookup.ts';

export class CallMatches {
  readonly #directory: Directory;
  readonly #byCall = new Map<string, Promise<Candidate[]>>();

  constructor(directory: Directory) {
    this.#directory = directory;
  }

  for(callId: string, number: string | null): Promise<Candidate[]> {
    let found = this.#byCall.get(callId);
    if (!found) {
      found = number ? findByPhone(this.#directory, number).then((r) => r.candidates, () => []) : Promise.resolve([]);
      this.#byCall.set(callId, found);
    }
    return found;
  }

  forget(callId: string): void {
    this.#byCall.delete(callId);
  }
}
