/**
 * The service killed and restarted at random points of a load, with the PBX's Master.csv as CDR
 * source (and no Cdr events over AMI): nothing lost, nothing doubled, nothing left open, nothing
 * wrong. The truth is an AMI session that is never cut, read by the same call engine. The mix
 * leaves out transfers and click-to-call, whose talk a CDR tells only to the ring time of the new
 * phone (see test/calls/gap-cuts.test.ts and the README's recovery section).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmiClient } from '../../src/ami/client.ts';
import { createEngineState, reduce, type CallRecord } from '../../src/calls/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { CsvCdrSource, localCsvAccess } from '../../src/cdr/sources/csv-source.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A small seeded generator: the kills fall at the same random points on every run. */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe('the service killed at random points of a load, with the CDR source', () => {
  let dir: string;
  let sim: AmiSimulator;
  let observer: AmiClient;
  const truthState = createEngineState({ pbxId: 'pbx1' });
  const truth = new Map<string, CallRecord>();
  let service: Service | null = null;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-outage-load-'));
    sim = new AmiSimulator({ port: 0, cdrCsv: { path: join(dir, 'Master.csv'), timeZone: 'UTC' }, cdrEvents: false });
    await sim.listen();
    observer = new AmiClient({ id: 'truth', host: '127.0.0.1', port: sim.port, username: 'crm', secret: 'crmsecret' });
    observer.on('event', (event) => {
      for (const e of reduce(truthState, event, Date.now()).effects) if ('record' in e) truth.set(e.callId, e.record);
    });
    await observer.connect();
  });
  after(async () => {
    await service?.stop().catch(() => undefined);
    await observer.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<Service> {
    const config = loadConfig({ DATABASE_URL: join(dir, 'crm.sqlite'), ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
    const csv = join(dir, 'Master.csv');
    const s = await startService({
      config,
      log: createLogger('silent'),
      pbx: { id: 'pbx1', host: '127.0.0.1', port: sim.port, username: 'crm', secret: 'crmsecret', authType: 'plain' },
      listen: false,
      agiPort: 0,
      ui: false,
      cdr: { source: new CsvCdrSource({ path: csv, access: localCsvAccess(csv), timeZone: 'UTC' }) },
      gapTimings: { heartbeatMs: 100, firstReadDelayMs: 60_000, retryMs: 60_000 },
    });
    await until(() => s.session.recoveries >= 1, 'the first recovery');
    return s;
  }

  /** A crash: no clean stop of the session (its last note that the PBX is alive stays as it was). */
  async function kill(s: Service): Promise<void> {
    s.session.stop = () => undefined;
    await s.stop();
  }

  it('loses, doubles, leaves open and gets wrong nothing', async () => {
    const rand = random(11);
    service = await start();
    const load = sim.startLoad({
      callsPerSecond: 8,
      durationMs: 9_000,
      seed: 7,
      mix: { 'inbound-answered': 4, 'inbound-noanswer': 1, 'inbound-busy': 1, 'ringgroup-answered': 2, 'ringgroup-noanswer': 1, 'queue-answered': 1, 'queue-abandoned': 1, 'outbound-from-phone': 1, internal: 1 },
      params: { ringMs: 1_200, talkMs: 1_800 },
    });
    // Two kills at random points of the load, each down for 1-2 s (calls start and end meanwhile).
    for (let i = 0; i < 2; i++) {
      await sleep(1_000 + rand() * 2_500);
      await kill(service);
      service = null;
      await sleep(1_000 + rand() * 1_000);
      service = await start();
    }
    const stats = await load;
    await until(() => truthState.calls.size === 0, 'every call over on the PBX');
    await sleep(300);
    const s = service;
    await s.session.idle();
    await s.session.fillGaps();
    await s.session.idle();

    const rows = await s.store.db.selectFrom('calls').select(['id', 'status', 'record_json']).execute();
    const logged = new Map(rows.map((r) => [r.id, JSON.parse(r.record_json) as CallRecord]));
    assert.ok(stats.callsStarted >= 50, `a real load (${stats.callsStarted} calls)`);
    assert.equal(truth.size, stats.callsStarted, 'the truth saw every call');
    const problems: string[] = [];
    for (const [id, want] of truth) {
      const got = logged.get(id);
      if (got === undefined) {
        problems.push(`${id}: lost`);
        continue;
      }
      if (got.status !== 'ended') problems.push(`${id}: left open`);
      if (got.direction !== want.direction) problems.push(`${id}: direction ${got.direction} != ${want.direction}`);
      if (got.disposition !== want.disposition || got.answeredBy !== want.answeredBy) {
        problems.push(`${id}: outcome ${got.disposition}/${got.answeredBy} != ${want.disposition}/${want.answeredBy} (${got.fromCdr ?? 'events'})`);
      }
      if (got.externalNumber !== want.externalNumber || got.externalName !== want.externalName) problems.push(`${id}: caller ${got.externalNumber} ${got.externalName} != ${want.externalNumber} ${want.externalName}`);
      if (Math.abs((got.talkSeconds ?? -99) - (want.talkSeconds ?? -99)) > 1) problems.push(`${id}: talk ${got.talkSeconds} != ${want.talkSeconds} (${got.fromCdr ?? 'events'})`);
    }
    for (const id of logged.keys()) if (!truth.has(id)) problems.push(`${id}: logged, but no such call`);
    const fromCdr = [...logged.values()].filter((r) => r.fromCdr !== null).length;
    assert.deepEqual(problems, [], `${problems.length} wrong of ${truth.size} (${fromCdr} filled in from the CDR)`);
    assert.ok(fromCdr > 0, 'the kills cut calls: some were filled in from the CDR');
  });
});
