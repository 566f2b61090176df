/** gatherFacts on a real store, once per engine: lookup, the owner's primary extension, the call log and live states. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, openTestStore, type TestStore } from '../support/engines.ts';
import { Directory } from '../../src/directory/directory.ts';
import { gatherFacts } from '../../src/routing/facts.ts';
import { DeviceStateTracker } from '../../src/routing/device-states.ts';
import { AmiMessage } from '../../src/ami/message.ts';
import type { NormalizedPhone } from '../../src/phone/types.ts';
import type { LastAgentFact } from '../../src/routing/types.ts';

const NOW = new Date('2026-11-23T20:00:00Z');

for (const engine of ENGINES) {
  describe(`gatherFacts on ${engine}`, () => {
    let t: TestStore;
    let dir: Directory;
    const ids: Record<string, string> = {};

    before(async () => {
      t = await openTestStore(engine);
      dir = new Directory(t.store, { defaultRegion: 'US' });
      ids.alice = (await dir.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101', '201'] })).id;
      ids.bob = (await dir.upsertUser({ login: 'bob', name: 'Bob Agent', extensions: ['102'] })).id;
      ids.gone = (await dir.upsertUser({ login: 'gone', name: 'Gone Agent', extensions: ['109'], active: false })).id;
      ids.andy = (await dir.upsertContact({ firstName: 'Andy', lastName: 'Agi', assignedUserId: ids.bob, phones: [{ kind: 'mobile', number: '+1 555 123 0010' }] })).id;
      ids.lead = (await dir.upsertLead({ firstName: 'Lena', lastName: 'Lead', phones: [{ kind: 'work', number: '+1 555 123 0020' }] })).id;
      ids.acme = (await dir.upsertAccount({ name: 'ACME', assignedUserId: ids.alice, phones: [{ kind: 'office', number: '(555) 123-0020' }] })).id;
      ids.old = (await dir.upsertContact({ firstName: 'Olga', lastName: 'Old', assignedUserId: ids.gone, phones: [{ kind: 'work', number: '+1 555 123 0030' }] })).id;
    });
    after(() => t.dispose());

    test('a known caller: the clients in rank order, the owner with the primary extension, its live state', async () => {
      const tracker = new DeviceStateTracker();
      tracker.apply(new AmiMessage([['Event', 'DeviceStateChange'], ['Device', 'PJSIP/102'], ['State', 'INUSE']]));
      const facts = await gatherFacts({ directory: dir, deviceStates: tracker, caller: '+15551230010', did: '5550400', now: NOW });
      assert.deepEqual(facts.caller, { kind: 'matched', clients: [{ type: 'contact', id: ids.andy, name: 'Andy Agi', ownerId: ids.bob }] });
      assert.deepEqual(facts.owner, { id: ids.bob, name: 'Bob Agent', active: true, extension: '102' });
      assert.deepEqual({ ...facts.availability }, { '102': 'in-use' });
    });

    test('several matches: the owner is read for the ranked first client with an assigned user', async () => {
      const facts = await gatherFacts({ directory: dir, caller: '5551230020', now: NOW });
      assert.equal(facts.caller.kind, 'matched');
      assert.deepEqual(facts.caller.kind === 'matched' && facts.caller.clients.map((c) => c.type), ['lead', 'account']);
      assert.deepEqual(facts.owner, { id: ids.alice, name: 'Alice Agent', active: true, extension: '101' });
      assert.deepEqual({ ...facts.availability }, {}, 'no tracker: nothing known');
    });

    test('an inactive owner is reported as such', async () => {
      assert.equal((await gatherFacts({ directory: dir, caller: '+15551230030', now: NOW })).owner?.active, false);
    });

    test('the call log is asked in parallel with the window, for known and unknown numbers alike', async () => {
      const asked: [NormalizedPhone, Date][] = [];
      const lastAgentFor = async (n: NormalizedPhone, since: Date): Promise<LastAgentFact | null> => {
        asked.push([n, since]);
        return { extension: '201', at: '2026-11-20T10:00:00Z' };
      };
      const tracker = new DeviceStateTracker();
      const facts = await gatherFacts({ directory: dir, lastAgentFor, deviceStates: tracker, caller: '+1 555 999 0000', lastAgentDays: 7, now: NOW });
      assert.deepEqual(facts.caller, { kind: 'unknown' });
      assert.equal(facts.owner, null);
      assert.deepEqual(facts.lastAgent, { extension: '201', at: '2026-11-20T10:00:00Z' });
      assert.deepEqual({ ...facts.availability }, { '201': 'unknown' });
      assert.equal(asked[0]![0].kind === 'number' && asked[0]![0].e164, '+15559990000');
      assert.equal(asked[0]![1].toISOString(), '2026-11-16T20:00:00.000Z');
    });

    test('anonymous callers are not looked up; a failing call log is absorbed and reported', async () => {
      let asked = 0;
      const anonymous = await gatherFacts({ directory: dir, lastAgentFor: async () => (asked++, null), caller: 'anonymous' });
      assert.deepEqual(anonymous, { caller: { kind: 'anonymous' }, owner: null, lastAgent: null, availability: {} });
      assert.equal(asked, 0);
      const errors: unknown[] = [];
      const facts = await gatherFacts({
        directory: dir,
        lastAgentFor: () => Promise.reject(new Error('call log down')),
        onError: (err) => errors.push(err),
        caller: '+15551230010',
      });
      assert.equal(facts.owner?.extension, '102');
      assert.equal(facts.lastAgent, null);
      assert.equal((errors[0] as Error).message, 'call log down');
    });
  });
}
