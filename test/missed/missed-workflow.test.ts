/**
 * The callback workflow on both engines: calls in, items opened, counted, escalated, snoozed,
 * reassigned and closed, and the people told; races between two writers end in one item.
 */
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';
import { loggable } from '../support/calls.ts';
import { Directory } from '../../src/directory/directory.ts';
import { findByPhone } from '../../src/directory/lookup.ts';
import { CallLog } from '../../src/store/call-log.ts';
import { MissedItems, type MissedItemRow } from '../../src/store/missed-items.ts';
import { MissedWorkflow, type MissedMessage } from '../../src/missed/workflow.ts';
import type { CallRecord } from '../../src/calls/record.ts';

const CUSTOMER = '+15551230002';

function record(over: Partial<CallRecord> & { id: string }): CallRecord {
  return {
    ...loggable({ id: over.id }),
    externalName: null,
    queue: null,
    unreachable: [],
    answeredAt: null,
    ringSeconds: 15,
    talkSeconds: 0,
    hangupBy: 'caller',
    hangupParty: 'caller',
    hangupExtension: null,
    hangupCause: 16,
    hangupCauseText: null,
    recordingFile: null,
    originate: null,
    recovered: false,
    endedWhileDisconnected: false,
    endReason: null,
    fromCdr: null,
    externalNumber: CUSTOMER,
    normalizedNumber: CUSTOMER,
    disposition: 'missed',
    rang: ['101'],
    ...over,
  } as CallRecord;
}

