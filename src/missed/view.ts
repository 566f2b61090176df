/** An item as the API and the stream show it (src/missed/README.md, `MissedItemView`). Pure. */
import type { CountryCode } from '../phone/types.ts';
import { normalizePhone } from '../phone/normalize.ts';
import { formatPhoneForPeople } from '../phone/format.ts';
import type { MissedItemRowNamed } from '../store/missed-items.ts';
import type { RecordType } from '../directory/record-types.ts';
import type { MissedCloseReason, MissedOwnerReason } from '../store/schema.ts';

export interface MissedItemView {
  id: string;
  pbx: string;
  number: string;
  numberFormatted: string;
  callerName: string | null;
  record: { type: RecordType; id: string; name: string } | null;
  did: string | null;
  count: number;
  firstMissedAt: string;
  lastMissedAt: string;
  lastCallId: string;
  status: 'open' | 'closed';
  owner: { id: string; name: string } | null;
  ownerReason: MissedOwnerReason;
  level: number;
  escalateAt: string | null;
  snoozedUntil: string | null;
  closedAt: string | null;
  closedBy: { id: string; name: string } | null;
  closeReason: MissedCloseReason | null;
  closeNote: string | null;
}

export function missedItemView(row: MissedItemRowNamed, region: CountryCode): MissedItemView {
  const name = row.record_name?.trim() ? row.record_name.trim() : null;
  return {
    id: row.id,
    pbx: row.pbx,
    number: row.number,
    numberFormatted: formatPhoneForPeople(normalizePhone(row.number, { defaultRegion: region }), region),
    callerName: name ?? row.caller_name,
    record: row.record_type !== null && row.record_id !== null && name !== null ? { type: row.record_type, id: row.record_id, name } : null,
    did: row.did,
    count: Number(row.miss_count),
    firstMissedAt: row.first_missed_at,
    lastMissedAt: row.last_missed_at,
    lastCallId: row.last_call_id,
    status: row.status,
    owner: row.owner_id === null ? null : { id: row.owner_id, name: row.owner_name ?? '' },
    ownerReason: row.owner_reason,
    level: Number(row.level),
    escalateAt: row.escalate_at,
    snoozedUntil: row.snoozed_until,
    closedAt: row.closed_at,
    closedBy: row.closed_by === null ? null : { id: row.closed_by, name: row.closed_by_name ?? '' },
    closeReason: row.close_reason,
    closeNote: row.close_note,
  };
}
