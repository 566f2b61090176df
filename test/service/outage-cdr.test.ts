/**
 * Calls across outages with the PBX's own record: the whole service (SQLite file, then the real
 * PostgreSQL) against the PBX simulator, which writes its Master.csv as cdr_csv does and sends no
 * Cdr events over AMI (cdr_manager off, as on many PBXs). The service's CDR source reads that file.
 * - a call that starts and ends while the service is down is logged, rebuilt from the CDR;
 * - a call answered before a link cut and ended inside the gap gets its real talk time;
 * - a call ringing before a crash, answered and ended while the service was down, is not a false
 *   missed call: answered, by whom, with its talk;
 * - the same gap read twice changes nothing; without a CDR source, health says what is lost.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { CallRecord } from '../../src/calls/record.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startService, type Service } from '../../src/service/service.ts';
import { AmiSimulator } from '../../src/simulator/ami-simulator.ts';
import { buildScenario, linkedidOf } from '../../src/simulator/scenarios/index.ts';
import { CsvCdrSource, localCsvAccess } from '../../src/cdr/sources/csv-source.ts';
import type { ReconnectStrategy } from '../../src/ami/reconnect-strategy.ts';
import { TEST_DATABASE_URL } from '../support/engines.ts';

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`calls across outages, filled from the PBX's Master.csv (${engine} store)`, () => {
    let dir: string;
    let csv: string;
    let sim: AmiSimulator;
    let databaseUrl: string;
    let schema: string | null = null;
    const running: Service[] = [];

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'crm-outage-'));
      csv = join(dir, 'cdr-csv', 'Master.csv');
      sim = new AmiSimulator({ port: 0, cdrCsv: { path: csv, timeZone: 'UTC' }, cdrEvents: false });
      await sim.listen();
      if (engine === 'sqlite') {
        databaseUrl = join(dir, 'crm.sqlite');
      } else {
        // A database of its own: the service opens DATABASE_URL with no schema option.
        schema = `outage_${randomBytes(5).toString('hex')}`;
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${schema}`);
        await admin.end();
        databaseUrl = TEST_DATABASE_URL.replace(/\/[^/]*$/, `/${schema}`);
      }
    });
    afterEach(async () => {
      for (const s of running.splice(0)) await s.stop().catch(() => undefined);
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
      if (schema !== null) {
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${schema} WITH (FORCE)`);
        await admin.end();
        schema = null;
      }
    });

    async function start(opts: { cdr?: boolean; reconnect?: ReconnectStrategy } = {}): Promise<Service> {
      const config = loadConfig({ DATABASE_URL: databaseUrl, ADMIN_PASSWORD: 'admin-password', LOG_LEVEL: 'silent' });
      const source = opts.cdr === false ? null : new CsvCdrSource({ path: csv, access: localCsvAccess(csv), timeZone: 'UTC' });
      const service = await startService({
        config,
        log: createLogger('silent'),
        pbx: { id: 'pbx1', host: '127.0.0.1', port: sim.port, username: 'crm', secret: 'crmsecret', authType: 'plain', ...(opts.reconnect ? { reconnect: opts.reconnect } : {}) },
        listen: false,
        agiPort: 0,
        ui: false,
        cdr: { source, missing: 'Set CDR_SOURCE.' },
        gapTimings: { heartbeatMs: 50, firstReadDelayMs: 60_000, retryMs: 60_000 },
      });
      running.push(service);
      await until(() => service.session.recoveries >= 1, 'the first recovery');
      await service.session.idle();
      return service;
    }

    /** A crash: the process is gone, nothing stops cleanly (no last heartbeat, no final writes). */
    async function crash(service: Service): Promise<void> {
      running.splice(running.indexOf(service), 1);
      // No clean stop of the session: its last note that the PBX is alive stays where it was.
      service.session.stop = () => undefined;
      await service.stop();
    }

    async function record(service: Service, id: string): Promise<CallRecord | undefined> {
      return (await service.callLog.get<CallRecord>(id))?.record;
    }

    function inbound(params: Record<string, unknown>) {
      return buildScenario('inbound-answered', { startEpochMs: Date.now(), did: '5550100', extensions: ['101'], answeredBy: '101', ...params }, sim.scenarioIds);
    }

    it('a call that starts and ends while the service is down is logged, rebuilt from the CDR', async () => {
      const first = await start();
      await sleep(120); // a heartbeat or two
      await crash(first);
      const script = inbound({ caller: { number: '+15551230042', name: "Bob \\\"The Boss\\\" O'Neil" }, ringMs: 1_000, talkMs: 2_000 });
      const id = `pbx1:${linkedidOf(script)}`;
      await sim.playScenario(script, { speed: 1 });
      const second = await start();
      await second.session.fillGaps();
      const r = await record(second, id);
      assert.ok(r, 'the call made while the service was down is in the log');
      assert.equal(r.fromCdr, 'rebuilt');
      assert.equal(r.status, 'ended');
      assert.equal(r.direction, 'inbound');
      assert.equal(r.externalNumber, '+15551230042');
      assert.equal(r.externalName, "Bob \\\"The Boss\\\" O'Neil", 'the name as the caller sent it');
      assert.equal(r.did, '5550100');
      assert.equal(r.answeredBy, '101');
      assert.equal(r.disposition, 'answered');
      assert.ok(Math.abs((r.talkSeconds ?? -9) - 2) <= 1, `talk ${r.talkSeconds}`);
      // Read again: nothing changes, nothing doubles.
      const before = JSON.stringify(r);
      await second.session.fillGaps();
      assert.equal(JSON.stringify(await record(second, id)), before);
      const all = await second.store.db.selectFrom('calls').select('id').execute();
      assert.equal(all.filter((x) => x.id === id).length, 1);
    });

    it('a call ringing at a crash, answered and ended while the service was down, is answered, not missed', async () => {
      const first = await start();
      const script = inbound({ caller: { number: '+15551230043', name: 'Rita Ringing' }, ringMs: 1_500, talkMs: 2_000 });
      const id = `pbx1:${linkedidOf(script)}`;
      const playing = sim.playScenario(script, { speed: 1 });
      await until(async () => (await record(first, id))?.rang.includes('101') === true, 'the phone ringing in the log');
      await sleep(100);
      await crash(first);
      await playing;
      const second = await start();
      const before = await record(second, id);
      assert.equal(before?.endedWhileDisconnected, true, 'gone when the service came back: ended while disconnected until the CDR says how');
      await second.session.fillGaps();
      const r = await record(second, id);
      assert.equal(r?.fromCdr, 'corrected');
      assert.equal(r?.disposition, 'answered');
      assert.equal(r?.answeredBy, '101');
      assert.equal(r?.direction, 'inbound');
      assert.equal(r?.endedWhileDisconnected, false);
      assert.ok(Math.abs((r?.talkSeconds ?? -9) - 2) <= 1, `talk ${r?.talkSeconds}`);
      assert.ok(Math.abs((r?.ringSeconds ?? -9) - 1.5) <= 1, `ring ${r?.ringSeconds}`);
    });

    it('a call answered before a link cut and ended inside the gap keeps its answer and gets its real talk time', async () => {
      // Reconnect only after 2.5 s: the call ends inside the gap.
      const service = await start({ reconnect: () => 2_500 });
      const script = inbound({ caller: { number: '+15551230044', name: 'Carl Cut' }, ringMs: 500, talkMs: 2_000 });
      const id = `pbx1:${linkedidOf(script)}`;
      const playing = sim.playScenario(script, { speed: 1 });
      await until(async () => (await record(service, id))?.answeredBy === '101', 'the answer in the log');
      await sim.dropClients();
      await playing;
      await until(() => service.session.recoveries >= 2, 'the recovery after the cut');
      await service.session.idle();
      const gone = await record(service, id);
      assert.equal(gone?.endedWhileDisconnected, true);
      assert.equal(gone?.answeredBy, '101', 'what we knew is kept');
      await service.session.fillGaps();
      const r = await record(service, id);
      assert.equal(r?.fromCdr, 'corrected');
      assert.equal(r?.disposition, 'answered');
      assert.equal(r?.answeredBy, '101');
      assert.ok(Math.abs((r?.talkSeconds ?? -9) - 2) <= 1, `talk ${r?.talkSeconds}`);
      const ended = Date.parse(r?.endedAt ?? '');
      const answered = Date.parse(r?.answeredAt ?? '');
      assert.ok(Math.abs(ended - answered - 2_000) <= 1_000, 'ended when the PBX says, not at the cut');
    });

    it('without a CDR source, the gap is recorded and health says calls inside gaps can be lost', async () => {
      const first = await start({ cdr: false });
      await sleep(120);
      await crash(first);
      await sim.playScenario(inbound({ caller: { number: '+15551230045', name: 'Lost Caller' }, ringMs: 200, talkMs: 300 }), { speed: 1 });
      const second = await start({ cdr: false });
      const status = second.session.gapStatus();
      assert.equal(status?.source, null);
      assert.match(status?.warning ?? '', /CDR_SOURCE/);
      assert.equal(status?.lastGap?.state, 'skipped');
      assert.equal(status?.lastGap?.cause, 'restart');
    });
  });
}
