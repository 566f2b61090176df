/**
 * The whole service against the PBX simulator replaying real captures: pops reach exactly the
 * ringing agents and follow the call; the call log gets one record linked to the matching contact.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { CallMessage } from '../../src/web/push/call-hub.ts';
import type { CallRecord } from '../../src/calls/record.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/ami-transcripts/', import.meta.url));
let sim: AmiSimulator;
let service: Service;
const seen = new Map<string, CallMessage[]>();

before(async () => {
  sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  const { port } = await sim.listen();
  const config = loadConfig({ DATABASE_URL: ':memory:', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  service = await startService({ config, log: createLogger('silent'), pbx: { id: 'pbx1', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', authType: 'plain' }, listen: false });
  const d = service.directory;
  const alice = (await d.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101'] })).id;
  const bob = (await d.upsertUser({ login: 'bob', name: 'Bob Agent', extensions: ['102'] })).id;
  await d.upsertContact({ firstName: 'Rita', lastName: 'Ringgroup', assignedUserId: bob, phones: [{ kind: 'mobile', number: '(555) 123-0005' }] });
  for (const [login, id] of [['alice', alice], ['bob', bob]] as const) {
    seen.set(login, []);
    service.hub.subscribe(id, (msg) => seen.get(login)!.push(msg.message));
  }
  const deadline = Date.now() + 5000;
  while (service.client.state !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
});

after(async () => {
  await service.stop();
  await sim.close();
});

test('a ring group call pops on both phones; the one not answering is withdrawn; one logged record with its contact', async () => {
  await sim.replay(FIXTURES + '05-ringgroup-101-102-answered-by-102.ami');
  await new Promise((r) => setTimeout(r, 100));
  await service.session.idle();
  const states = (login: string): string[] => seen.get(login)!.map((m) => `${m.extension}:${m.state}`);
  assert.deepEqual(states('alice'), ['101:ringing', '101:answered-elsewhere']);
  assert.deepEqual(states('bob'), ['102:ringing', '102:answered', '102:ended']);
  const pop = seen.get('bob')![0]!;
  assert.equal(pop.externalNumber, '+15551230005');
  assert.equal(pop.did, '5550200');
  assert.deepEqual(pop.candidates.map((c) => [c.type, c.name, c.owner]), [['contact', 'Rita Ringgroup', 'Bob Agent']]);

  const rows = await service.store.db.selectFrom('calls').select(['id', 'record_json']).execute();
  assert.equal(rows.length, 1);
  const record = JSON.parse(rows[0]!.record_json) as CallRecord;
  assert.equal(record.answeredBy, '102');
  assert.deepEqual(record.rang, ['101', '102']);
  assert.equal(record.disposition, 'answered');
  const links = await service.store.db.selectFrom('call_entities').selectAll().execute();
  assert.deepEqual(links.map((l) => [l.record_type, l.link]), [['contact', 'matched']]);
});
