/**
 * A record's card on its phone rows: what a screen pop shows of the record (name, account,
 * responsible user, last activity, source), copied onto every phone row of it (migration 0008) so
 * that a caller lookup reads the matching phone rows and nothing else. The record tables stay the
 * truth; every directory write that changes what a card shows rewrites the cards here, in the
 * write's own transaction:
 *
 * - a record's own write (`Directory` upserts, `bulkUpsert`): its phone rows are written anew with
 *   the card read back from the tables (`readCards`), after the record itself;
 * - an account renamed: the phone rows of its contacts (`accountRenamedOnPhones`);
 * - an account deleted: its contacts lose their account (`accountDeletedFromPhones`);
 * - a user renamed: the phone rows of every record they are responsible for (`ownerRenamedOnPhones`);
 * - a record touched by a call: its `last_activity_at` (`touchedOnPhones`).
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema, PhonesTable } from '../store/schema.ts';
import { chunks } from './chunks.ts';
import { RECORD_TYPES, type RecordType } from './record-types.ts';

export type PhoneCard = Pick<
  PhonesTable,
  'first_name' | 'last_name' | 'name' | 'account_id' | 'account_name' | 'owner_id' | 'owner_login' | 'owner_name' | 'last_activity_at' | 'source' | 'external_id'
>;

/** A card with nothing on it: what a phone row whose record is gone carries (the lookup skips it). */
export const NO_CARD: PhoneCard = {
  first_name: null,
  last_name: null,
  name: null,
  account_id: null,
  account_name: null,
  owner_id: null,
  owner_login: null,
  owner_name: null,
  last_activity_at: null,
  source: null,
  external_id: null,
};

const TABLE = { contact: 'contacts', account: 'accounts', lead: 'leads' } as const;

/** The cards of these records (of one type) as the tables hold them now; ids not found are left out. */
export async function readCards(db: Kysely<DatabaseSchema>, type: RecordType, ids: readonly string[]): Promise<Map<string, PhoneCard>> {
  const out = new Map<string, PhoneCard>();
  for (const chunk of chunks(ids)) {
    switch (type) {
      case 'contact': {
        const rows = await db
          .selectFrom('contacts as r')
          .leftJoin('accounts as a', 'a.id', 'r.account_id')
          .leftJoin('users as u', 'u.id', 'r.assigned_user_id')
          .select(['r.id', 'r.first_name', 'r.last_name', 'r.account_id', 'a.name as account_name', 'u.id as owner_id', 'u.login as owner_login', 'u.name as owner_name'])
          .select(['r.last_activity_at', 'r.source', 'r.external_id'])
          .where('r.id', 'in', chunk)
          .execute();
        for (const { id, ...card } of rows) out.set(id, { ...NO_CARD, ...card });
        break;
      }
      case 'account': {
        const rows = await db
          .selectFrom('accounts as r')
          .leftJoin('users as u', 'u.id', 'r.assigned_user_id')
          .select(['r.id', 'r.name', 'u.id as owner_id', 'u.login as owner_login', 'u.name as owner_name', 'r.last_activity_at', 'r.source', 'r.external_id'])
          .where('r.id', 'in', chunk)
          .execute();
        for (const { id, ...card } of rows) out.set(id, { ...NO_CARD, ...card });
        break;
      }
      case 'lead': {
        const rows = await db
          .selectFrom('leads as r')
          .leftJoin('users as u', 'u.id', 'r.assigned_user_id')
          .select(['r.id', 'r.first_name', 'r.last_name', 'r.account_name', 'u.id as owner_id', 'u.login as owner_login', 'u.name as owner_name'])
          .select(['r.last_activity_at', 'r.source', 'r.external_id'])
          .where('r.id', 'in', chunk)
          .execute();
        for (const { id, ...card } of rows) out.set(id, { ...NO_CARD, ...card });
        break;
      }
    }
  }
  return out;
}

/** The account's new name on its contacts' phone rows (the account's own rows are rewritten by its write). */
export async function accountRenamedOnPhones(db: Kysely<DatabaseSchema>, accountId: string, name: string): Promise<void> {
  await db
    .updateTable('phones')
    .set({ account_name: name })
    .where('record_type', '=', 'contact')
    .where('record_id', 'in', db.selectFrom('contacts').select('id').where('account_id', '=', accountId))
    .execute();
}

/**
 * Before an account is deleted: its contacts are about to lose it (the foreign key sets their
 * `account_id` to null), so their phone rows lose it now; afterwards they could not be found.
 */
export async function accountDeletedFromPhones(db: Kysely<DatabaseSchema>, accountId: string): Promise<void> {
  await db
    .updateTable('phones')
    .set({ account_id: null, account_name: null })
    .where('record_type', '=', 'contact')
    .where('record_id', 'in', db.selectFrom('contacts').select('id').where('account_id', '=', accountId))
    .execute();
}

/** A user's new name (and login) on the phone rows of every record they are responsible for. */
export async function ownerRenamedOnPhones(db: Kysely<DatabaseSchema>, user: { id: string; login: string; name: string }): Promise<void> {
  for (const type of RECORD_TYPES) {
    await db
      .updateTable('phones')
      .set({ owner_login: user.login, owner_name: user.name })
      .where('record_type', '=', type)
      // Through the record tables' `assigned_user_id` index: phone rows have no index by owner.
      .where('record_id', 'in', db.selectFrom(TABLE[type] as 'contacts').select('id').where('assigned_user_id', '=', user.id))
      .execute();
  }
}

/** A record's new `last_activity_at` on its phone rows. */
export async function touchedOnPhones(db: Kysely<DatabaseSchema>, type: RecordType, id: string, at: string): Promise<void> {
  await db.updateTable('phones').set({ last_activity_at: at }).where('record_type', '=', type).where('record_id', '=', id).execute();
}
