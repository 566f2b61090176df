/**
 * The missed-call items API (src/missed/README.md): who sees what, who may act, what a wrong body
 * is told, and the view people read.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';
import { missedItemsRoutes } from '../../src/web/routes/missed-items-routes.ts';
import { MissedItems } from '../../src/store/missed-items.ts';
import { MissedWorkflow } from '../../src/missed/workflow.ts';
import type { MissedItemView } from '../../src/missed/view.ts';

let t: TestApp;
let items: MissedItems;
let workflow: MissedWorkflow;
let alice: Record<string, string>;
let bob: Record<string, string>;
let root: Record<string, string>;
let ids: Record<string, string>;
let itemId: string;

before(async () => {
  t = await buildTestApp({}, ({ store, directory }) => {
    items = new MissedItems(store);
    workflow = new MissedWorkflow({
      items,
      directory,
      lastAgentFor: async () => null,
      rulesOf: () => ({ order: ['owner', 'last-agent', 'did-default', 'fallback'], lastAgentDays: 30, didDefaults: {}, fallback: '' }),
      qualifierOf: () => null,
      escalateMinutes: 30,
      publish: () => undefined,
    });
    return [(app) => missedItemsRoutes(app, { items, workflow, users: directory, defaultRegion: 'US' })];
  });
  ids = Object.fromEntries((await t.directory.listUsers()).map((u) => [u.login, u.id]));
  const contact = await t.directory.upsertContact({ firstName: 'Mary', lastName: 'Missed', assignedUserId: ids['alice']!, phones: [{ kind: 'mobile', number: '(555) 123-0002' }] });
  const counted = await items.countMissed(
    { callId: 'default:1.0', pbx: 'default', number: '+15551230002', externalNumber: '+15551230002', callerName: 'Mary Missed', record: { type: 'contact', id: contact.id }, did: '5550100', at: '2026-12-07T10:00:00.000Z' },
    async () => ({ ownerId: ids['alice']!, reason: 'responsible', escalateAt: '2026-12-07T10:30:00.000Z' }),
  );
  assert.ok(counted.change === 'opened');
  itemId = counted.item.id;
  for (const [login, pw] of [
    ['alice', 'alice-pw'],
    ['bob', 'bob-pw'],
    ['root', 'root-pw'],
  ] as const) {
    const s = await signIn(t.app, login, pw);
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    if (login === 'alice') alice = headers;
    else if (login === 'bob') bob = headers;
    else root = headers;
  }
});
after(() => t.close());

const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Record<string, string>, payload: unknown) => t.app.inject({ method: 'POST', url, headers, payload: payload as object });

test('the owner sees the item as people read it; others do not; everyone\'s list is for admins', async () => {
  const mine = (await get('/api/missed-items', alice)).json() as { items: MissedItemView[] };
  assert.equal(mine.items.length, 1);
  const item = mine.items[0]!;
  assert.equal(item.numberFormatted, '(555) 123-0002');
  assert.deepEqual(item.record, { type: 'contact', id: item.record!.id, name: 'Mary Missed' });
  assert.deepEqual(item.owner, { id: ids['alice'], name: 'Alice Agent' });
  assert.equal(item.ownerReason, 'responsible');
  assert.equal(item.count, 1);
  assert.equal(item.status, 'open');
  assert.deepEqual(((await get('/api/missed-items', bob)).json() as { items: unknown[] }).items, []);
  const refused = await get('/api/missed-items?scope=all', bob);
  assert.equal(refused.statusCode, 403);
  assert.match(refused.json().error.message, /scope=mine/);
  assert.equal(((await get('/api/missed-items?scope=all', root)).json() as { items: unknown[] }).items.length, 1);
  assert.deepEqual((await get('/api/missed-items/count', alice)).json(), { mine: 1, all: null });
  assert.deepEqual((await get('/api/missed-items/count', root)).json(), { mine: 0, all: 1 });
  const bad = await get('/api/missed-items?status=gone', alice);
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /status=open or status=closed/);
});

test("someone else's item cannot be touched; a wrong body is told what to send", async () => {
  const refused = await post(`/api/missed-items/${itemId}/snooze`, bob, { minutes: 10 });
  assert.equal(refused.statusCode, 403);
  assert.match(refused.json().error.message, /belongs to someone else/);
  const wrong = await post(`/api/missed-items/${itemId}/snooze`, alice, { minutes: 0 });
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.json().error.message, /"minutes" from 1 to 4320/);
  assert.equal((await post('/api/missed-items/nope/snooze', alice, { minutes: 10 })).statusCode, 404);
  const nobody = await post(`/api/missed-items/${itemId}/reassign`, alice, { userId: 'nobody' });
  assert.equal(nobody.statusCode, 400);
});

test('snooze, reassign (then it is the new owner\'s), and close with a note; a closed item takes no more changes', async () => {
  const snoozed = (await post(`/api/missed-items/${itemId}/snooze`, alice, { minutes: 60 })).json() as { item: MissedItemView };
  assert.ok(snoozed.item.snoozedUntil !== null && Date.parse(snoozed.item.snoozedUntil) > Date.now() + 59 * 60_000);
  const moved = (await post(`/api/missed-items/${itemId}/reassign`, alice, { userId: ids['bob'] })).json() as { item: MissedItemView };
  assert.equal(moved.item.owner?.name, 'Bob Agent');
  assert.equal(moved.item.ownerReason, 'reassigned');
  assert.equal((await post(`/api/missed-items/${itemId}/close`, alice, { note: 'x' })).statusCode, 403, 'no longer Alice\'s');
  const closed = (await post(`/api/missed-items/${itemId}/close`, bob, { note: 'wrong number' })).json() as { item: MissedItemView };
  assert.equal(closed.item.status, 'closed');
  assert.equal(closed.item.closeReason, 'dismissed');
  assert.equal(closed.item.closeNote, 'wrong number');
  assert.deepEqual(closed.item.closedBy, { id: ids['bob'], name: 'Bob Agent' });
  const again = await post(`/api/missed-items/${itemId}/close`, root, {});
  assert.equal(again.statusCode, 409);
  assert.match(again.json().error.message, /already closed/);
  const list = (await get('/api/missed-items?status=closed', bob)).json() as { items: MissedItemView[] };
  assert.equal(list.items[0]?.id, itemId);
  const assignees = (await get('/api/missed-items/assignees', alice)).json() as { users: { name: string }[] };
  assert.deepEqual(assignees.users.map((u) => u.name).sort(), ['Admin', 'Alice Agent', 'Bob Agent']);
});
