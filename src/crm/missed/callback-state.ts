/**
 * From a `missed_items` row to what the CRM's planned callback shows (`CallbackState`) and the links
 * it should have. Reads the item and the directory (the owner's and the closer's CRM ids and names,
 * the caller's record's CRM id) at the moment the mirror writes, never on the call path.
 */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { DirectoryOrigins } from '../../directory/origins.ts';
import type { MissedItemsTable } from '../../store/schema.ts';
import type { Store } from '../../store/store.ts';
import type { CallbackState, CallLinkTarget, CrmRecordRef, CrmUserRef } from '../crm-port.ts';
import type { ItemFacts } from './next-step.ts';

export type MissedItemRow = Selectable<MissedItemsTable>;

export interface ItemView {
  state: CallbackState;
  facts: ItemFacts;
}

/** The item as the CRM should show it now; undefined when it is gone. */
export async function readItem(store: Store, itemId: string, crmSource: string): Promise<ItemView | undefined> {
  const row = await store.db.selectFrom('missed_items').selectAll().where('id', '=', itemId).executeTakeFirst();
  return row === undefined ? undefined : viewOf(store, row, crmSource);
}

export async function viewOf(store: Store, row: MissedItemRow, crmSource: string): Promise<ItemView> {
  const origins = new DirectoryOrigins(store);
  const user = async (id: string | null): Promise<CrmUserRef | null> => {
    if (id === null) return null;
    const u = await origins.userById(id);
    return u ? { id: u.id, source: u.source, externalId: u.externalId, name: u.name } : null;
  };
  let record: CrmRecordRef | null = null;
  if (row.record_type !== null && row.record_id !== null) {
    const [origin] = await origins.records(row.record_type, [row.record_id]);
    if (origin) record = { type: row.record_type, id: origin.id, source: origin.source, externalId: origin.externalId };
  }
  const [owner, closedBy] = await Promise.all([user(row.owner_id), user(row.closed_by)]);
  const closed =
    row.status === 'closed'
      ? { reason: row.close_reason ?? 'dismissed', at: row.closed_at ?? row.updated_at, by: closedBy, note: row.close_note }
      : null;
  const state: CallbackState = {
    itemId: row.id,
    status: row.status,
    number: row.number,
    externalNumber: row.external_number,
    callerName: row.caller_name,
    did: row.did,
    missCount: row.miss_count,
    firstMissedAt: row.first_missed_at,
    lastMissedAt: row.last_missed_at,
    owner,
    ownerReason: row.owner_reason,
    record,
    closed,
  };
  return { state, facts: { status: row.status, version: row.version, digest: digestOf(state), targets: linkTargets(state, crmSource) } };
}

/** What the CRM's call shows, in 22 characters: equal digests write the same Call. */
export function digestOf(state: CallbackState): string {
  return createHash('sha256').update(JSON.stringify(state)).digest('base64url').slice(0, 22);
}

/** The caller's contact or lead and the owner, as far as the CRM knows them (accounts are the parent only). */
export function linkTargets(state: CallbackState, crmSource: string): CallLinkTarget[] {
  const out: CallLinkTarget[] = [];
  const r = state.record;
  if (r !== null && (r.type === 'contact' || r.type === 'lead') && r.source === crmSource && r.externalId) out.push({ kind: r.type, externalId: r.externalId });
  const o = state.owner;
  if (o !== null && o.source === crmSource && o.externalId) out.push({ kind: 'user', externalId: o.externalId });
  return out;
}
