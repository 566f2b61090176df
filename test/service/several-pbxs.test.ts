/**
 * Several PBXs in one service (issue 14): a main office and a Hamburg office, each with an
 * extension 101 that belongs to a different person. Real captures replayed on two simulators: each
 * office's call pops only on its own 101, is logged under its own PBX, and shows in its own agent's
 * history; routing answers with the extension at the PBX that asks; click-to-call rings the user's
 * phone on the PBX their extension is at; health lists both.
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
import type { PbxHealth } from '../../src/web/routes/health-routes.ts';
import { signIn } from '../support/web-app.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURES = fileURLToPath(new URL('../fixtures/ami-transcripts/', import.meta.url));
const PASSWORD = 'agent-password';
const RECORDING = '20261123-195708-+15551230001-1795463828.0.wav';
const recordingsDir = mkdtempSync(join(tmpdir(), 'crmt-pbxs-rec-'));
let main: AmiSimulator;
let hamburg: AmiSimulator;
let service: Service;
const seen = new Map<string, CallMessage[]>();

before(async () => {
  main = new AmiSimulator({ port: 0, username: 'crm', secret: 'main-secret' });
  hamburg = new AmiSimulator({ port: 0, username: 'crm-hh', secret: 'hamburg-secret' });
  const [m, h] = await Promise.all([main.listen(), hamburg.listen()]);
  // Each office's recordings folder holds a file of the same name (both captures are the same call).
  for (const office of ['main', 'hamburg']) {
    mkdirSync(join(recordingsDir, office));
    writeFileSync(join(recordingsDir, office, RECORDING), `RIFF audio of the ${office} office`);
  }
  const config = loadConfig({ DATABASE_URL: ':memory:', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent', RECORDINGS_LOCAL_DIR: join(recordingsDir, 'main'), RECORDINGS_CACHE_DIR: join(recordingsDir, 'cache') });
  service = await startService({
    config,
    log: createLogger('silent'),
    pbxs: [
      { id: 'main', name: 'Main office', host: '127.0.0.1', port: m.port, username: 'crm', secret: 'main-secret', authType: 'plain' },
      {
        id: 'hamburg',
        name: 'Hamburg office',
        host: '127.0.0.1',
        port: h.port,
        username: 'crm-hh',
        secret: 'hamburg-secret',
        authType: 'md5',
        config: { ...config, RECORDINGS_LOCAL_DIR: join(recordingsDir, 'hamburg') },
        ownRecordings: true,
      },
    ],
    listen: false,
    agiPort: 0,
  });
  const d = service.directory;
  const alice = (await d.upsertUser({ login: 'alice', name: 'Alice Main', password: PASSWORD, extensions: ['101'] })).id;
  const hans = (await d.upsertUser({ login: 'hans', name: 'Hans Hamburg', password: PASSWORD, extensions: ['101@hamburg'] })).id;
  await d.upsertUser({ login: 'nomad', name: 'Nomad', password: PASSWORD, extensions: ['300@lisbon'] });
  await d.upsertContact({ firstName: 'John', lastName: 'Customer', assignedUserId: hans, phones: [{ kind: 'mobile', number: '+15551230001' }] });
  for (const [login, id] of [['alice', alice], ['hans', hans]] as const) {
    seen.set(login, []);
    service.hub.subscribe(id, (msg) => seen.get(login)!.push(msg.message));
  }
  const deadline = Date.now() + 5000;
  while (service.pbxs.some((p) => p.client.state !== 'ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    service.pbxs.map((p) => [p.id, p.client.state]),
    [
      ['main', 'ready'],
      ['hamburg', 'ready'],
    ],
  );
});

after(async () => {
  await service.stop();
  await Promise.all([main.close(), hamburg.close()]);
  rmSync(recordingsDir, { recursive: true, force: true });
});

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    for (const p of service.pbxs) await p.session.idle();
  }
}

const sessions = new Map<string, Promise<{ cookie: string; csrf: string }>>();
/** One sign-in per person (sign-ins are rate-limited). */
function session(login: string): Promise<{ cookie: string; csrf: string }> {
  let s = sessions.get(login);
  if (s === undefined) sessions.set(login, (s = signIn(service.app, login, PASSWORD)));
  return s;
}

async function history(login: string): Promise<CallRecord[]> {
  const { cookie } = await session(login);
  const res = await service.app.inject({ method: 'GET', url: '/api/calls', headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { calls: { record: CallRecord }[] }).calls.map((c) => c.record);
}

test("a call at the Hamburg office pops on Hamburg's 101 only, and is logged as Hamburg's", async () => {
  await hamburg.replay(FIXTURES + '01-inbound-answered-101.ami');
  await until(() => seen.get('hans')!.some((m) => m.state === 'ended'));
  assert.deepEqual(
    seen.get('hans')!.map((m) => `${m.extension}:${m.state}`),
    ['101@hamburg:ringing', '101@hamburg:answered', '101@hamburg:ended'],
  );
  assert.deepEqual(seen.get('alice'), [], "the main office's 101 is someone else");
  const pop = seen.get('hans')![0]!;
  assert.deepEqual(pop.candidates.map((c) => [c.type, c.name, c.owner]), [['contact', 'John Customer', 'Hans Hamburg']]);

  const calls = await history('hans');
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.pbx, 'hamburg');
  assert.ok(calls[0]!.id.startsWith('hamburg:'));
  assert.deepEqual(calls[0]!.rang, ['101@hamburg']);
  assert.equal(calls[0]!.answeredBy, '101@hamburg');
  assert.deepEqual(await history('alice'), []);
});

