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
import { sql } from 'kysely';
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

/** The facts about one user and one call, in one query. */
export async function listenFacts(store: Store, user: Listener, callId: string): Promise<ListenFacts> {
  const db = store.db;
  const participant =
    user.extensions.length === 0
      ? db.selectNoFrom(sql<number>`0`.as('x'))
      : db
          .selectFrom('call_extensions')
          .select(sql<number>`1`.as('x'))
          .where('call_id', '=', callId)
          .where('extension', 'in', [...user.extensions])
          .where('role', 'in', [...PARTICIPANT_ROLES])
          .limit(1);
  // One EXISTS per record table: the call's linked record of that type, assigned to this user.
  const linked = (type: 'contact' | 'account' | 'lead') =>
    db.selectFrom('call_entities').select('record_id').where('call_id', '=', callId).where('record_type', '=', type);
  const ownsContact = db.selectFrom('contacts').select(sql<number>`1`.as('x')).where('assigned_user_id', '=', user.id).where('id', 'in', linked('contact')).limit(1);
  const ownsAccount = db.selectFrom('accounts').select(sql<number>`1`.as('x')).where('assigned_user_id', '=', user.id).where('id', 'in', linked('account')).limit(1);
  const ownsLead = db.selectFrom('leads').select(sql<number>`1`.as('x')).where('assigned_user_id', '=', user.id).where('id', 'in', linked('lead')).limit(1);
  const row = await db
    .selectNoFrom((eb) => [
      eb.exists(participant).as('participant'),
      eb.or([eb.exists(ownsContact), eb.exists(ownsAccount), eb.exists(ownsLead)]).as('owner'),
    ])
    .executeTakeFirstOrThrow();
  return { participant: truthy(row.participant), recordOwner: truthy(row.owner) };
}

/** SQLite answers 0/1, PostgreSQL true/false. */
function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 't';
}
