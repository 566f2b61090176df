/**
 * What the console receives from the service. The call shapes come from the service's own
 * definitions (type-only imports: nothing of the server is bundled), so the two cannot drift: the
 * pop stream's from its wire contract (`src/pops/wire.ts`), call records from the engine.
 */
import type { CallCandidateView, CallMessage, CardState } from '../pops/wire.ts';
import type { CallRecord } from '../calls/record.ts';

export type { CallMessage, CardState, CallRecord };
export type CallCandidate = CallCandidateView;
export type RecordType = 'contact' | 'account' | 'lead';

export interface ApiUser {
  id: string;
  login: string;
  name: string;
  role: 'admin' | 'agent' | string;
  extensions: string[];
  primaryExtension: string | null;
}

/** One row of the call log: the record and whether someone dealt with it (missed calls). */
export interface LoggedCall {
  record: CallRecord;
  handledBy: string | null;
  handledAt: string | null;
  /** The outside number as people read it (national at home, international otherwise). */
  externalNumberFormatted?: string | null;
}

/** A CRM record as the console shows it (GET /api/records, /api/records/:type/:id). */
export interface RecordCard {
  type: RecordType;
  id: string;
  name: string;
  account: string | null;
  owner: string | null;
  /** `formatted`: the number as people read it, when the service gives one. */
  phones: { kind: string; number: string; formatted?: string | null }[];
}

export interface PbxState {
  id: string;
  state: string;
  protocolVersion: string | null;
  lastEventAt: string | null;
  reconnects: number;
}