test('the same capture at the main office is a different call, on the main office\'s 101', async () => {
  await main.replay(FIXTURES + '01-inbound-answered-101.ami');
  await until(() => seen.get('alice')!.some((m) => m.state === 'ended'));
  assert.deepEqual(
    seen.get('alice')!.map((m) => `${m.extension}:${m.state}`),
    ['101:ringing', '101:answered', '101:ended'],
  );
  assert.equal(seen.get('hans')!.filter((m) => m.state === 'ringing').length, 1, 'nothing more for Hamburg');
  const alices = await history('alice');
  assert.deepEqual(alices.map((c) => [c.pbx, c.answeredBy]), [['main', '101']]);
  assert.equal((await history('hans')).length, 1);
  const rows = await service.store.db.selectFrom('calls').select(['id', 'pbx']).orderBy('id').execute();
  assert.deepEqual(rows.map((r) => r.pbx), ['hamburg', 'main']);
});

test("each office's recording is read from its own PBX's folder, and heard by that office's participants (and the record's owner), not the other office's 101", async () => {
  const listen = async (login: string, callId: string): Promise<{ status: number; body: string }> => {
    const { cookie } = await session(login);
    const info = await service.app.inject({ method: 'GET', url: `/api/calls/${encodeURIComponent(callId)}/recording`, headers: { cookie } });
    if (info.statusCode !== 200) return { status: info.statusCode, body: '' };
    const { recording } = info.json() as { recording: { url: string } };
    const audio = await service.app.inject({ method: 'GET', url: recording.url, headers: { cookie } });
    return { status: audio.statusCode, body: audio.body };
  };
  const hamburgCall = (await history('hans'))[0]!.id;
  const mainCall = (await history('alice'))[0]!.id;
  assert.deepEqual(await listen('hans', hamburgCall), { status: 200, body: 'RIFF audio of the hamburg office' });
  assert.deepEqual(await listen('alice', mainCall), { status: 200, body: 'RIFF audio of the main office' });
  assert.equal((await listen('alice', hamburgCall)).status, 403, "the main office's 101 did not take part in Hamburg's call");
  // Hans owns the contact both calls are linked to: the record's owner may hear both offices' calls.
  assert.deepEqual(await listen('hans', mainCall), { status: 200, body: 'RIFF audio of the main office' });
});

test('routing answers with the manager\'s extension at the PBX that asks, and no route for a PBX nobody configured', async () => {
  const { token } = await service.access.createToken('routing', 'dialplan', null);
  const route = (query: string) => service.app.inject({ method: 'GET', url: `/api/route?caller=%2B15551230001&did=5550100&token=${token}&format=json${query}` });
  const atHamburg = await route('&pbx=hamburg');
  assert.equal(atHamburg.statusCode, 200);
  assert.equal((atHamburg.json() as { extension: string }).extension, '101');
  assert.equal((atHamburg.json() as { reason: string }).reason, 'owner');
  // Hans has no phone at the main office, so its dialplan never gets Hamburg's 101: the caller
  // goes to the main office's last agent for this number (Alice's 101, from the call above).
  const atMain = await route('');
  assert.equal(atMain.statusCode, 200);
  const decision = atMain.json() as { extension: string; reason: string; skipped: unknown[] };
  assert.deepEqual([decision.extension, decision.reason, decision.skipped], ['101', 'last-agent', [{ rule: 'owner', why: 'no-extension' }]]);
  const nowhere = await route('&pbx=lisbon');
  assert.equal(nowhere.statusCode, 404);
  assert.equal((nowhere.json() as { reason: string }).reason, 'no-route');
});

test('click-to-call rings the user\'s phone on the PBX their extension is at', async () => {
  const before = { main: main.originates.length, hamburg: hamburg.originates.length };
  const { cookie, csrf } = await session('hans');
  const res = await service.app.inject({ method: 'POST', url: '/api/calls', headers: { cookie, 'x-csrf-token': csrf }, payload: { number: '+15551230001' } });
  assert.equal(res.statusCode, 202, res.body);
  assert.equal((res.json() as { extension: string }).extension, '101@hamburg');
  assert.equal(main.originates.length, before.main, 'nothing placed at the main office');
  assert.equal(hamburg.originates.length, before.hamburg + 1);
  const originate = hamburg.originates.at(-1)!;
  assert.equal(originate.get('Channel'), 'PJSIP/101', 'the PBX rings its own 101, not an address');

  const nomad = await session('nomad');
  const refused = await service.app.inject({ method: 'POST', url: '/api/calls', headers: { cookie: nomad.cookie, 'x-csrf-token': nomad.csrf }, payload: { number: '+15551230001' } });
  assert.equal(refused.statusCode, 409);
  assert.match((refused.json() as { error: { message: string } }).error.message, /300@lisbon.*"lisbon".*not follow/);
});

test('health lists each PBX by name, and an extension address that names no PBX format is refused in words', async () => {
  const res = await service.app.inject({ method: 'GET', url: '/api/health' });
  const pbxs = (res.json() as { pbxs: PbxHealth[] }).pbxs;
  assert.deepEqual(pbxs.map((p) => [p.id, p.name, p.state]), [
    ['main', 'Main office', 'ready'],
    ['hamburg', 'Hamburg office', 'ready'],
  ]);
  await assert.rejects(service.directory.upsertUser({ login: 'bad', name: 'Bad', extensions: ['101@Hamburg Office'] }), /101@branch/);
});
