/**
 * The demo as `npm start` without AMI_HOST wires it (run-service's whenNoPbx), through the real
 * service, its HTTP API and its pop stream (issue 16): a simulated answered call's recording
 * plays; click-to-call rings the agent, connects and ends with a card and a history entry; a call
 * from a typed number carries no made-up caller name. Calls play 20 times faster than real time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startDemo, type Demo } from '../../src/demo/demo.ts';
import { startService, type Service } from '../../src/service/service.ts';
import type { CallRecord } from '../../src/calls/index.ts';
import type { CallMessage } from '../../src/pops/wire.ts';
import { parseWavHeader } from '../../src/recordings/wav.ts';
import { freePort } from '../support/ports.ts';
import { sseFrames } from '../support/sse.ts';

const dir = mkdtempSync(join(tmpdir(), 'crmt-demo-'));
let demo: Demo;
let service: Service;
let url: string;

before(async () => {
  const config = loadConfig({ DATABASE_URL: join(dir, 'crm-telephony.sqlite'), HTTP_PORT: String(await freePort()), AGI_PORT: '0', ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
  const log = createLogger('silent');
  service = await startService({
    config,
    log,
    pbxs: [],
    followSaved: true,
    ui: false,
    whenNoPbx: async () => {
      // As run-service's whenNoPbx.
      demo = await startDemo(log, { config, speed: 20 });
      Object.assign(config, demo.recordingsSettings);
      return { pbx: demo.pbx, demo: demo.routes };
    },
  });
  await demo.seed(service.directory);
  url = service.url!.replace(/\/$/, '');
  await until(() => service.client.state === 'ready', 'the demo PBX connected');
});

after(async () => {
  await service?.stop();
  await demo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function signIn(login: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: demo.password }) });
  assert.equal(res.status, 200, await res.clone().text());
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('crmt_session='))!.split(';')[0]!;
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** The person's pop stream, read as the console reads it. */
function cards(who: { cookie: string }): { messages: CallMessage[]; close: () => void } {
  const messages: CallMessage[] = [];
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${url}/api/events`, { headers: { cookie: who.cookie }, signal: controller.signal });
    for await (const frame of sseFrames(res.body as unknown as AsyncIterable<Uint8Array>)) {
      if (frame.event === 'call' && frame.data) messages.push(JSON.parse(frame.data) as CallMessage);
    }
  })().catch(() => undefined);
  return { messages, close: () => controller.abort() };
}

async function post(who: { cookie: string; csrf: string }, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function record(callId: string): Promise<CallRecord | undefined> {
  const row = await service.store.db.selectFrom('calls').select('record_json').where('id', '=', callId).executeTakeFirst();
  return row ? (JSON.parse(row.record_json) as CallRecord) : undefined;
}

test('the demo PBX and the service share data/demo-recordings, next to the database', () => {
  assert.equal(demo.recordingsDir, join(dir, 'demo-recordings'));
  assert.ok(existsSync(demo.recordingsDir));
  assert.deepEqual(demo.recordingsSettings, { RECORDINGS_PBX_DIR: '/var/spool/asterisk/monitor', RECORDINGS_LOCAL_DIR: demo.recordingsDir });
});

test('a simulated answered call: Play streams a valid WAV (200) as long as the talk', async () => {
  const alice = await signIn('alice');
  const res = await post(alice, '/api/demo/call', { extension: '101', answer: 'here' });
  assert.equal(res.status, 202, await res.clone().text());
  const { callId } = (await res.json()) as { callId: string };
  await until(async () => (await record(callId))?.disposition === 'answered' && (await record(callId))?.endedAt != null, 'the call logged as answered and ended');
  await service.session.idle();
  const info = await (await fetch(`${url}/api/calls/${encodeURIComponent(callId)}/recording`, { headers: { cookie: alice.cookie } })).json() as { recording: { status: string; audio: boolean; url: string | null; reason: string | null } | null };
  assert.ok(info.recording, JSON.stringify(info));
  assert.equal(info.recording.status, 'ready', info.recording.reason ?? '');
  assert.ok(info.recording.url);
  const audio = await fetch(`${url}${info.recording.url}`, { headers: { cookie: alice.cookie } });
  assert.equal(audio.status, 200);
  assert.equal(audio.headers.get('content-type'), 'audio/wav');
  const bytes = Buffer.from(await audio.arrayBuffer());
  const wav = parseWavHeader(bytes, bytes.length);
  assert.ok(wav.ok);
  assert.deepEqual([wav.wav.audioFormat, wav.wav.channels, wav.wav.sampleRate, wav.wav.bitsPerSample], [1, 1, 8000, 16]);
  // The demo call talks 6 s (played 20 times faster: the PBX's own clock says 6 s).
  assert.equal(wav.wav.durationMs, 6000);
  assert.ok(readdirSync(demo.recordingsDir).length >= 1);
});

test('click-to-call: the agent’s card goes ringing your phone → on the call → ended; one history entry linked to the record', async () => {
  const alice = await signIn('alice');
  const stream = cards(alice);
  try {
    await new Promise((r) => setTimeout(r, 200)); // the stream is open
    const res = await post(alice, '/api/calls', { number: '+1 (555) 123-0001', entity: { type: 'contact', id: 'demo-caller-1', name: 'John Customer' } });
    assert.equal(res.status, 202, await res.clone().text());
    const { clickToCallId } = (await res.json()) as { clickToCallId: string };
    await until(() => stream.messages.some((m) => m.direction === 'outbound' && m.state === 'ended'), 'the card to end');
    const mine = stream.messages.filter((m) => m.direction === 'outbound');
    // Ringing your phone; picked up: calling the customer; the customer answered: connected; ended.
    assert.deepEqual(
      mine.map((m) => [m.extension, m.state, m.detail]),
      [
        ['101', 'ringing', 'Ringing your phone: pick up to call the customer.'],
        ['101', 'answered', 'Calling the customer...'],
        ['101', 'answered', 'Connected.'],
        ['101', 'ended', undefined],
      ],
    );
    assert.equal(mine.at(-1)!.externalName, 'John Customer', 'the name the Originate gave');
    // The customer's number and record reach the card once the customer is dialled (the agent's
    // phone rang before any channel had the number).
    assert.equal(mine[0]!.externalNumber, null);
    assert.equal(mine.at(-1)!.externalNumberFormatted, '(555) 123-0001');
    assert.deepEqual(
      mine.at(-1)!.candidates.map((c) => c.name),
      ['John Customer'],
    );
    const callId = mine[0]!.callId;
    assert.ok(mine.every((m) => m.callId === callId), 'one call');
    await service.session.idle();
    const logged = await record(callId);
    assert.ok(logged);
    assert.deepEqual([logged.direction, logged.disposition, logged.clickToCallId, logged.externalNumber], ['outbound', 'answered', clickToCallId, '+15551230001']);
    const links = await service.store.db.selectFrom('call_entities').selectAll().where('call_id', '=', callId).execute();
    assert.ok(links.some((l) => l.record_type === 'contact' && l.record_id === 'demo-caller-1' && l.link === 'origin'), JSON.stringify(links));
    assert.equal((await service.store.db.selectFrom('calls').select('id').where('id', '=', callId).execute()).length, 1);
    // The record's "Phone calls" shows it, once.
    const history = (await (await fetch(`${url}/api/calls?entity=contact:demo-caller-1`, { headers: { cookie: alice.cookie } })).json()) as { calls: { record: { id: string } }[] };
    assert.deepEqual(history.calls.map((c) => c.record.id).filter((id) => id === callId), [callId]);
  } finally {
    stream.close();
  }
});

test('a demo call from a typed number carries no caller name (not "Unknown caller")', async () => {
  const bob = await signIn('bob');
  const stream = cards(bob);
  try {
    await new Promise((r) => setTimeout(r, 200));
    const res = await post(bob, '/api/demo/call', { extension: '102', from: '+44 20 7946 0123', answer: 'none' });
    assert.equal(res.status, 202, await res.clone().text());
    const { callId } = (await res.json()) as { callId: string };
    await until(async () => (await record(callId))?.endedAt != null, 'the missed call logged');
    const logged = (await record(callId))!;
    assert.equal(logged.externalNumber, '+442079460123');
    assert.equal(logged.externalName, null);
    const pop = stream.messages.find((m) => m.externalNumber === '+442079460123');
    assert.ok(pop);
    assert.equal(pop.externalName, null);
  } finally {
    stream.close();
  }
});
