import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextOwner, ownerChain, type ChainFacts } from './owner-chain.ts';

const alice = { id: 'alice', name: 'Alice', active: true };
const bob = { id: 'bob', name: 'Bob', active: true };
const carol = { id: 'carol', name: 'Carol', active: true };
const dave = { id: 'dave', name: 'Dave', active: true };
const admin = { id: 'admin', name: 'Admin', active: true };
const facts: ChainFacts = { order: ['owner', 'last-agent', 'did-default', 'fallback'], responsible: alice, lastAgent: bob, line: carol, fallback: dave, admins: [admin] };

test("the chain is routing's: responsible user, last agent, the line's extension, the fallback, then an admin", () => {
  assert.deepEqual(
    ownerChain(facts).map((l) => [l.user.id, l.reason]),
    [
      ['alice', 'responsible'],
      ['bob', 'last-agent'],
      ['carol', 'line'],
      ['dave', 'fallback'],
      ['admin', 'admin'],
    ],
  );
});

test('each person once, inactive people skipped, and the configured rule order kept', () => {
  const chain = ownerChain({ ...facts, order: ['last-agent', 'owner', 'fallback'], lastAgent: alice, responsible: { ...bob, active: false } });
  assert.deepEqual(
    chain.map((l) => [l.user.id, l.reason]),
    [
      ['alice', 'last-agent'],
      ['dave', 'fallback'],
      ['admin', 'admin'],
    ],
  );
  assert.deepEqual(ownerChain({ order: ['owner'], responsible: null, lastAgent: null, line: null, fallback: null, admins: [] }), []);
});

test("escalation goes down the chain: to the line's team, then the fallback, then an admin; never back up", () => {
  const chain = ownerChain(facts);
  assert.equal(nextOwner(chain, { ownerId: 'alice', reason: 'responsible' })?.user.id, 'carol');
  assert.equal(nextOwner(chain, { ownerId: 'bob', reason: 'last-agent' })?.user.id, 'carol');
  assert.equal(nextOwner(chain, { ownerId: 'bob', reason: 'reassigned' })?.user.id, 'carol');
  assert.equal(nextOwner(chain, { ownerId: 'carol', reason: 'line' })?.user.id, 'dave');
  assert.equal(nextOwner(chain, { ownerId: 'dave', reason: 'fallback' })?.user.id, 'admin');
  assert.equal(nextOwner(chain, { ownerId: 'admin', reason: 'admin' }), null);
});

test('escalation skips the current owner when they are also the next link (the responsible user is the line default)', () => {
  const chain = ownerChain({ ...facts, line: alice });
  // Alice is in the chain once, as responsible: from her, the next is the fallback.
  assert.equal(nextOwner(chain, { ownerId: 'alice', reason: 'responsible' })?.user.id, 'dave');
  // Reassigned to Dave by hand: the next is an admin, not Dave again.
  assert.equal(nextOwner(chain, { ownerId: 'dave', reason: 'reassigned' })?.user.id, 'admin');
});
