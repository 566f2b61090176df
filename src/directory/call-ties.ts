/**
 * How one of our users is tied to one call: did an extension of theirs take part in it (in one of
 * the given roles), and are they responsible for a record the call is linked to. Recordings ask
 * this on every request to play or download, so it is one statement, on both engines: two EXISTS
 * over the call's rows, with the user's id, extensions and the call id as bound parameters.
 *
 * The directory answers because the deciding join is its own: a linked record's responsible user
 * (`assigned_user_id` of contacts, accounts, leads). The statement also reads the call log's
 * `call_extensions` and `call_entities`, by call id only; splitting it to keep each owner to its
 * own tables would add a round trip to every recording request (see store/README.md).
 */
import { sql } from 'kysely';
import type { Store } from '../store/store.ts';

export interface CallTies {
  /** An extension of the user's took part in the call in one of the roles asked about. */
  participant: boolean;
  /** The user is responsible for a contact, account or lead the call is linked to. */
  recordOwner: boolean;
}

/**
 * `roles`: the `call_extensions` roles that count as taking part (at least one). A user with no
 * extension took part in no call (an EXISTS over no row; before issue 12 it was over one row, which
 * made such a user a participant of every call, able to hear every recording).
 */
export async function callTies(store: Store, user: { id: string; extensions: readonly string[] }, callId: string, roles: readonly [string, ...string[]]): Promise<CallTies> {
  const db = store.db;
  const participant =
    user.extensions.length === 0
      ? db.selectNoFrom(sql<number>`0`.as('x')).where(sql<boolean>`1 = 0`)
      : db
          .selectFrom('call_extensions')
          .select(sql<number>`1`.as('x'))
          .where('call_id', '=', callId)
          .where('extension', 'in', [...user.extensions])
          .where('role', 'in', [...roles])
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
