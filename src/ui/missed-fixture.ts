/** A missed-call item for the console's unit tests: Rita Ringgroup missed once, Alice's as the contact's responsible user. */
import type { MissedItemView } from './missed-api.ts';

export function missedItem(over: Partial<MissedItemView> = {}): MissedItemView {
  return {
    id: 'm1',
    pbx: 'pbx1',
    number: '+15551230005',
    numberFormatted: '(555) 123-0005',
    callerName: 'Rita Ringgroup',
    record: { type: 'contact', id: 'c1', name: 'Rita Ringgroup' },
    did: '5550200',
    count: 1,
    firstMissedAt: '2026-12-07T10:02:00.000Z',
    lastMissedAt: '2026-12-07T11:05:00.000Z',
    lastCallId: 'pbx1:1.1',
    status: 'open',
    owner: { id: 'u-alice', name: 'Alice Agent' },
    ownerReason: 'responsible',
    level: 0,
    escalateAt: '2026-12-07T12:35:00.000Z',
    snoozedUntil: null,
    closedAt: null,
    closedBy: null,
    closeReason: null,
    closeNote: null,
    ...over,
  };
}
