import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loggable } from '../../test/support/calls.ts';
import { ENGINES, openTestStore, type TestStore } from '../../test/support/engines.ts';
import { CallLog, type LoggableCall } from '../store/call-log.ts';
import { callTies } from './call-ties.ts';
import { Directory } from './directory.ts';

const call = (over: Partial<LoggableCall> & { id: string }): LoggableCall => loggable({ did: null, ...over });

const TOOK_PART = ['answered', 'caller', 'transfer-target'] as const;


for (const engine of ENGINES) {
  describe(`call ties on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    let log: CallLog;
    let alice: { id: string; extensions: string[] };
    let bob: { id: string; extensions: string[] };

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US' });
      log = new CallLog(t.store);
      alice = { id: (await dir.upsertUser({ login: 'alice', name: 'Alice', extensions: ['101', '201'] })).id, extensions: ['101', '201'] };
      bob = { id: (await dir.upsertUser({ login: 'bob', name: 'Bob', extensions: ['102'] })).id, extensions: ['102'] };
    });
    after(() => t.dispose());

    test('taking part: an extension of the user\'s in one of the roles asked about; ringing alone is not', async () => {
      await log.upsert(call({ id: 'c1', rang: ['101', '102'], answeredBy: '102' }));
      await log.upsert(call({ id: 'c2', direction: 'outbound', callerExtension: '201' }));
      await log.upsert(call({ id: 'c3', rang: ['102'], answeredBy: '102', transfers: [{ to: '101' }] }));
      assert.deepEqual(await callTies(t.store, alice, 'c1', TOOK_PART), { participant: false, recordOwner: false });
      assert.deepEqual(await callTies(t.store, bob, 'c1', TOOK_PART), { participant: true, recordOwner: false });
      assert.deepEqual(await callTies(t.store, alice, 'c1', ['rang']), { participant: true, recordOwner: false });
      assert.equal((await callTies(t.store, alice, 'c2', TOOK_PART)).participant, true, 'placed it from her second extension');
      assert.equal((await callTies(t.store, alice, 'c3', TOOK_PART)).participant, true, 'took it by transfer');
      assert.deepEqual(await callTies(t.store, alice, 'no-such-call', TOOK_PART), { participant: false, recordOwner: false });
    });

    // Found while moving this query (issue 12): EXISTS over a one-row `select 0` was true, so a user
    // with no extension "took part" in every call and could hear every recording.
    test('a user without extensions takes part in no call', async () => {
      assert.equal((await callTies(t.store, { id: alice.id, extensions: [] }, 'c2', TOOK_PART)).participant, false);
    });

    test('record owner: responsible for a contact, account or lead the call is linked to, and only that', async () => {
      const contact = (await dir.upsertContact({ lastName: 'Alice\'s', assignedUserId: alice.id })).id;
      const account = (await dir.upsertAccount({ name: 'Bob\'s', assignedUserId: bob.id })).id;
      const lead = (await dir.upsertLead({ lastName: 'Bob\'s lead', assignedUserId: bob.id })).id;
      const nobodys = (await dir.upsertContact({ lastName: 'Nobody\'s' })).id;
      await log.upsert(call({ id: 'l1' }), [{ type: 'contact', id: contact, link: 'matched' }]);
      await log.upsert(call({ id: 'l2' }), [{ type: 'account', id: account, link: 'matched' }, { type: 'contact', id: nobodys, link: 'matched' }]);
      await log.upsert(call({ id: 'l3' }), [{ type: 'lead', id: lead, link: 'origin' }]);
      // The same id under another type is another record: a link names its type.
      await log.upsert(call({ id: 'l4' }), [{ type: 'account', id: contact, link: 'matched' }]);
      assert.deepEqual(await callTies(t.store, alice, 'l1', TOOK_PART), { participant: false, recordOwner: true });
      assert.equal((await callTies(t.store, bob, 'l1', TOOK_PART)).recordOwner, false);
      assert.equal((await callTies(t.store, bob, 'l2', TOOK_PART)).recordOwner, true);
      assert.equal((await callTies(t.store, alice, 'l2', TOOK_PART)).recordOwner, false);
      assert.equal((await callTies(t.store, bob, 'l3', TOOK_PART)).recordOwner, true);
      assert.equal((await callTies(t.store, alice, 'l4', TOOK_PART)).recordOwner, false);
      assert.equal((await callTies(t.store, alice, 'c1', TOOK_PART)).recordOwner, false, 'owning records the call is not linked to counts for nothing');
    });

    test('hostile ids and extensions are parameters: they match nothing and raise nothing', async () => {
      const hostile = { id: "' or '1'='1", extensions: ["101' or '1'='1", '%', '_'] };
      assert.deepEqual(await callTies(t.store, hostile, "c1' or '1'='1", TOOK_PART), { participant: false, recordOwner: false });
      assert.deepEqual(await callTies(t.store, hostile, 'l1', ["answered' or '1'='1"]), { participant: false, recordOwner: false });
    });
  });
}
