/**
 * The PBX session's event filter against the simulator over loopback: asked after every login,
 * the session then reads a fraction of the events and the calls come out the same; a PBX that
 * refuses the filter (no `write = system`) or does not know the action goes on unfiltered.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmiClient } from '../ami/client.ts';
import type { CallRecord } from '../calls/record.ts';
import { createLogger } from '../logger.ts';
import { AmiSimulator } from '../simulator/ami-simulator.ts';
import { buildScenario } from '../simulator/scenarios/index.ts';
import { PbxSession } from './pbx-session.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A simulator, a client and a session on it; `events` counts what reached the client, `ended` the calls' final records. */
async function setUp(options: { filterEvents?: boolean; refuse?: string } = {}) {
  const sim = new AmiSimulator();
  const { port } = await sim.listen();
  cleanups.push(() => sim.close());
  if (options.refuse !== undefined) {
    const said = options.refuse;
    sim.onAction((action) => (action.get('Action') === 'Filter' ? { Response: 'Error', Message: said } : undefined));
  }
  const client = new AmiClient({ id: 'pbx1', host: '127.0.0.1', port, username: 'crm', secret: 'crmsecret', keepaliveIntervalMs: 0, reconnect: () => 20 });
  cleanups.push(() => client.close());
  let events = 0;
  client.on('event', () => events++);
  const ended: CallRecord[] = [];
  const session = new PbxSession({
    client,
    engine: { pbxId: 'pbx1' },
    sinks: [(e) => void (e.type === 'call-ended' && ended.push(e.record))],
    log: createLogger('silent'),
    ...(options.filterEvents === undefined ? {} : { filterEvents: options.filterEvents }),
  });
  cleanups.push(() => session.stop());
  await client.connect();
  await until(() => session.recoveries === 1, 'the first recovery');
  if (options.filterEvents !== false) await until(() => session.eventFilter.state !== 'asked', 'the answer to Filter');
  return { sim, client, session, ended, events: () => events };
}

/** Fields that differ from run to run whatever the filter (ids, the service clock's times). */
const RUN_DEPENDENT = new Set(['id', 'linkedid', 'startedAt', 'answeredAt', 'endedAt', 'ringSeconds', 'talkSeconds']);

/** The calls' own start (their Uniqueids, CEL and Cdr times): the same in every run. */
const START = Date.now();

/** Plays the same two calls and returns what the session made of them, without times that depend on the run. */
async function playCalls(t: Awaited<ReturnType<typeof setUp>>): Promise<unknown[]> {
  const start = START;
  for (const kind of ['ringgroup-answered', 'queue-abandoned'] as const) {
    await t.sim.playScenario(buildScenario(kind, { startEpochMs: start, ringMs: 50, talkMs: 50 }, t.sim.scenarioIds), { speed: Infinity });
  }
  await until(() => t.ended.length === 2, 'two calls ended');
  await t.session.idle();
  return t.ended.map((record) => Object.fromEntries(Object.entries(record).filter(([key]) => !RUN_DEPENDENT.has(key))));
}

describe('the PBX session asks the PBX to filter its events', () => {
  it('after login the PBX sends only what the service reads, and the calls come out the same', async () => {
    const filtered = await setUp();
    assert.deepEqual(filtered.session.eventFilter, { state: 'on', said: null });
    const filter = filtered.sim.actions.find((a) => a.get('Action') === 'Filter');
    assert.equal(filter?.get('Operation'), 'Add');
    const before = filtered.events();
    const withFilter = await playCalls(filtered);
    const filteredEvents = filtered.events() - before;

    const plain = await setUp({ filterEvents: false });
    assert.deepEqual(plain.session.eventFilter, { state: 'off', said: null });
    assert.equal(plain.sim.actions.some((a) => a.get('Action') === 'Filter'), false, 'not asked');
    const plainBefore = plain.events();
    const withoutFilter = await playCalls(plain);
    const allEvents = plain.events() - plainBefore;

    assert.deepEqual(withFilter, withoutFilter);
    assert.ok(filteredEvents < allEvents * 0.7, `${filteredEvents} of ${allEvents} events read`);
  });

  it('a PBX that refuses the filter keeps sending every event, and the session goes on', async () => {
    const refused = await setUp({ refuse: 'Permission denied' });
    assert.deepEqual(refused.session.eventFilter, { state: 'refused', said: 'Permission denied' });
    const before = refused.events();
    const calls = await playCalls(refused);
    assert.equal(calls.length, 2);
    const plain = await setUp({ filterEvents: false });
    const plainBefore = plain.events();
    await playCalls(plain);
    assert.equal(refused.events() - before, plain.events() - plainBefore, 'every event still comes');
  });

  it('an Asterisk without the action (before 10) answers it as unknown: the same', async () => {
    const old = await setUp({ refuse: 'Invalid/unknown command: Filter. Use Action: ListCommands to show available commands.' });
    assert.equal(old.session.eventFilter.state, 'refused');
    assert.equal((await playCalls(old)).length, 2);
  });

  it('asks again after every login: a filter lasts as long as its connection', async () => {
    const t = await setUp();
    t.sim.dropClients();
    await until(() => t.sim.actions.filter((a) => a.get('Action') === 'Filter').length === 2, 'the second Filter');
    await until(() => t.session.eventFilter.state === 'on', 'the filter on again');
  });
});
