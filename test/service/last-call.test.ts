/**
 * Issue 16, "Last call never": every pop said "Last call never", even right after an answered call
 * with the same person, because nothing marked the records of a call. The whole service against the
 * PBX simulator: an answered call marks its contact, and the next pop for that number shows when;
 * a missed call marks nothing ("Last call" is the last conversation).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { CallMessage } from '../../src/pops/wire.ts';
import type { CallRecord } from '../../src/calls/record.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/ami-transcripts/', import.meta.url));
/** 01: +15551230001 rings 101, answered. 02: +15551230002 rings 101, nobody answers. */
const ANSWERED = readFileSync(FIXTURES + '01-inbound-answered-101.ami', 'utf8');
const MISSED = readFileSync(FIXTURES + '02-inbound-noanswer-101.ami', 'utf8');

let sim: AmiSimulator;
let service: Service;
const pops: CallMessage[] = [];
let answeredContact: string;
let missedContact: string;

/** The same capture as another call: its Uniqueids (and so its call id) renamed. */
const again = (transcript: string, from: string, to: string): Buffer => Buffer.from(transcript.replaceAll(from, to));

/** Replays a call and waits until its pop has ended and every sink has handled it. */
async function play(transcript: string | Buffer): Promise<CallMessage[]> {
  const first = pops.length;
  await sim.replay(Buffer.isBuffer(transcript) ? transcript : Buffer.from(transcript));
  const deadline = Date.now() + 5000;
  while (!pops.slice(first).some((m) => m.state === 'ended' || m.state === 'missed') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await service.session.idle();
  return pops.slice(first);
}

before(async () => {
  sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  const { port } = await sim.listen();
  const config = loadConfig({ DATABASE_URL: ':memory:', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  service = await startService({ config, log: createLogger('silent'), pbx: { id: 'pbx1', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', authType: 'plain' }, listen: false, agiPort: 0 });
  const d = service.directory;
  const alice = (await d.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101'] })).id;
  answeredContact = (await d.upsertContact({ firstName: 'John', lastName: 'Customer', assignedUserId: alice, phones: [{ kind: 'mobile', number: '(555) 123-0001' }] })).id;
  missedContact = (await d.upsertContact({ firstName: 'Mia', lastName: 'Missed', phones: [{ kind: 'work', number: '+1 555 123 0002' }] })).id;
  service.hub.subscribe(alice, (msg) => pops.push(msg.message));
  const deadline = Date.now() + 5000;
  while (service.client.state !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
});

after(async () => {
  await service.stop();
  await sim.close();
});

test('the pop after an answered call with the same number shows that call as the last call', async () => {
  const firstCall = await play(ANSWERED);
  assert.equal(firstCall[0]?.state, 'ringing');
  assert.deepEqual(firstCall[0]?.candidates.map((c) => [c.id, c.lastCallAt]), [[answeredContact, null]], 'never called before');

  const stored = await service.store.db.selectFrom('calls').select('record_json').where('id', '=', 'pbx1:1795463828.0').executeTakeFirstOrThrow();
  const record = JSON.parse(stored.record_json) as CallRecord;
  assert.equal(record.disposition, 'answered');
  assert.ok(record.endedAt !== null);

  // Within the lookup's 5 s memory of this number: the mark must not be hidden by it.
  const next = await play(again(ANSWERED, '1795463828.', '1795463900.'));
  assert.equal(next[0]?.state, 'ringing');
  assert.deepEqual(next[0]?.candidates.map((c) => [c.id, c.lastCallAt]), [[answeredContact, record.endedAt]]);
});

test('a missed call is no conversation: the next pop still says never', async () => {
  const missed = await play(MISSED);
  assert.ok(missed.some((m) => m.state === 'missed' || m.state === 'ended'));
  const stored = await service.store.db.selectFrom('calls').select('record_json').where('id', '=', 'pbx1:1795463840.2').executeTakeFirstOrThrow();
  assert.notEqual((JSON.parse(stored.record_json) as CallRecord).disposition, 'answered');

  const next = await play(again(MISSED, '1795463840.', '1795463950.'));
  assert.deepEqual(next[0]?.candidates.map((c) => [c.id, c.lastCallAt]), [[missedContact, null]]);
});
