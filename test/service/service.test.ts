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
import type { CallMessage } from '../../src/pops/wire.ts';
import type { CallRecord } from '../../src/calls/record.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/ami-transcripts/', import.meta.url));
let sim: AmiSimulator;
let service: Service;
const seen = new Map<string, CallMessage[]>();

before(async () => {
  sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  const { port } = await sim.listen();
  const config = loadConfig({ DATABASE_URL: ':memory:', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  service = await startService({ config, log: createLogger('silent'), pbx: { id: 'pbx1', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', authType: 'plain' }, listen: false, agiPort: 0 });
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
  // The replay resolves once written; the service reads and handles the events after that.
  const deadline = Date.now() + 5000;
  while (!seen.get('bob')!.some((m) => m.state === 'ended') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    await service.session.idle();
  }
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

test('smart routing: FastAGI and HTTP send a known caller to the responsible manager', async () => {
  const net = await import('node:net');
  // Over HTTP, with a routing token; without one, nothing.
  const { token } = await service.access.createToken('routing', 'dialplan', null);
  const denied = await service.app.inject({ method: 'GET', url: '/api/route?caller=%2B15551230005&did=5550400' });
  assert.equal(denied.statusCode, 401);
  const res = await service.app.inject({ method: 'GET', url: `/api/route?caller=%2B15551230005&did=5550400&token=${token}` });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body, '102');
  assert.equal(res.headers['x-route-reason'], 'owner');
  const unknown = await service.app.inject({ method: 'GET', url: `/api/route?caller=%2B19995550000&did=5550400`, headers: { authorization: `Bearer ${token}` } });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.body, '');
  const name = await service.app.inject({ method: 'GET', url: `/api/callerid?number=%2B15551230005&token=${token}` });
  assert.equal(name.body, 'Rita Ringgroup');

  // Over FastAGI, as Asterisk sends it (see fastagi-request.txt): LF lines, an empty line, then replies.
  const sock = net.connect(service.agi!.port, '127.0.0.1');
  const lines: string[] = [];
  let buf = '';
  sock.setEncoding('utf8');
  sock.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      sock.write('200 result=1\n');
    }
  });
  sock.write(
    ['agi_network: yes', 'agi_network_script: route', 'agi_request: agi://127.0.0.1:4573/route', 'agi_channel: PJSIP/carrier-00000020', 'agi_callerid: +15551230005', 'agi_extension: 5550400', 'agi_arg_1: +15551230005', 'agi_arg_2: 5550400', '', ''].join('\n'),
  );
  await new Promise<void>((resolve) => sock.on('close', () => resolve()));
  assert.ok(lines.includes('SET VARIABLE ROUTE_EXT "102"'), lines.join(' | '));
  assert.ok(lines.includes('SET VARIABLE ROUTE_REASON "owner"'), lines.join(' | '));
  assert.ok(lines.some((l) => l.startsWith('SET VARIABLE CRM_ENTITY "contact:')), lines.join(' | '));
});
