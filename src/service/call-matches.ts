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

  /**
   * The call's matches when they are known, else a lookup that is not kept: for a consumer that may
   * come after the call was forgotten (the CRM, amending an ended call), which must not leave an
   * entry nobody will remove.
   */
  once(callId: string, number: string | null): Promise<Candidate[]> {
    return this.#byCall.get(callId) ?? (number ? findByPhone(this.#directory, number).then((r) => r.candidates, () => []) : Promise.resolve([]));
  }

  forget(callId: string): void {
    this.#byCall.delete(callId);
  }
}
