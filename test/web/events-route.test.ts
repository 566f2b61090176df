/** SSE over a real socket: a user gets only their own cards, replayed on reconnect. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTestApp, signIn, type TestApp } from '../support/web-app.ts';
import { CallHub } from '../../src/web/push/call-hub.ts';
import type { CallMessage } from '../../src/pops/wire.ts';
import { eventsRoute } from '../../src/web/routes/events-route.ts';

let t: TestApp;
const hub = new CallHub();
let base: string;

before(async () => {
  t = await buildTestApp({ routes: [(app) => eventsRoute(app, { hub, heartbeatMs: 50 })] });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
after(() => t.close());

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Opens the stream and collects parsed frames until closed. */
function openStream(cookie: string, lastEventId?: number): Promise<{ frames: Frame[]; close: () => void; status: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { cookie };
    if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
    const req = http.get(`${base}/api/events`, { headers }, (res) => {
      const frames: Frame[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else {
              const i = line.indexOf(': ');
              const k = line.slice(0, i) as 'id' | 'event' | 'data';
              if (k === 'id' || k === 'event' || k === 'data') frame[k] = line.slice(i + 2);
            }
          }
          frames.push(frame);
        }
      });
      resolve({ frames, close: () => req.destroy(), status: res.statusCode ?? 0 });
    });
    req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
  });
}

const msg = (callId: string, state: CallMessage['state'], extension: string): CallMessage => ({
  callId,
  state,
  extension,
  direction: 'inbound',
  externalNumber: '+15551230001',
  externalNumberFormatted: '(555) 123-0001',
  externalName: '<script>alert(1)</script>',
  did: '5550100',
  queue: null,
  candidates: [],
  at: new Date().toISOString(),
});

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('no stream without a session', async () => {
  const s = await openStream('crmt_session=forged');
  assert.equal(s.status, 401);
  s.close();
});

test('each user receives only their own calls, with heartbeats', async () => {
  const alice = await signIn(t.app, 'alice', 'alice-pw');
  const bob = await signIn(t.app, 'bob', 'bob-pw');
  const a = await openStream(alice.cookie);
  const b = await openStream(bob.cookie);
  assert.equal(a.status, 200);
  await until(() => hub.listenerCount === 2, 'both subscribed');
  const aliceId = (await t.directory.userByLogin('alice'))!.id;
  hub.publish(aliceId, msg('c1', 'ringing', '101'));
  await until(() => a.frames.some((f) => f.event === 'call'), 'alice pop');
  await until(() => a.frames.some((f) => f.comment === 'ping'), 'a heartbeat');
  const call = a.frames.find((f) => f.event === 'call')!;
  assert.equal(JSON.parse(call.data!).callId, 'c1');
  assert.ok(call.id);
  assert.equal(b.frames.filter((f) => f.event === 'call').length, 0, 'bob saw nothing of alice\'s call');
  a.close();
  b.close();
});

test('reconnecting replays active cards and withdraws the ones that ended meanwhile', async () => {
  const bob = await signIn(t.app, 'bob', 'bob-pw');
  const bobId = (await t.directory.userByLogin('bob'))!.id;
  const first = await openStream(bob.cookie);
  await until(() => hub.listenerCount >= 1, 'subscribed');
  hub.publish(bobId, msg('c2', 'ringing', '102'));
  const lastSeen = hub.publish(bobId, msg('c3', 'ringing', '102'));
  await until(() => first.frames.filter((f) => f.event === 'call').length === 2, 'two pops');
  first.close();
  hub.publish(bobId, msg('c2', 'answered-elsewhere', '102'));
  const again = await openStream(bob.cookie, lastSeen.id);
  await until(() => again.frames.some((f) => f.event === 'call'), 'replay');
  const replayed = again.frames.filter((f) => f.event === 'call').map((f) => JSON.parse(f.data!) as CallMessage);
  assert.deepEqual(replayed.map((m) => [m.callId, m.state]), [['c2', 'answered-elsewhere']]);
  again.close();
  const fresh = await openStream(bob.cookie);
  await until(() => fresh.frames.some((f) => f.event === 'call'), 'fresh replay');
  assert.deepEqual(
    fresh.frames.filter((f) => f.event === 'call').map((f) => JSON.parse(f.data!).callId),
    ['c3'],
    'a new page sees only the cards still ringing',
  );
  fresh.close();
});