for (const engine of ENGINES) {
  describe(`missed-call items on ${engine}`, () => {
    let t: TestStore;
    let directory: Directory;
    let callLog: CallLog;
    let items: MissedItems;
    let clock: number;
    let told: { to: readonly string[]; message: MissedMessage }[];
    const ids: Record<string, string> = {};
    let contactId: string;

    const workflow = (): MissedWorkflow =>
      new MissedWorkflow({
        items,
        directory,
        lastAgentFor: (n, since) => callLog.lastAgentFor(n, since),
        rulesOf: () => ({ order: ['owner', 'last-agent', 'did-default', 'fallback'], lastAgentDays: 30, didDefaults: { '5550100': '103' }, fallback: '104' }),
        qualifierOf: () => null,
        escalateMinutes: 30,
        publish: (to, message) => told.push({ to, message }),
        now: () => new Date(clock),
      });
    const ended = async (w: MissedWorkflow, r: CallRecord): Promise<void> => {
      await callLog.upsert(r);
      await w.callEnded(r, async () => (await findByPhone(directory, r.normalizedNumber ?? '')).candidates);
    };
    const at = (minutes: number): string => new Date(Date.parse('2026-12-07T10:00:00.000Z') + minutes * 60_000).toISOString();

    before(async () => {
      t = await openTestStore(engine);
      directory = new Directory(t.store, { defaultRegion: 'US' });
      callLog = new CallLog(t.store);
      for (const [login, ext, role] of [
        ['alice', '101', 'agent'],
        ['bob', '102', 'agent'],
        ['carol', '103', 'agent'],
        ['dave', '104', 'agent'],
        ['root', '199', 'admin'],
      ] as const) {
        ids[login] = (await directory.upsertUser({ login, name: login[0]!.toUpperCase() + login.slice(1), extensions: [ext], role })).id;
      }
      contactId = (await directory.upsertContact({ firstName: 'Mary', lastName: 'Missed', assignedUserId: ids['alice']!, phones: [{ kind: 'mobile', number: '(555) 123-0002' }] })).id;
    });
    after(() => t.dispose());
    beforeEach(async () => {
      await t.store.db.deleteFrom('missed_item_calls').execute();
      await t.store.db.deleteFrom('missed_items').execute();
      await t.store.db.deleteFrom('calls').execute();
      items = new MissedItems(t.store, () => new Date(clock));
      clock = Date.parse(at(1));
      told = [];
    });

    test("a missed call from a contact's number is the contact's responsible user's, at once, with the record", async () => {
      const w = workflow();
      await ended(w, record({ id: 'default:1.0', startedAt: at(0) }));
      const [item] = await items.list({ ownerId: ids['alice']!, status: 'open', limit: 10 });
      assert.ok(item);
      assert.equal(item.owner_reason, 'responsible');
      assert.equal(item.record_type, 'contact');
      assert.equal(item.record_id, contactId);
      assert.equal(item.record_name, 'Mary Missed');
      assert.equal(item.miss_count, 1);
      assert.equal(item.escalate_at, at(31));
      assert.deepEqual(
        told.map((m) => [m.message.change, m.to]),
        [['opened', [ids['alice']]]],
      );
    });

    test('several missed calls from one number are one item with a count; the same call told twice counts once', async () => {
      const w = workflow();
      await ended(w, record({ id: 'default:1.0', startedAt: at(0) }));
      await ended(w, record({ id: 'default:1.0', startedAt: at(0) }));
      await ended(w, record({ id: 'default:2.0', startedAt: at(5), disposition: 'abandoned' }));
      const open = await items.list({ ownerId: null, status: 'open', limit: 10 });
      assert.equal(open.length, 1);
      assert.equal(open[0]!.miss_count, 2);
      assert.equal(open[0]!.last_call_id, 'default:2.0');
      assert.equal(open[0]!.first_missed_at, at(0));
      assert.deepEqual(
        told.map((m) => m.message.change),
        ['opened', 'counted'],
      );
    });

    test('two writers filing calls of one number at once (two instances) end with one item counting both', async () => {
      const [a, b] = [workflow(), workflow()];
      const r1 = record({ id: 'default:1.0', startedAt: at(0) });
      const r2 = record({ id: 'default:2.0', startedAt: at(0) });
      await Promise.all([callLog.upsert(r1), callLog.upsert(r2)]);
      const matches = async () => (await findByPhone(directory, CUSTOMER)).candidates;
      await Promise.all([a.callEnded(r1, matches), b.callEnded(r2, matches), a.callEnded(r2, matches), b.callEnded(r1, matches)]);
      const open = await items.list({ ownerId: null, status: 'open', limit: 10 });
      assert.equal(open.length, 1);
      assert.equal(open[0]!.miss_count, 2);
      const counted = await t.store.db.selectFrom('missed_item_calls').select('call_id').orderBy('call_id').execute();
      assert.deepEqual(
        counted.map((c) => c.call_id),
        ['default:1.0', 'default:2.0'],
      );
    });

    test("left alone it moves on: the line's team, then the fallback, then an admin, and says so to both", async () => {
      const w = workflow();
      await ended(w, record({ id: 'default:1.0', startedAt: at(0) }));
      const owners: [string | null, string, number][] = [];
      for (let step = 0; step < 4; step++) {
        clock += 31 * 60_000;
        await w.escalateDue();
        const [item] = await items.list({ ownerId: null, status: 'open', limit: 1 });
        owners.push([item!.owner_id, item!.owner_reason, item!.level]);
      }
      assert.deepEqual(owners, [
        [ids['carol']!, 'line', 1],
        [ids['dave']!, 'fallback', 2],
        [ids['root']!, 'admin', 3],
        [ids['root']!, 'admin', 3],
      ]);
      const escalated = told.filter((m) => m.message.change === 'escalated');
      assert.deepEqual(escalated[0]!.to, [ids['carol'], ids['alice']], 'the new owner and the one it left');
      assert.equal(escalated.length, 3);
    });

    test('two instances escalating at the same tick move the item once', async () => {
      const [a, b] = [workflow(), workflow()];
      await ended(a, record({ id: 'default:1.0', startedAt: at(0) }));
      clock += 31 * 60_000;
      const moved = (await Promise.all([a.escalateDue(), b.escalateDue()])).reduce((x, y) => x + y, 0);
      assert.equal(moved, 1);
      const [item] = await items.list({ ownerId: null, status: 'open', limit: 1 });
      assert.equal(item!.level, 1);
    });

    test('a snoozed item waits; a reassigned one is the new person\'s and moves on from there', async () => {
      const w = workflow();
      await ended(w, record({ id: 'default:1.0', startedAt: at(0) }));
      let item: MissedItemRow = (await items.list({ ownerId: null, status: 'open', limit: 1 }))[0]!;
      await w.snooze(item, 60);
      clock += 31 * 60_000;
      assert.equal(await w.escalateDue(), 0, 'snoozed: not moved');
      item = (await items.byId(item.id))!;
      assert.equal(item.owner_id, ids['alice']);
      const bob = (await directory.userById(ids['bob']!))!;
      await w.reassign(item, bob);
      item = (await items.byId(item.id))!;
      assert.equal(item.owner_id, ids['bob']);
      assert.equal(item.owner_reason, 'reassigned');
      assert.equal(item.snoozed_until, null);
      clock += 31 * 60_000;
      await w.escalateDue();
      item = (await items.byId(item.id))!;
      assert.equal(item.owner_id, ids['carol'], 'from a reassignment, on to the line');
    });

    test('an answered callback closes the item by itself, says by whom and when, and marks the missed calls called back', async () => {
      const w = workflow();
      await ended(w, record({ id: 'default:1.0', startedAt: at(0) }));
      await ended(w, record({ id: 'default:2.0', startedAt: at(3) }));
      // An earlier call from another number is not touched.
      await ended(w, record({ id: 'default:3.0', startedAt: at(2), normalizedNumber: '+15551239999', externalNumber: '+15551239999' }));
      await ended(w, record({ id: 'default:4.0', direction: 'outbound', disposition: 'answered', callerExtension: '101', answeredBy: '101', startedAt: at(10), answeredAt: at(11) }));
      const [closed] = await items.list({ ownerId: null, status: 'closed', limit: 10 });
      assert.ok(closed);
      assert.equal(closed.close_reason, 'callback');
      assert.equal(closed.closed_by, ids['alice']);
      assert.equal(closed.closed_by_name, 'Alice');
      assert.equal(closed.closed_at, at(11));
      assert.equal(closed.closed_call_id, 'default:4.0');
      const calls = await t.store.db.selectFrom('calls').select(['id', 'called_back_at']).orderBy('id').execute();
      assert.deepEqual(
        calls.map((c) => [c.id, c.called_back_at]),
        [
          ['default:1.0', at(11)],
          ['default:2.0', at(11)],
          ['default:3.0', null],
          ['default:4.0', null],
        ],
      );
      assert.deepEqual(
        told.map((m) => m.message.change),
        ['opened', 'counted', 'opened', 'closed'],
      );
      // The next missed call from the number opens a new item.
      await ended(w, record({ id: 'default:5.0', startedAt: at(20) }));
      assert.equal((await items.list({ ownerId: null, status: 'open', limit: 10 })).filter((i) => i.number === CUSTOMER).length, 1);
    });

    test('the customer calling in again and being answered closes it too, as theirs; an unknown caller goes to the line', async () => {
      const w = workflow();
      const stranger = '+15557770000';
      await ended(w, record({ id: 'default:1.0', startedAt: at(0), normalizedNumber: stranger, externalNumber: stranger }));
      let [item] = await items.list({ ownerId: null, status: 'open', limit: 1 });
      assert.equal(item!.owner_id, ids['carol']);
      assert.equal(item!.owner_reason, 'line');
      await ended(w, record({ id: 'default:2.0', startedAt: at(5), answeredAt: at(6), disposition: 'answered', answeredBy: '102', normalizedNumber: stranger, externalNumber: stranger }));
      [item] = await items.list({ ownerId: null, status: 'closed', limit: 1 });
      assert.equal(item!.close_reason, 'called-again');
      assert.equal(item!.closed_by, ids['bob']);
    });

    test("a caller the line's team got while unknown, missed again once they are a contact, is the contact's responsible user's", async () => {
      const w = workflow();
      const stranger = '+15557770002';
      await ended(w, record({ id: 'default:1.0', startedAt: at(0), normalizedNumber: stranger, externalNumber: stranger }));
      assert.equal((await items.list({ ownerId: null, status: 'open', limit: 1 }))[0]!.owner_reason, 'line');
      await directory.upsertContact({ firstName: 'New', lastName: 'Contact', assignedUserId: ids['bob']!, phones: [{ kind: 'mobile', number: stranger }] });
      await ended(w, record({ id: 'default:2.0', startedAt: at(5), normalizedNumber: stranger, externalNumber: stranger }));
      const [item] = await items.list({ ownerId: null, status: 'open', limit: 1 });
      assert.equal(item!.owner_id, ids['bob']);
      assert.equal(item!.owner_reason, 'responsible');
      assert.equal(item!.miss_count, 2);
      assert.equal(item!.record_name, 'New Contact');
      const moved = told.find((m) => m.message.change === 'reassigned');
      assert.deepEqual(moved?.to, [ids['bob'], ids['carol']], 'the new owner and the line that had it');
      // A person's own choice or an escalation is not undone by a new count.
      const alice = (await directory.userById(ids['alice']!))!;
      await w.reassign((await items.byId(item!.id))!, alice);
      await ended(w, record({ id: 'default:3.0', startedAt: at(9), normalizedNumber: stranger, externalNumber: stranger }));
      assert.equal((await items.byId(item!.id))!.owner_id, ids['alice']);
    });

    test('the agent who last talked to an unknown caller owns their missed call', async () => {
      const w = workflow();
      const stranger = '+15557770001';
      await ended(w, record({ id: 'default:1.0', startedAt: at(-60), answeredAt: at(-60), disposition: 'answered', answeredBy: '102', normalizedNumber: stranger, externalNumber: stranger }));
      await ended(w, record({ id: 'default:2.0', startedAt: at(0), normalizedNumber: stranger, externalNumber: stranger }));
      const [item] = await items.list({ ownerId: null, status: 'open', limit: 1 });
      assert.equal(item!.owner_id, ids['bob']);
      assert.equal(item!.owner_reason, 'last-agent');
    });

    test('a person closes it with a note; the counts say what is open', async () => {
      const w = workflow();
      await ended(w, record({ id: 'default:1.0', startedAt: at(0) }));
      assert.deepEqual(await items.openCounts(ids['alice']!), { mine: 1, all: 1 });
      assert.deepEqual(await items.openCounts(ids['bob']!), { mine: 0, all: 1 });
      let item: MissedItemRow = (await items.list({ ownerId: null, status: 'open', limit: 1 }))[0]!;
      item = (await w.snooze(item, 30))!;
      assert.deepEqual(await items.openCounts(ids['alice']!), { mine: 0, all: 1 }, 'snoozed: not waiting for her now');
      clock += 31 * 60_000;
      assert.deepEqual(await items.openCounts(ids['alice']!), { mine: 1, all: 1 }, 'the snooze is over');
      const alice = (await directory.userById(ids['alice']!))!;
      const closed = await w.dismiss(item, alice, 'wrong number');
      assert.equal(closed?.close_reason, 'dismissed');
      assert.equal(closed?.close_note, 'wrong number');
      assert.equal(await w.dismiss(item, alice, 'again'), undefined, 'a stale version changes nothing');
      assert.deepEqual(await items.openCounts(ids['alice']!), { mine: 0, all: 0 });
    });
  });
}
