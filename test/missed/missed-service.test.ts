/**
 * Issue 17's "Done when", on the whole service against the PBX simulator: a call to a contact's
 * number that nobody answers is at once the contact's responsible user's item (on the stream and
 * the API); a second one counts on it; calling back through the product (click-to-call, played by
 * the simulator) closes it by itself and says by whom.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { signIn } from '../support/web-app.ts';
import type { MissedItemView } from '../../src/missed/view.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/ami-transcripts/', import.meta.url));
/** 02: "Mary Missed" +15551230002 rings 101 for 15 s; nobody answers. */
const MISSED = readFileSync(FIXTURES + '02-inbound-noanswer-101.ami', 'utf8');

let sim: AmiSimulator;
let service: Service;
let aliceId: string;
let contactId: string;
let alice: Record<string, string>;
const streamed: { user: string; message: { change: string; item: MissedItemView } }[] = [];

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret', originatePlaysCall: { agentRingMs: 50, ringMs: 50, talkMs: 300, hangupBy: 'caller' } });
  const { port } = await sim.listen();
  const config = loadConfig({ DATABASE_URL: ':memory:', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  service = await startService({ config, log: createLogger('silent'), pbx: { id: 'pbx1', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', authType: 'plain' }, listen: false, agiPort: 0 });
  const d = service.directory;
  aliceId = (await d.upsertUser({ login: 'alice', name: 'Alice Agent', password: 'alice-password', extensions: ['101'] })).id;
  await d.upsertUser({ login: 'bob', name: 'Bob Agent', password: 'bob-password', extensions: ['102'] });
  contactId = (await d.upsertContact({ firstName: 'Mary', lastName: 'Missed', assignedUserId: aliceId, phones: [{ kind: 'mobile', number: '(555) 123-0002' }] })).id;
  for (const user of [aliceId]) service.missed.hub.subscribe(user, (m) => streamed.push({ user, message: m as (typeof streamed)[number]['message'] }));
  const s = await signIn(service.app, 'alice', 'alice-password');
  alice = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  await until('the PBX link', () => (service.client.state === 'ready' ? true : undefined));
});

after(async () => {
  await service.stop();
  await sim.close();
});

const myItems = async (status: 'open' | 'closed'): Promise<MissedItemView[]> =>
  ((await service.app.inject({ method: 'GET', url: `/api/missed-items?status=${status}`, headers: alice })).json() as { items: MissedItemView[] }).items;

test("a call to a contact's number that nobody answers is the responsible user's item at once; a second one counts on it", async () => {
  await sim.replay(Buffer.from(MISSED));
  const opened = await until('the opened item on the stream', () => streamed.find((s) => s.message.change === 'opened'));
  assert.equal(opened.user, aliceId);
  assert.equal(opened.message.item.record?.id, contactId);
  assert.equal(opened.message.item.record?.name, 'Mary Missed');
  assert.equal(opened.message.item.numberFormatted, '(555) 123-0002');
  assert.equal(opened.message.item.ownerReason, 'responsible');
  assert.equal(opened.message.item.did, '5550100');

  await sim.replay(Buffer.from(MISSED.replaceAll('1795463840.', '1795463999.')));
  await until('the second count', () => streamed.find((s) => s.message.change === 'counted'));
  const items = await myItems('open');
  assert.equal(items.length, 1);
  assert.equal(items[0]!.count, 2);
  assert.deepEqual((await service.app.inject({ method: 'GET', url: '/api/missed-items/count', headers: alice })).json(), { mine: 1, all: null });
});

test('calling back through the product closes it by itself and says by whom, and the missed calls count as called back', async () => {
  const [item] = await myItems('open');
  assert.ok(item);
  const placed = await service.app.inject({ method: 'POST', url: '/api/calls', headers: alice, payload: { number: item.number, entity: item.record ? { type: item.record.type, id: item.record.id } : undefined } });
  assert.equal(placed.statusCode, 202, placed.body);
  const closed = await until('the closed item on the stream', () => streamed.find((s) => s.message.change === 'closed'));
  assert.equal(closed.message.item.closeReason, 'callback');
  assert.deepEqual(closed.message.item.closedBy, { id: aliceId, name: 'Alice Agent' });
  assert.deepEqual(await myItems('open'), []);
  assert.equal((await myItems('closed'))[0]?.id, item.id);
  const missed = await service.store.db.selectFrom('calls').select(['id', 'called_back_at']).where('direction', '=', 'inbound').execute();
  assert.equal(missed.length, 2);
  for (const row of missed) assert.equal(row.called_back_at, closed.message.item.closedAt, row.id);

  // The service's reports count them: her week, her own calls.
  const report = await until('the callback in the report', async () => {
    const r = (await service.app.inject({ method: 'GET', url: '/api/reports', headers: alice })).json() as { scope: string; totals: { inbound: number; missed: number; outbound: number; calledBack15m: number } };
    return r.totals.outbound === 1 ? r : undefined;
  });
  assert.equal(report.scope, 'own');
  assert.deepEqual([report.totals.inbound, report.totals.missed, report.totals.calledBack15m], [2, 2, 2]);
});
