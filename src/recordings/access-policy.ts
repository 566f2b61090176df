/**
 * Who may listen to a call's recordings, and who may download them.
 *
 * - Admins: always.
 * - Agents who took part: an extension of theirs answered the call, placed it, or took it by
 *   transfer (`call_extensions` roles `answered`, `caller`, `transfer-target`). A phone that only
 *   rang did not take part: in a ring group or queue, the agents who did not pick up do not get to
 *   hear their colleague's conversation.
 * - The responsible user of a CRM record the call is linked to (`call_entities` -> the contact's,
 *   account's or lead's `assigned_user_id`).
 * - With RECORDINGS_ACCESS=everyone, every signed-in person.
 *
 * Downloads: RECORDINGS_DOWNLOAD=listeners lets whoever may listen download; `admins` keeps
 * downloads to admins. Teams are not modelled in the directory, so there is no team widening.
 */
import { callTies } from '../directory/call-ties.ts';
import type { Store } from '../store/store.ts';

export type ListenReason = 'admin' | 'participant' | 'record-owner' | 'everyone';

export interface Listener {
  id: string;
  login: string;
  role: string;
  extensions: readonly string[];
}

export interface ListenFacts {
  participant: boolean;
  recordOwner: boolean;
}

export interface ListenDecision {
  allowed: boolean;
  reason: ListenReason | null;
  canDownload: boolean;
}

export interface PolicySettings {
  access: 'participants' | 'everyone';
  download: 'listeners' | 'admins';
}

/** The call_extensions roles that count as taking part. */
export const PARTICIPANT_ROLES = ['answered', 'caller', 'transfer-target'] as const;

/** The decision from the facts. Pure. */
export function decideListen(user: Listener, facts: ListenFacts, settings: PolicySettings): ListenDecision {
  const reason: ListenReason | null =
    user.role === 'admin' ? 'admin' : facts.participant ? 'participant' : facts.recordOwner ? 'record-owner' : settings.access === 'everyone' ? 'everyone' : null;
  const allowed = reason !== null;
  return { allowed, reason, canDownload: allowed && (settings.download === 'listeners' || user.role === 'admin') };
}

/** The facts about one user and one call, in one query (the directory's `callTies`). */
export function listenFacts(store: Store, user: Listener, callId: string): Promise<ListenFacts> {
  return callTies(store, user, callId, PARTICIPANT_ROLES);
}
