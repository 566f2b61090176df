import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextStep, type ItemFacts, type MirrorFacts } from './next-step.ts';

const contact = { kind: 'contact' as const, externalId: 'c1' };
const alice = { kind: 'user' as const, externalId: 'alice' };
const bob = { kind: 'user' as const, externalId: 'bob' };

const item = (over: Partial<ItemFacts> = {}): ItemFacts => ({ status: 'open', version: 1, digest: 'd1', targets: [contact, alice], ...over });
const mirror = (over: Partial<MirrorFacts> = {}): MirrorFacts => ({ crmCallId: null, postStarted: false, searched: false, syncedVersion: 0, shown: null, links: [], ...over });
const synced = (over: Partial<MirrorFacts> = {}): MirrorFacts => mirror({ crmCallId: 'call-1', postStarted: true, syncedVersion: 1, shown: 'd1', links: ['contact:c1', 'user:alice'], ...over });

test('an open item first seen: create it', () => {
  assert.deepEqual(nextStep(item(), mirror()), { do: 'create' });
});

test('a create that may have been sent: look for it first, create only when the search found none', () => {
  assert.deepEqual(nextStep(item(), mirror({ postStarted: true })), { do: 'find' });
  assert.deepEqual(nextStep(item(), mirror({ postStarted: true, searched: true })), { do: 'create' });
});

test('an item closed before its planned call existed: nothing is created (after looking, when a create may have been sent)', () => {
  assert.deepEqual(nextStep(item({ status: 'closed' }), mirror()), { do: 'settle' });
  assert.deepEqual(nextStep(item({ status: 'closed' }), mirror({ postStarted: true })), { do: 'find' });
  assert.deepEqual(nextStep(item({ status: 'closed' }), mirror({ postStarted: true, searched: true })), { do: 'settle' });
  // Found: it is closed in the CRM too.
  assert.deepEqual(nextStep(item({ status: 'closed', version: 3, digest: 'd3' }), mirror({ crmCallId: 'call-1', postStarted: true, searched: true })), { do: 'update' });
});

test('after the create: the contact and the owner are linked, then done', () => {
  const m = mirror({ crmCallId: 'call-1', postStarted: true, syncedVersion: 1 });
  assert.deepEqual(nextStep(item(), m), { do: 'link', target: contact });
  assert.deepEqual(nextStep(item(), { ...m, links: ['contact:c1'] }), { do: 'link', target: alice });
  assert.deepEqual(nextStep(item(), { ...m, links: ['contact:c1', 'user:alice'] }), { do: 'finish', settled: false });
});

test('counted again or moved: the same call is updated; a new owner is linked before the old one is unlinked', () => {
  assert.deepEqual(nextStep(item({ version: 2, digest: 'd2' }), synced()), { do: 'update' });
  const moved = item({ version: 2, digest: 'd2', targets: [contact, bob] });
  assert.deepEqual(nextStep(moved, synced({ syncedVersion: 2 })), { do: 'link', target: bob });
  assert.deepEqual(nextStep(moved, synced({ syncedVersion: 2, links: ['contact:c1', 'user:alice', 'user:bob'] })), { do: 'unlink', target: alice });
  assert.deepEqual(nextStep(moved, synced({ syncedVersion: 2, links: ['contact:c1', 'user:bob'] })), { do: 'finish', settled: false });
});

test('an owner the CRM does not know: the previous owner leaves, the record stays linked', () => {
  const local = item({ version: 2, digest: 'd2', targets: [contact] });
  assert.deepEqual(nextStep(local, synced({ syncedVersion: 2 })), { do: 'unlink', target: alice });
  // A record the item no longer names is not unlinked: the call concerned it.
  assert.deepEqual(nextStep(item({ targets: [alice] }), synced()), { do: 'finish', settled: false });
});

test('closed: updated once, then settled for good', () => {
  assert.deepEqual(nextStep(item({ status: 'closed', version: 3, digest: 'd3' }), synced()), { do: 'update' });
  assert.deepEqual(nextStep(item({ status: 'closed', version: 3 }), synced({ syncedVersion: 3 })), { do: 'finish', settled: true });
});

test('a newer version that shows the same (a snooze): noted without writing; a call found (shown unknown) is rewritten', () => {
  assert.deepEqual(nextStep(item({ version: 2 }), synced()), { do: 'unchanged' });
  assert.deepEqual(nextStep(item({ version: 2 }), synced({ syncedVersion: 0, shown: null })), { do: 'update' });
});

test('nothing new: finish without writing', () => {
  assert.deepEqual(nextStep(item(), synced()), { do: 'finish', settled: false });
  // A row that shows a newer version than it read (another instance wrote it): nothing to do.
  assert.deepEqual(nextStep(item({ version: 1 }), synced({ syncedVersion: 2 })), { do: 'finish', settled: false });
});
