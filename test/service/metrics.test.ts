/**
 * `GET /metrics` (issue 15): after a real captured call through the service, the calls, pops, pop
 * latency, AMI and routing metrics show it, the whole text parses as the Prometheus exposition
 * format, and only a metrics token reads it (not a session, not an API token).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/ami-transcripts/', import.meta.url));
let sim: AmiSimulator;
let service: Service;

before(async () => {
  sim = new AmiSimulator({ port: 0, username: 'crm', secret: 'crmsecret' });
  const { port } = await sim.listen();
  const config = loadConfig({ DATABASE_URL: ':memory:', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  service = await startService({ config, log: createLogger('silent'), pbx: { id: 'default', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', authType: 'plain' }, listen: false, agiPort: 0 });
  const d = service.directory;
  await d.upsertUser({ login: 'alice', name: 'Alice Agent', extensions: ['101'] });
  const bob = (await d.upsertUser({ login: 'bob', name: 'Bob Agent', extensions: ['102'] })).id;
  await d.upsertContact({ firstName: 'Rita', lastName: 'Ringgroup', assignedUserId: bob, phones: [{ kind: 'mobile', number: '(555) 123-0005' }] });
  const deadline = Date.now() + 5000;
  while (service.client.state !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
});

after(async () => {
  await service.stop();
  await sim.close();
});

/** Every sample line of an exposition: `name{labels} value`, checked against the text format. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}

test('after a ring-group call: calls, pops and their latency, AMI and routing, as Prometheus text, for the token only', async () => {
  await sim.replay(FIXTURES + '05-ringgroup-101-102-answered-by-102.ami');
  const deadline = Date.now() + 5000;
  while ((await service.store.db.selectFrom('calls').select('status').executeTakeFirst())?.status !== 'ended' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    await service.session.idle();
  }
  const { token } = await service.access.createToken('routing', 'dialplan', null);
  const routed = await service.app.inject({ method: 'GET', url: `/api/route?caller=%2B15551230005&did=5550400&token=${token}` });
  assert.equal(routed.body, '102');

  const none = await service.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(none.statusCode, 401);
  assert.match(none.json<{ error: { message: string } }>().error.message, /tokens create --kind metrics/);
  const admin = await service.access.login('admin', 'admin-password');
  const asAdmin = await service.app.inject({ method: 'GET', url: '/metrics', cookies: { crmt_session: admin!.sessionId } });
  assert.equal(asAdmin.statusCode, 401, 'a session does not read metrics');
  const api = await service.access.createToken('api', 'script', admin!.user.id);
  assert.equal((await service.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${api.token}` } })).statusCode, 401, 'nor does an API token');
  assert.equal((await service.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })).statusCode, 401, 'nor a routing token');

  const metricsToken = await service.access.createToken('metrics', 'prometheus', null);
  const res = await service.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${metricsToken.token}` } });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const m = samples(res.body);
  assert.equal(m.get('crmt_calls_total{pbx="default",direction="inbound",disposition="answered"}'), 1);
  assert.equal(m.get('crmt_pops_sent_total{state="ringing"}'), 2, 'one ring for each of the two phones');
  assert.equal(m.get('crmt_pops_sent_total{state="answered"}'), 1);
  assert.equal(m.get('crmt_pop_latency_seconds_count'), 2);
  assert.ok(m.get('crmt_pop_latency_seconds_sum')! < 2, 'a pop takes well under a second here');
  assert.equal(m.get('crmt_ami_connected{pbx="default"}'), 1);
  assert.ok(m.get('crmt_ami_events_total{pbx="default"}')! > 10);
  assert.equal(m.get('crmt_ami_reconnects_total{pbx="default"}'), 0);
  assert.equal(m.get('crmt_routing_answers_total{pbx="default",reason="owner"}'), 1);
  assert.equal(m.get('crmt_routing_seconds_count{pbx="default"}'), 1);
  assert.ok(m.get('crmt_lookup_seconds_count')! >= 1);
  assert.equal(m.get('crmt_sse_clients'), 0);
  assert.equal(m.get('crmt_crm_outbox_depth'), 0, 'the embedded CRM logs nothing');
  assert.equal(m.get('crmt_recording_copy_queue'), 0);
  assert.ok(m.get('crmt_process_cpu_user_seconds_total')! > 0, 'process metrics');
});
